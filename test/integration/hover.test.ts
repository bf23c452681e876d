import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { cliReport, openExample } from './helpers';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

async function hoverAt(document: vscode.TextDocument, offset: number): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(offset));
  return hoverText(hovers);
}

suite('hover', () => {
  test('hovering W1 shows its value and its gradient, as the CLI computes them', async () => {
    const { document } = await openExample('training.grad');
    const report = cliReport('training.grad');
    const w1 = report.nodes.W1;
    const value00 = (w1.value as number[][])[0][0];
    const grad00 = (w1.grad as number[][])[0][0];
    // Independent digits: 0.24835707650561634 is numpy's W1[0, 0] (np.random.seed(42)); the gradient is the CLI's.
    assert.equal(value00.toPrecision(6), '0.248357');
    const definition = document.getText().indexOf('W1 =');
    const use = document.getText().indexOf('W1 @');
    for (const offset of [definition, use]) {
      const text = await hoverAt(document, offset + 1);
      assert.match(text, /\*\*W1\*\*/);
      assert.ok(text.includes('0.248357'), `value in: ${text}`);
      assert.ok(text.includes(grad00.toPrecision(6)), `gradient ${grad00.toPrecision(6)} in: ${text}`);
      assert.ok(text.includes('gradient check'), 'the gradient-check line');
    }
    assert.equal(grad00.toPrecision(6), '-0.239981');
  });

  test('hovering an operator shows the unnamed subexpression', async () => {
    const { document } = await openExample('training.grad');
    const at = document.getText().indexOf('@ x + b1');
    const text = await hoverAt(document, at);
    assert.match(text, /\*\*matmul\*\* \(unnamed\)/);
    assert.ok(text.includes('W1 @ x'));
  });
});
