// Runs a mocha suite inside the extension host of a real VS Code (code-server 4.100.3 + Chromium).
//
//   node scripts/vscode/run-integration.mjs [--extension <dir>] [--tests <index.js>] [--workspace <dir>]
//                                           [--vsix <file.vsix>] [--timeout <minutes>] [--grep <text>]
//
// Defaults: --extension = project root, --tests = out/test/integration/index.js, --workspace = examples/.
// With --vsix the extension is installed into a fresh extensions dir and loaded as an installed
// extension (extensionDevelopmentPath points at an empty stub folder, because the workbench
// ignores extensionTestsPath outside development mode); the tests still come from --tests.
// Exit code: the one the workbench reports through window.codeAutomationExit (0 = all passed).
//
// Exports: runIntegration(options) -> Promise<number>

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format, parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, PROJECT_ROOT } from './install.mjs';
import { installVsix, startCodeServer } from './server.mjs';
import { launchBrowser, newWorkbenchPage, openWorkbench, screenshot } from './browser.mjs';

// Workbench chatter that arrives through the same channel as the extension host's console
// (mocha's reporter); hidden unless --verbose.
const NOISE = [
  /ENOTFOUND open-vsx\.org/,
  /vsda/,
  /telemetry/i,
  /marketplace/i,
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(renderer-/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
];

// Mocha logs printf-style (console.log('  %d passing (%s)', 5, '1s')); the workbench forwards the raw args.
function formatLogArgs(args) {
  if (!Array.isArray(args)) args = [args];
  return format(...args);
}

/**
 * @param {{ extension?: string, tests?: string, workspace?: string, vsix?: string, timeoutMs?: number, grep?: string, verbose?: boolean }} options
 * @returns {Promise<number>} exit code
 */
export async function runIntegration({
  extension = PROJECT_ROOT,
  tests = path.join(PROJECT_ROOT, 'out', 'test', 'integration', 'index.js'),
  workspace = path.join(PROJECT_ROOT, 'examples'),
  vsix,
  timeoutMs = 10 * 60_000,
  grep,
  verbose = false,
} = {}) {
  extension = path.resolve(extension);
  tests = path.resolve(tests);
  workspace = path.resolve(workspace);
  if (!fs.existsSync(tests)) throw new Error(`tests entry not found: ${tests} (build it: node scripts/vscode/build-integration.mjs)`);
  if (!fs.existsSync(workspace)) throw new Error(`workspace folder not found: ${workspace}`);
  if (!vsix && !fs.existsSync(path.join(extension, 'package.json'))) throw new Error(`no package.json in extension folder ${extension}`);

  const t0 = Date.now();
  const stamp = (msg) => console.error(`[run-integration +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
  await ensureCodeServer();
  stamp('code-server ready');

  let extensionsDir;
  let devPath = extension;
  let vsixScratch;
  const removeVsixScratch = () => vsixScratch && fs.rmSync(vsixScratch, { recursive: true, force: true });
  if (vsix) {
    vsixScratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscope-vsix-run-'));
    process.once('exit', removeVsixScratch); // also on SIGINT/SIGTERM (server.mjs exits the process)
    extensionsDir = path.join(vsixScratch, 'extensions');
    await installVsix(vsix, extensionsDir);
    stamp(`installed ${path.basename(vsix)}`);
    // The workbench only runs extensionTestsPath in extension-development mode, so point
    // extensionDevelopmentPath at an empty folder: the INSTALLED extension is the one loaded.
    devPath = path.join(vsixScratch, 'no-dev-extension');
    fs.mkdirSync(devPath);
  }
  if (grep) process.env.GRADSCOPE_TEST_GREP = grep; // inherited by code-server's extension host

  let server;
  let browser;
  let timer;
  try {
    server = await startCodeServer({ workspace, extensionsDir, verbose });
    stamp(`code-server listening on ${server.url}`);
    browser = await launchBrowser();
    const page = await newWorkbenchPage(browser);

    let resolveExit;
    const exitCode = new Promise((r) => (resolveExit = r));
    // Must be exposed before navigation: the workbench looks them up when tests finish.
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(typeof code === 'number' ? code : Number(code) || 1));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = formatLogArgs(args);
      if (!verbose && NOISE.some((re) => re.test(line))) return;
      (type === 'error' ? process.stderr : process.stdout).write(line.endsWith('\n') ? line : line + '\n');
    });
    if (verbose) page.on('console', (m) => console.error(`[browser ${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => console.error(`[browser pageerror] ${e.message}`));

    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`TIMEOUT: no result from the extension host after ${timeoutMs / 1000} s`)), timeoutMs);
    });
    const run = (async () => {
      await openWorkbench(page, {
        url: server.url,
        workspace,
        extensionDevelopmentPath: devPath,
        extensionTestsPath: tests,
        timeout: timeoutMs,
      });
      stamp('workbench ready, tests running');
      return exitCode;
    })();
    let code;
    try {
      code = await Promise.race([run, timeout]);
    } catch (err) {
      const shot = await screenshot(page, 'integration-timeout').catch(() => undefined);
      console.error(`\n[run-integration] FAILED: ${err.message}${shot ? `\n  screenshot: ${shot}` : ''}\n  code-server log: ${server.logFile} (set GRADSCOPE_VSCODE_KEEP_TMP=1 to keep it)`);
      return 1;
    }
    if (code !== 0) {
      const shot = await screenshot(page, 'integration-failure').catch(() => undefined);
      if (shot) stamp(`screenshot: ${shot}`);
    }
    stamp(`finished with exit code ${code}`);
    return code;
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => {});
    await server?.stop();
    removeVsixScratch();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      extension: { type: 'string' },
      tests: { type: 'string' },
      workspace: { type: 'string' },
      vsix: { type: 'string' },
      timeout: { type: 'string' }, // minutes
      grep: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  runIntegration({
    extension: values.extension,
    tests: values.tests,
    workspace: values.workspace,
    vsix: values.vsix,
    timeoutMs: values.timeout ? Number(values.timeout) * 60_000 : undefined,
    grep: values.grep,
    verbose: values.verbose,
  }).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`[run-integration] ERROR: ${err.stack ?? err}`);
      process.exit(1);
    },
  );
}
