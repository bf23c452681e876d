import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunReport } from '../../src/program/report';

/** The extension under test, as package.json names it. */
export const EXTENSION_ID = 'gradscope.gradscope';

export function extensionRoot(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed`);
  return ext.extensionPath;
}

export function exampleUri(file: string): vscode.Uri {
  return vscode.Uri.file(path.join(extensionRoot(), 'examples', file));
}

export async function openExample(file: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(exampleUri(file));
  return vscode.window.showTextDocument(document);
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The CLI's JSON report of a bundled example: the independent reference the extension must match. */
export function cliReport(file: string): RunReport {
  const root = extensionRoot();
  const out = execFileSync(process.execPath, [path.join(root, 'bin', 'gradscope.js'), 'run', path.join(root, 'examples', file), '--json'], {
    encoding: 'utf8',
    // The extension host's node may be Electron's: make it behave as plain node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  return JSON.parse(out) as RunReport;
}

/** The offset range of the first occurrence of `text` in the document, as a Range. */
export function rangeOf(document: vscode.TextDocument, text: string, from = 0): vscode.Range {
  const start = document.getText().indexOf(text, from);
  if (start < 0) throw new Error(`'${text}' not found in the document`);
  return new vscode.Range(document.positionAt(start), document.positionAt(start + text.length));
}
