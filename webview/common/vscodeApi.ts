// The typed handle a view uses to talk to the extension host and to keep its state across reloads.

/** What a view posts (`Out`) and the state it saves (`State`). */
export interface HostConnection<Out, State> {
  post(message: Out): void;
  /** The state saved before the webview was hidden or reloaded, if any. */
  savedState(): State | undefined;
  saveState(state: State): void;
}

/** Connects once per page load (VS Code refuses a second `acquireVsCodeApi()`). */
export function connectToHost<Out, State>(): HostConnection<Out, State> {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    savedState: () => (api.getState() ?? undefined) as State | undefined,
    saveState: (state) => api.setState(state),
  };
}
