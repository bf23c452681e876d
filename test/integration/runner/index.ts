// Mocha entry point for the VS Code extension host (desktop VS Code via @vscode/test-electron,
// or code-server via scripts/vscode/run-integration.mjs). Bundled by
// scripts/vscode/build-integration.mjs to out/test/integration/index.js; it loads every
// *.test.js compiled next to it (out/test/integration/**/*.test.js).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') found.push(...findTestFiles(full));
    } else if (entry.isFile() && entry.name.endsWith('.test.js')) {
      found.push(full);
    }
  }
  return found.sort();
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    timeout: 60_000,
    // Optional filter, e.g. GRADSCOPE_TEST_GREP=webview (inherited from the VS Code process env).
    grep: process.env.GRADSCOPE_TEST_GREP || undefined,
  });
  const files = findTestFiles(__dirname);
  for (const f of files) mocha.addFile(f);
  return new Promise<void>((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`No *.test.js files found under ${__dirname}`));
      return;
    }
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
        else resolve();
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
