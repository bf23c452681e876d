// Runs the same mocha suite in DESKTOP VS Code through @vscode/test-electron.
// Needs a machine that can download VS Code from Microsoft (or --code pointing at an installed
// VS Code executable); it cannot run on the offline CI machines, which use run-integration.mjs.
//
//   node scripts/vscode/run-electron.mjs [--extension <dir>] [--tests <index.js>] [--workspace <dir>]
//                                        [--vsix <file.vsix>] [--code <VS Code executable>]
//                                        [--vscode-version <x.y.z|stable|insiders>] [--grep <text>]
//
// Defaults match run-integration.mjs: project root, out/test/integration/index.js, examples/,
// VS Code 1.100.3 (the engines.vscode floor, same as code-server 4.100.3).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROJECT_ROOT = path.resolve(HERE, '..', '..');

const { values } = parseArgs({
  options: {
    extension: { type: 'string' },
    tests: { type: 'string' },
    workspace: { type: 'string' },
    vsix: { type: 'string' },
    code: { type: 'string' },
    'vscode-version': { type: 'string', default: process.env.VSCODE_TEST_VERSION ?? '1.100.3' },
    grep: { type: 'string' },
  },
});

const extension = path.resolve(values.extension ?? PROJECT_ROOT);
const tests = path.resolve(values.tests ?? path.join(PROJECT_ROOT, 'out', 'test', 'integration', 'index.js'));
const workspace = path.resolve(values.workspace ?? path.join(PROJECT_ROOT, 'examples'));
const version = values['vscode-version'];

async function main() {
  if (!fs.existsSync(tests)) throw new Error(`tests entry not found: ${tests} (build it: node scripts/vscode/build-integration.mjs)`);
  const vscodeExecutablePath = values.code ? path.resolve(values.code) : await downloadAndUnzipVSCode(version);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscope-electron-'));
  const extensionsDir = path.join(scratch, 'extensions');
  const userDataDir = path.join(scratch, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'security.workspace.trust.enabled': false, 'update.mode': 'none', 'extensions.autoUpdate': false }, null, 2),
  );

  let extensionDevelopmentPath = extension;
  if (values.vsix) {
    // Test the packaged extension: install it, and give VS Code an empty development folder
    // (extensionTestsPath needs development mode) so the INSTALLED copy is the one loaded.
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
    const r = spawnSync(cli, [...cliArgs, `--extensions-dir=${extensionsDir}`, `--user-data-dir=${userDataDir}`, '--install-extension', path.resolve(values.vsix), '--force'], {
      encoding: 'utf8',
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
    if (r.status !== 0) throw new Error(`installing ${values.vsix} failed (exit ${r.status})`);
    extensionDevelopmentPath = path.join(scratch, 'no-dev-extension');
    fs.mkdirSync(extensionDevelopmentPath);
  }

  try {
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath,
      extensionTestsPath: tests,
      extensionTestsEnv: values.grep ? { GRADSCOPE_TEST_GREP: values.grep } : undefined,
      launchArgs: [
        workspace,
        `--extensions-dir=${extensionsDir}`,
        `--user-data-dir=${userDataDir}`,
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-telemetry',
      ],
    });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    // runTests rejects with TestRunFailedError (with .code) when the suite fails.
    console.error(`[run-electron] ${err?.message ?? err}`);
    process.exit(typeof err?.code === 'number' && err.code !== 0 ? err.code : 1);
  },
);
