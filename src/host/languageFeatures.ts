import * as vscode from 'vscode';
import { FUNCTIONS } from '../program/functions';
import type { DeclKindName } from '../shared/model';
import type { AnalysisService } from './analysisService';
import { nodeAt } from './hoverCard';
import { readSettings } from './settings';

// Go to Definition, the Outline, and completions: small providers over the same analysis that
// drives hovers, so they agree on what each name is.

const SYMBOL_KINDS: Record<DeclKindName, vscode.SymbolKind> = {
  input: vscode.SymbolKind.Variable,
  target: vscode.SymbolKind.Constant,
  param: vscode.SymbolKind.Field,
  const: vscode.SymbolKind.Constant,
  node: vscode.SymbolKind.Variable,
  loss: vscode.SymbolKind.Event,
};

const STATEMENT_KEYWORDS = ['input', 'target', 'param', 'const', 'loss', 'seed', 'jacobian', 'gradcheck', 'train'];

const toRange = (document: vscode.TextDocument, r: { start: number; end: number }) => new vscode.Range(document.positionAt(r.start), document.positionAt(r.end));

/** Jumps from any use of a name to its declaration. */
export class GradDefinitionProvider implements vscode.DefinitionProvider {
  constructor(private readonly analyses: AnalysisService) {}

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Location | undefined> {
    const analysis = await this.analyses.current(document, readSettings().engine).catch(() => undefined);
    if (!analysis || analysis.version !== document.version) return undefined;
    const hit = nodeAt(analysis.model, document.offsetAt(position));
    // Only a name token leads somewhere: an operator's node has no declaration.
    if (!hit?.node.nameRange || document.getText(toRange(document, hit.range)) !== hit.node.name) return undefined;
    return new vscode.Location(document.uri, toRange(document, hit.node.nameRange));
  }
}

/** Every declared name in the Outline and in Go to Symbol, with its kind and shape. */
export class GradSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly analyses: AnalysisService) {}

  async provideDocumentSymbols(document: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
    const analysis = await this.analyses.current(document, readSettings().engine).catch(() => undefined);
    if (!analysis || analysis.version !== document.version) return [];
    return analysis.model.nodes
      .filter((n) => n.name !== null && n.nameRange !== null && n.declKind !== null)
      .map((n) => {
        const line = document.lineAt(document.positionAt(n.nameRange!.start).line).range;
        return new vscode.DocumentSymbol(n.name!, `${n.declKind} [${n.shape.join(', ')}]`, SYMBOL_KINDS[n.declKind!], line, toRange(document, n.nameRange!));
      });
  }
}

/** Keywords at the start of a line, functions with their signatures, and the names declared so far. */
export class GradCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly analyses: AnalysisService) {}

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const before = document.lineAt(position.line).text.slice(0, position.character);
    if (before.includes('#')) return [];
    const items: vscode.CompletionItem[] = [];
    if (/^\s*[A-Za-z_]*$/.test(before)) {
      for (const k of STATEMENT_KEYWORDS) items.push(new vscode.CompletionItem(k, vscode.CompletionItemKind.Keyword));
    }
    for (const [name, spec] of FUNCTIONS) {
      const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Function);
      item.detail = spec.signature;
      item.documentation = new vscode.MarkdownString(`${spec.summary}${spec.kind === 'initializer' ? '\n\n_Initialiser: evaluated once, no gradient._' : ''}`);
      item.insertText = new vscode.SnippetString(`${name}($1)`);
      items.push(item);
    }
    // Names from the newest analysis, even of an older version: they are still the best guess.
    const model = this.analyses.latest(document.uri)?.model;
    for (const n of model?.nodes ?? []) {
      if (n.name === null || n.declKind === null) continue;
      const item = new vscode.CompletionItem(n.name, n.declKind === 'param' ? vscode.CompletionItemKind.Field : vscode.CompletionItemKind.Variable);
      item.detail = `${n.declKind} [${n.shape.join(', ')}]`;
      items.push(item);
    }
    return items;
  }
}
