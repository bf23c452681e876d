import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { rangeOf, waitFor } from './helpers';

const BROKEN = `input x = [1, 2]
param W = randn(2, 3)
h = W @ [1, 2]
z = foo(x)
loss L = sum(x) + tahn(x)
loss M = sum(x)
`;

suite('diagnostics', () => {
  test('a broken document gets diagnostics at the exact ranges the core reports', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'gradscope', content: BROKEN });
    await vscode.window.showTextDocument(document);
    const diagnostics = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(document.uri);
      return d.length >= 4 ? d : undefined;
    });
    const find = (fragment: string) => {
      const d = diagnostics.find((x) => x.message.includes(fragment));
      assert.ok(d, `a diagnostic mentioning '${fragment}' among: ${diagnostics.map((x) => x.message).join(' | ')}`);
      return d!;
    };
    const shape = find('[2, 3] @ [2]');
    assert.deepEqual(shape.range, rangeOf(document, 'W @ [1, 2]'));
    assert.equal(shape.severity, vscode.DiagnosticSeverity.Error);
    const unknown = find("Unknown function 'foo'");
    assert.deepEqual(unknown.range, rangeOf(document, 'foo'));
    const typo = find("Did you mean 'tanh'");
    assert.deepEqual(typo.range, rangeOf(document, 'tahn'));
    const second = find('second one');
    assert.deepEqual(second.range, rangeOf(document, 'loss', document.getText().indexOf('loss M')));
    assert.ok(diagnostics.every((d) => d.source === 'gradscope'));
  });

  test('fixing the document clears its diagnostics', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'gradscope', content: 'input x = [1, 2]\nloss L = sum(tahn(x))\n' });
    const editor = await vscode.window.showTextDocument(document);
    await waitFor('the typo to be reported', () => vscode.languages.getDiagnostics(document.uri).length === 1);
    await editor.edit((e) => e.replace(rangeOf(document, 'tahn'), 'tanh'));
    await waitFor('diagnostics to clear', () => vscode.languages.getDiagnostics(document.uri).length === 0);
  });
});
