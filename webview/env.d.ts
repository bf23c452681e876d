// Globals of a VS Code webview, and the CSS files esbuild bundles next to each view's script.

/** The handle to the extension host; VS Code allows one call per page load. */
declare function acquireVsCodeApi(): {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
};

declare module '*.css';
