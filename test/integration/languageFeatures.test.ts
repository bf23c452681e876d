import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openExample, rangeOf } from './helpers';

suite('language features', () => {
  test('Go to Definition leads from a use of a name to its declaration', async () => {
    const { document } = await openExample('training.grad');
    const use = document.getText().indexOf('a1 + b2');
    const locations = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', document.uri, document.positionAt(use));
    assert.equal(locations.length, 1);
    const target = 'targetRange' in locations[0] ? locations[0].targetRange : locations[0].range;
    assert.deepEqual(target, rangeOf(document, 'a1', document.getText().indexOf('a1 = tanh')));
  });

  test('the Outline lists every declared name with its kind and shape', async () => {
    const { document } = await openExample('training.grad');
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    assert.deepEqual(
      symbols.map((s) => `${s.name} ${s.detail}`),
      ['x input [2]', 'y target []', 'W1 param [2, 2]', 'b1 param [2]', 'W2 param [2, 2]', 'b2 param [2]', 'W3 param [2]', 'b3 param []', 'a1 node [2]', 'a2 node [2]', 'y_hat node []', 'L loss []'],
    );
  });

  test('completions offer functions with signatures and the declared names', async () => {
    const { document } = await openExample('training.grad');
    const end = document.lineAt(document.lineCount - 1).range.end;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, end);
    const byLabel = new Map(list.items.map((i) => [typeof i.label === 'string' ? i.label : i.label.label, i]));
    assert.equal(byLabel.get('leaky_relu')?.detail, 'leaky_relu(x, alpha=0.01)');
    assert.equal(byLabel.get('W1')?.detail, 'param [2, 2]');
    assert.ok(byLabel.has('gradcheck'), 'statement keywords at the start of a line');
  });
});
