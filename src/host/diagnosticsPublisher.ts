import * as vscode from 'vscode';
import type { DiagnosticInfo } from '../shared/model';

/** Shows an analysis's diagnostics in the Problems panel and as squiggles, at their exact ranges. */
export class DiagnosticsPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('gradscope');

  publish(document: vscode.TextDocument, diagnostics: readonly DiagnosticInfo[]): void {
    this.collection.set(
      document.uri,
      diagnostics.map((d) => {
        const start = document.positionAt(d.range.start);
        // A zero-length range (a missing token) still needs a visible squiggle: widen it by one character where possible.
        const end = d.range.end > d.range.start ? document.positionAt(d.range.end) : document.positionAt(d.range.end + 1);
        const diagnostic = new vscode.Diagnostic(new vscode.Range(start, end), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        diagnostic.source = 'gradscope';
        diagnostic.code = d.code;
        return diagnostic;
      }),
    );
  }

  clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
