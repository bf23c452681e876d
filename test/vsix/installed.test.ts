// Runs inside the extension host against the extension INSTALLED from the VSIX
// (scripts/vscode/test-vsix.mjs builds this to out/test/vsix/ and runs it with
// run-integration.mjs --vsix). The workspace is an empty folder, so everything used here comes
// from the installed package.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunReport } from '../../src/program/report';

const EXTENSION_ID = 'gradscope.gradscope';

function installed(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  return ext;
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

suite('installed VSIX', () => {
  test('the extension is loaded from the extensions dir, not from the project', () => {
    const ext = installed();
    const version = (ext.packageJSON as { version: string }).version;
    const expected = process.env.GRADSCOPE_EXPECTED_VERSION;
    if (expected) assert.equal(version, expected);
    // VS Code unpacks an installed VSIX into <extensions dir>/<publisher>.<name>-<version>.
    assert.equal(path.basename(ext.extensionPath), `${EXTENSION_ID}-${version}`);
    const project = process.env.GRADSCOPE_PROJECT_ROOT;
    if (project) assert.ok(!isInside(ext.extensionPath, project), `loaded from the project folder: ${ext.extensionPath}`);
    // What the package holds: bundles, not sources.
    for (const f of ['package.json', 'dist/extension.js', 'dist/webview/results.js', 'dist/webview/training.js', 'examples/training.grad']) {
      assert.ok(fs.existsSync(path.join(ext.extensionPath, f)), `${f} is in the installed extension`);
    }
    for (const f of ['src', 'test', 'node_modules', 'scripts', 'dist/extension.js.map']) {
      assert.ok(!fs.existsSync(path.join(ext.extensionPath, f)), `${f} must not be in the installed extension`);
    }
  });

  test('Open Example opens its bundled example in an untitled editor', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('gradscope.openExample', 'training');
    assert.ok(uri, 'the command returns the document URI');
    assert.equal(uri.scheme, 'untitled');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is active');
    assert.equal(editor.document.uri.toString(), uri.toString());
    assert.equal(editor.document.languageId, 'gradscope');
    assert.ok(editor.document.getText().includes('train sgd(lr=0.01) steps 1000'));
    assert.ok(installed().isActive, 'the extension is active');
  });

  test('Run Backprop on the example gives the known loss and passing gradient checks', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('gradscope.openExample', 'training');
    const report = await vscode.commands.executeCommand<RunReport>('gradscope.runBackprop', uri);
    assert.ok(report, 'the command resolves with a report');
    assert.equal(report.loss?.toFixed(6), '1.323064');
    assert.ok(report.gradcheck.length > 0, 'the example has gradient checks');
    for (const g of report.gradcheck) assert.ok(g.passed, `gradcheck ${g.name} passed (max abs diff ${g.maxAbsDiff})`);
    assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error'), []);
  });
});
