import * as vscode from 'vscode';
import { parseFromTrainingView, type ToTrainingView } from '../shared/protocol';
import { readSettings } from './settings';
import type { TrainingSession } from './trainingSession';
import { webviewHtml, webviewOptions } from './webviewHtml';

/**
 * The side panel's training view. It draws only from the session's state: on every status change
 * the whole state goes over, progress goes as batches, and when the view is shown again it gets the
 * full state at once, so it never comes back blank.
 */
export class TrainingViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'gradscope.training';
  private view: vscode.WebviewView | null = null;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly resolvedEmitter = new vscode.EventEmitter<void>();
  /** Fires when the view's webview has loaded and said ready (used by tests). */
  readonly onDidResolve = this.resolvedEmitter.event;

  constructor(private readonly extensionUri: vscode.Uri, private readonly session: TrainingSession) {
    this.disposables.push(
      session.onDidChangeState(() => this.postState()),
      session.onDidProgress((p) => this.post({ type: 'trainingProgress', curve: p.curve, step: p.step, loss: p.loss, stepsPerSecond: p.stepsPerSecond })),
    );
  }

  get isReady(): boolean {
    return this.ready;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'training', 'Gradscope Training');
    view.onDidDispose(() => {
      this.view = null;
      this.ready = false;
    }, null, this.disposables);
    view.onDidChangeVisibility(() => view.visible && this.postState(), null, this.disposables);
    view.webview.onDidReceiveMessage((raw) => {
      const msg = parseFromTrainingView(raw);
      if (!msg) return; // not ours, or malformed: ignore rather than act on it
      switch (msg.type) {
        case 'ready':
          this.ready = true;
          this.postState();
          this.resolvedEmitter.fire();
          return;
        case 'trainingAction':
          if (msg.action === 'train' && !this.session.documentUri) {
            void vscode.commands.executeCommand('gradscope.train');
            return;
          }
          this.session.act(msg.action);
          return;
      }
    }, null, this.disposables);
  }

  private postState(): void {
    this.post({ type: 'trainingState', state: this.session.current, settings: readSettings().view });
  }

  private post(message: ToTrainingView): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  dispose(): void {
    this.resolvedEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
