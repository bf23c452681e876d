import * as vscode from 'vscode';

// CodeLenses come from the text alone (a line-start keyword), so they show at once, before any analysis.
const LENSES: { pattern: RegExp; title: string; command: string }[] = [
  { pattern: /^\s*loss\b/, title: '$(play) Run Backprop', command: 'gradscope.runBackprop' },
  { pattern: /^\s*jacobian\b/, title: '$(table) Show Jacobians', command: 'gradscope.runBackprop' },
  { pattern: /^\s*gradcheck\b/, title: '$(beaker) Check gradients', command: 'gradscope.runBackprop' },
  { pattern: /^\s*train\b/, title: '$(debug-start) Train in side view', command: 'gradscope.train' },
];

/** Run Backprop above `loss`, `jacobian` and `gradcheck` lines; Train above `train` lines. */
export class GradCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    for (let line = 0; line < document.lineCount; line++) {
      const text = document.lineAt(line).text;
      for (const lens of LENSES) {
        if (lens.pattern.test(text)) {
          lenses.push(new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title: lens.title, command: lens.command, arguments: [document.uri] }));
        }
      }
    }
    return lenses;
  }
}
