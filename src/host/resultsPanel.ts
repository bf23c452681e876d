import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseFromResultsPanel, type RenderedMessage, type ToResultsPanel } from '../shared/protocol';
import type { DocumentAnalysis } from './analysisService';
import { readSettings } from './settings';
import { webviewHtml, webviewOptions } from './webviewHtml';

/**
 * The results panel beside the editor: one at a time, reused for whichever document Run Backprop
 * was last asked about. Messages wait for the webview's `ready`; after a window reload the
 * serializer revives the panel and the webview redraws from its saved state.
 */
export class ResultsPanel implements vscode.Disposable {
  static readonly viewType = 'gradscope.results';
  private static instance: ResultsPanel | null = null;

  private ready = false;
  private pending: ToResultsPanel | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly renderedEmitter = new vscode.EventEmitter<RenderedMessage>();
  /** The document this panel shows. */
  documentUri: vscode.Uri | null;
  /** What the webview last reported rendering. */
  static lastRendered: RenderedMessage | null = null;

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly extensionUri: vscode.Uri, documentUri: vscode.Uri | null, private readonly onRerun: (uri: vscode.Uri) => void) {
    this.documentUri = documentUri;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'results', 'Gradscope Results');
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw), null, this.disposables);
  }

  static get current(): ResultsPanel | null {
    return ResultsPanel.instance;
  }

  /** Opens the panel beside the active editor, or reveals the existing one. */
  static showFor(extensionUri: vscode.Uri, documentUri: vscode.Uri, onRerun: (uri: vscode.Uri) => void): ResultsPanel {
    const existing = ResultsPanel.instance;
    if (existing) {
      existing.documentUri = documentUri;
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(ResultsPanel.viewType, 'Gradscope Results', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      ...webviewOptions(extensionUri),
      // The panel rebuilds from its saved state, so it need not keep its DOM alive while hidden.
      retainContextWhenHidden: false,
    });
    return (ResultsPanel.instance = new ResultsPanel(panel, extensionUri, documentUri, onRerun));
  }

  /** Takes over a panel that VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, onRerun: (uri: vscode.Uri) => void): ResultsPanel {
    ResultsPanel.instance?.panel.dispose();
    const saved = typeof state === 'object' && state !== null && typeof (state as { documentUri?: unknown }).documentUri === 'string' ? (state as { documentUri: string }).documentUri : null;
    let uri: vscode.Uri | null = null;
    try {
      uri = saved ? vscode.Uri.parse(saved, true) : null;
    } catch {
      uri = null;
    }
    return (ResultsPanel.instance = new ResultsPanel(panel, extensionUri, uri, onRerun));
  }

  /** Sends a new analysis; resolves when the webview has rendered it (or after a timeout). */
  show(document: vscode.TextDocument, analysis: DocumentAnalysis, timeoutMs = 20_000): Promise<RenderedMessage | null> {
    this.documentUri = document.uri;
    this.panel.title = `Gradscope: ${path.basename(document.fileName)}`;
    const rendered = new Promise<RenderedMessage | null>((resolve) => {
      const timer = setTimeout(() => {
        sub.dispose();
        resolve(null);
      }, timeoutMs);
      const sub = this.renderedEmitter.event((m) => {
        if (m.documentVersion === analysis.version) {
          clearTimeout(timer);
          sub.dispose();
          resolve(m);
        }
      });
    });
    this.post({ type: 'showResults', documentUri: document.uri.toString(), fileName: path.basename(document.fileName), documentVersion: analysis.version, model: analysis.model, settings: readSettings().view });
    return rendered;
  }

  status(busy: boolean, message: string): void {
    this.post({ type: 'status', busy, message });
  }

  private post(message: ToResultsPanel): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    // Only the newest message matters to a webview that is still loading.
    else if (message.type === 'showResults' || !this.pending) this.pending = message;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const msg = parseFromResultsPanel(raw);
    if (!msg) return;
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        if (this.pending) {
          const p = this.pending;
          this.pending = null;
          this.post(p);
        } else if (this.documentUri) {
          // A revived panel: bring it up to date with the document as it is now.
          this.onRerun(this.documentUri);
        }
        return;
      case 'rendered':
        ResultsPanel.lastRendered = msg;
        this.renderedEmitter.fire(msg);
        return;
      case 'rerun':
        if (this.documentUri) this.onRerun(this.documentUri);
        return;
      case 'revealRange': {
        if (!this.documentUri) return;
        const document = await vscode.workspace.openTextDocument(this.documentUri);
        const range = new vscode.Range(document.positionAt(Math.min(msg.range.start, document.getText().length)), document.positionAt(Math.min(msg.range.end, document.getText().length)));
        const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, selection: range, preserveFocus: false });
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        return;
      }
    }
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  dispose(): void {
    if (ResultsPanel.instance === this) ResultsPanel.instance = null;
    this.renderedEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
