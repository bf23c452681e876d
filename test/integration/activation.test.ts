import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, openExample, waitFor } from './helpers';

suite('activation', () => {
  test('opening a .grad file activates Gradscope and registers its commands', async () => {
    const editor = await openExample('training.grad');
    assert.equal(editor.document.languageId, 'gradscope');
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await waitFor('activation', () => ext.isActive);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['gradscope.runBackprop', 'gradscope.train', 'gradscope.stopTraining', 'gradscope.openExample']) {
      assert.ok(commands.includes(id), `command ${id} is registered`);
    }
  });
});
