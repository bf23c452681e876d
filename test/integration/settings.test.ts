import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunReport } from '../../src/program/report';
import type { RenderedMessage } from '../../src/shared/protocol';
import { EXTENSION_ID, openExample, waitFor } from './helpers';

const config = () => vscode.workspace.getConfiguration('gradscope');
const set = (key: string, value: unknown) => config().update(key, value, vscode.ConfigurationTarget.Global);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function hoverAt(document: vscode.TextDocument, text: string): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(document.getText().indexOf(text) + 1));
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

suite('settings', () => {
  teardown(async () => {
    for (const key of ['display.precision', 'gradcheck.eps', 'gradcheck.atol', 'gradcheck.rtol', 'liveAnalysis.enabled', 'liveAnalysis.debounceMs', 'graph.nodeLimit']) await set(key, undefined);
  });

  test('display.precision sets the significant digits of hovers', async () => {
    const { document } = await openExample('training.grad');
    await set('display.precision', 3);
    const text = await hoverAt(document, 'W1 =');
    assert.ok(text.includes('0.248'), text);
    assert.ok(!text.includes('0.248357'), 'no more than 3 digits');
  });

  test('gradcheck.eps, atol and rtol drive the gradient check', async () => {
    await openExample('training.grad');
    const fine = await vscode.commands.executeCommand<RunReport>('gradscope.runBackprop');
    assert.ok(fine.gradcheck.every((g) => g.passed));
    await set('gradcheck.eps', 0.1);
    const coarse = await vscode.commands.executeCommand<RunReport>('gradscope.runBackprop');
    // Central differences err by O(eps^2): a step 1e5 times larger gives errors far above 1e-6's.
    const worst = (r: RunReport) => Math.max(...r.gradcheck.map((g) => g.maxAbsDiff));
    assert.ok(worst(coarse) > 1e3 * worst(fine), `${worst(coarse)} vs ${worst(fine)}`);
    await set('gradcheck.eps', undefined);
    await set('gradcheck.atol', 0);
    await set('gradcheck.rtol', 0);
    const strict = await vscode.commands.executeCommand<RunReport>('gradscope.runBackprop');
    assert.ok(strict.gradcheck.some((g) => !g.passed), 'with no tolerance, rounding error fails some check');
  });

  test('liveAnalysis.enabled and debounceMs control when diagnostics appear', async () => {
    await set('liveAnalysis.enabled', false);
    const document = await vscode.workspace.openTextDocument({ language: 'gradscope', content: 'x = foo(1)\n' });
    await vscode.window.showTextDocument(document);
    await sleep(1500);
    assert.equal(vscode.languages.getDiagnostics(document.uri).length, 0, 'no live analysis while disabled');
    await set('liveAnalysis.enabled', true);
    await waitFor('diagnostics once enabled', () => vscode.languages.getDiagnostics(document.uri).length === 1);

    await set('liveAnalysis.debounceMs', 3000);
    const editor = vscode.window.activeTextEditor!;
    await editor.edit((e) => e.insert(document.positionAt(document.getText().length), 'y = bar(2)\n'));
    await sleep(800);
    assert.equal(vscode.languages.getDiagnostics(document.uri).length, 1, 'the edit is not analysed before the debounce');
    await waitFor('diagnostics after the debounce', () => vscode.languages.getDiagnostics(document.uri).length === 2, 15_000);
  });

  test('graph.nodeLimit collapses a larger graph to its named nodes', async () => {
    await openExample('training.grad');
    const api = vscode.extensions.getExtension(EXTENSION_ID)!.exports as { lastRendered(): RenderedMessage | null };
    await vscode.commands.executeCommand('gradscope.runBackprop');
    const full = await waitFor('a render', () => api.lastRendered() ?? undefined);
    assert.equal(full.collapsed, false);
    assert.equal(full.error, null);
    await set('graph.nodeLimit', 5);
    await vscode.commands.executeCommand('gradscope.runBackprop');
    const collapsed = api.lastRendered()!;
    assert.equal(collapsed.collapsed, true);
    assert.ok(collapsed.nodes < full.nodes, `${collapsed.nodes} < ${full.nodes}`);
  });
});
