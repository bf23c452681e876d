import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunReport } from '../../src/program/report';
import { cliReport, EXTENSION_ID, openExample, waitFor } from './helpers';

function resultsTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('gradscope.results'));
}

suite('commands', () => {
  test('Run Backprop returns the CLI report and opens the results panel', async () => {
    await openExample('training.grad');
    const report = await vscode.commands.executeCommand<RunReport>('gradscope.runBackprop');
    assert.ok(report, 'the command resolves with a report');
    assert.deepEqual(report, cliReport('training.grad'));
    assert.equal(report.loss!.toFixed(6), '1.323064');
    await waitFor('the results panel tab', () => resultsTab());
  });

  test('Run Backprop on the Jacobian example gives the recap Jacobians', async () => {
    await openExample('jacobians.grad');
    const report = await vscode.commands.executeCommand<RunReport>('gradscope.runBackprop');
    assert.deepEqual(report.jacobians.map((j) => j.analytic), [
      [[2, 1], [1, 3], [-1, 1]],
      [[1, 2, -1], [3, -1, 1]],
      [[5, 6], [4, 1]],
    ]);
    for (const j of report.jacobians) assert.ok(j.maxAbsDiff < 1e-6);
    assert.deepEqual(report, cliReport('jacobians.grad'));
  });

  test('Train returns the same loss history as the CLI, and the training view resolves', async () => {
    await openExample('training.grad');
    const result = await vscode.commands.executeCommand<{ steps: number; loss: number[] }>('gradscope.train');
    const cli = cliReport('training.grad');
    assert.equal(result.steps, 1000);
    assert.deepEqual(result.loss, cli.training!.loss);
    const api = vscode.extensions.getExtension(EXTENSION_ID)!.exports as { whenTrainingViewReady(): Promise<void> };
    await api.whenTrainingViewReady();
  });

  test('Open Example opens a bundled example in an untitled editor', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('gradscope.openExample', 'jacobians');
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.toString(), uri.toString());
    assert.equal(editor.document.languageId, 'gradscope');
    assert.ok(editor.document.getText().includes('jacobian [y1, y2] wrt [x1, x2]'));
  });
});
