import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './helpers';

interface Keybinding {
  key: string;
  command: string;
}

/** VS Code's default keybindings file is JSON with comments; strip line comments (none of its strings hold `//`). */
function parseKeybindings(text: string): Keybinding[] {
  return JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as Keybinding[];
}

const normalize = (key: string) => key.toLowerCase().split('+').sort().join('+');

suite('contributions', () => {
  test("the Run Backprop keybinding clashes with none of VS Code's defaults", async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const ours = ext.packageJSON.contributes.keybindings as { key: string; command: string }[];
    assert.equal(ours[0].command, 'gradscope.runBackprop');
    await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
    const editor = vscode.window.activeTextEditor!;
    const defaults = parseKeybindings(editor.document.getText()).filter((k) => !k.command.startsWith('gradscope.'));
    assert.ok(defaults.length > 300, `read ${defaults.length} default keybindings`);
    for (const k of ours) {
      const clash = defaults.filter((d) => normalize(d.key) === normalize(k.key));
      assert.deepEqual(clash.map((c) => c.command), [], `${k.key} is free`);
    }
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('the walkthrough, the view and the settings are contributed', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const steps = pkg.contributes.walkthroughs[0].steps.map((s: { id: string }) => s.id);
    assert.deepEqual(steps, ['openExample', 'runBackprop', 'hover', 'train', 'yourOwn']);
    const settings = Object.keys(pkg.contributes.configuration.properties).sort();
    assert.deepEqual(settings, [
      'gradscope.display.precision',
      'gradscope.gradcheck.atol',
      'gradscope.gradcheck.eps',
      'gradscope.gradcheck.rtol',
      'gradscope.graph.nodeLimit',
      'gradscope.liveAnalysis.debounceMs',
      'gradscope.liveAnalysis.enabled',
    ]);
  });
});
