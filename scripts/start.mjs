// `npm start`: try Gradscope on its examples in a real VS Code.
//
// - With a desktop VS Code (`code` on the PATH): builds the extension and opens an Extension
//   Development Host on examples/ with examples/training.grad.
// - Otherwise (or with GRADSCOPE_USE_CODE_SERVER=1): builds and packages the extension, installs
//   the package into code-server (a VS Code served to the browser; installed once into
//   .vscode-test/code-server/), serves examples/ on 127.0.0.1 and prints the address to open.
//   Port: $PORT, else 8080, else any free port. Ctrl-C stops the server.
//
//   npm start                               # or: node scripts/start.mjs
//   PORT=9000 npm start
//   GRADSCOPE_USE_CODE_SERVER=1 npm start   # code-server even when desktop VS Code is installed

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLES = path.join(ROOT, 'examples');
const START_FILE = 'training.grad';
const DEFAULT_PORT = 8080;
const STATE_DIR = path.join(ROOT, '.vscode-test', 'start');

const log = (msg) => console.log(`[gradscope] ${msg}`);

/** The first `name` executable on the PATH, or undefined. */
function onPath(name) {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {}
    }
  }
  return undefined;
}

function build() {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`the build failed (${r.signal ?? `exit ${r.status}`})`);
  log(`built the extension in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Resolves true when 127.0.0.1:port can be bound. */
function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function choosePort() {
  const requested = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT;
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) throw new Error(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  if (requested === 0) return undefined; // any free port
  if (await portIsFree(requested)) return requested;
  log(`port ${requested} is in use; using a free port instead`);
  return undefined;
}

async function startDesktop(code) {
  build();
  const args = [`--extensionDevelopmentPath=${ROOT}`, EXAMPLES, path.join(EXAMPLES, START_FILE)];
  log(`opening VS Code: ${path.basename(code)} ${args.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}`);
  const child = spawn(code, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  const status = await new Promise((resolve) => {
    child.on('error', (err) => {
      console.error(`[gradscope] could not run ${code}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (status === 0) log('VS Code opened an Extension Development Host window with the examples.');
  return status;
}

async function startCodeServerSession() {
  // Imported lazily: the desktop path needs none of this.
  const { ensureCodeServer } = await import('./vscode/install.mjs');
  const { startCodeServer, installVsix } = await import('./vscode/server.mjs');
  const { workbenchUrl } = await import('./vscode/browser.mjs');
  const { packageVsix } = await import('./package.mjs');

  const port = await choosePort();
  await ensureCodeServer({ needBrowser: false }); // the first time: installs code-server (about a minute)
  build();
  // Gradscope is installed from a freshly packaged VSIX, so any reload or plain visit of the
  // server keeps it (a development-path URL would only load it from that exact URL).
  const t0 = Date.now();
  const vsix = await packageVsix({ out: path.join(STATE_DIR, 'gradscope-start.vsix'), skipBuild: true, quiet: true });
  const extensionsDir = path.join(STATE_DIR, 'extensions');
  fs.rmSync(extensionsDir, { recursive: true, force: true });
  await installVsix(vsix, extensionsDir);
  log(`packaged and installed Gradscope in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const server = await startCodeServer({
    workspace: EXAMPLES,
    extensionsDir,
    port,
    // For a person rather than a test: keep unsaved edits across reloads.
    userSettings: { 'files.hotExit': 'onExit' },
  });
  // server.mjs stops the server on the first SIGINT/SIGTERM/SIGHUP and then exits; these no-op
  // listeners keep a second Ctrl-C from killing this process before the server is gone.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => {});
  const url = workbenchUrl({ url: server.url, workspace: EXAMPLES, openFile: START_FILE });
  console.log('');
  log('Gradscope is running in code-server (VS Code in the browser). Open this address:');
  console.log(`\n    ${url}\n`);
  log(`(${server.url}/ also works: it opens the examples folder with Gradscope installed.)`);
  log('Press Ctrl-C to stop.');

  // Stay up until a signal (server.mjs stops the server and exits) or until code-server dies.
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      try {
        process.kill(server.pid, 0);
      } catch {
        clearInterval(timer);
        resolve();
      }
    }, 1000);
  });
  await server.stop();
  console.error(`[gradscope] code-server stopped unexpectedly; its log was ${server.logFile}`);
  return 1;
}

async function main() {
  const forceCodeServer = /^(1|true|yes)$/i.test(process.env.GRADSCOPE_USE_CODE_SERVER ?? '');
  const code = forceCodeServer ? undefined : onPath('code');
  if (code) return startDesktop(code);
  if (!forceCodeServer) log('no desktop VS Code ("code") on the PATH: using code-server in the browser.');
  return startCodeServerSession();
}

main().then(
  (status) => process.exit(status),
  (err) => {
    console.error(`[gradscope] ${err.message ?? err}`);
    process.exit(1);
  },
);
