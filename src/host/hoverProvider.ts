import * as vscode from 'vscode';
import type { AnalysisService } from './analysisService';
import { hoverCard, nodeAt } from './hoverCard';
import { readSettings } from './settings';

/** Hovers over names, operators and calls show the node's value and gradient. */
export class GradHoverProvider implements vscode.HoverProvider {
  constructor(private readonly analyses: AnalysisService) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const settings = readSettings();
    let analysis;
    try {
      analysis = await this.analyses.current(document, settings.engine);
    } catch {
      return undefined; // superseded by an edit: the next hover will see the new version
    }
    if (token.isCancellationRequested || analysis.version !== document.version) return undefined;
    const offset = document.offsetAt(position);
    const hit = nodeAt(analysis.model, offset);
    if (!hit) return undefined;
    const markdown = new vscode.MarkdownString(hoverCard(analysis.model, hit.node, document.getText(), settings.view.precision, this.analyses.trained(document)));
    const range = new vscode.Range(document.positionAt(hit.range.start), document.positionAt(hit.range.end));
    return new vscode.Hover(markdown, range);
  }
}
