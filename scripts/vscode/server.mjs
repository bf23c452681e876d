// Starts and stops a throwaway code-server (VS Code 1.100.3 in a browser) for tests.
//
// Exports:
//   startCodeServer({ workspace, extensionsDir?, userSettings?, port?, verbose? })
//     -> Promise<{ url, port, workspace, userDataDir, extensionsDir, logFile, stop() }>
//   installVsix(vsixPath, extensionsDir) -> Promise<void>
//   freePort() -> Promise<number>

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureCodeServer } from './install.mjs';

/** Settings that keep a test workbench quiet and deterministic. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'files.hotExit': 'off',
  'chat.commandCenter.enabled': false,
};

const BASE_FLAGS = ['--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'];

// ---------------------------------------------------------------------------
// Process bookkeeping: every live server is stopped on exit / SIGINT / SIGTERM.

const live = new Set();
let handlersInstalled = false;

function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL the trees and remove dirs.
  process.on('exit', () => {
    for (const s of live) s.stopSync();
  });
  /** @type {[NodeJS.Signals, number][]} */
  const signals = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]];
  for (const [sig, code] of signals) {
    process.once(sig, () => {
      console.error(`[vscode-harness] ${sig}: stopping ${live.size} code-server instance(s)`);
      Promise.allSettled([...live].map((s) => s.stop())).finally(() => process.exit(code));
    });
  }
}

/** Live (non-zombie) processes from /proc: { pid, ppid, pgrp }. Linux only; [] elsewhere. */
function processTable() {
  const table = [];
  let entries = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return table;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ..." - comm may contain spaces, so split after ')'.
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') table.push({ pid: Number(e), ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {}
  }
  return table;
}

/**
 * Processes belonging to a server: its process group (it is spawned detached, so it leads
 * one) plus any descendants that left the group. Includes processes the server (re)spawned
 * after we started killing, e.g. code-server restarts its file watcher when it dies.
 */
function serverProcesses(rootPid) {
  const table = processTable();
  const found = new Set(table.filter((p) => p.pgrp === rootPid || p.pid === rootPid).map((p) => p.pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found];
}

function signalServer(rootPid, signal) {
  const pids = serverProcesses(rootPid);
  try {
    process.kill(-rootPid, signal); // the whole process group
  } catch {}
  for (const p of pids) {
    try {
      process.kill(p, signal);
    } catch {}
  }
  return pids;
}

// ---------------------------------------------------------------------------

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function scratchEnv(home) {
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'), XDG_CACHE_HOME: path.join(home, '.cache') };
  // Never inherit a password or a parent VS Code's IPC hooks.
  for (const k of ['PASSWORD', 'HASHED_PASSWORD', 'VSCODE_IPC_HOOK_CLI', 'VSCODE_IPC_HOOK', 'ELECTRON_RUN_AS_NODE', 'VSCODE_PROXY_URI']) delete env[k];
  return env;
}

function writeSettings(userDataDir, userSettings) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...userSettings }, null, 2) + '\n');
}

/**
 * Installs a packaged extension into `extensionsDir` with code-server's CLI.
 * @param {string} vsixPath
 * @param {string} extensionsDir
 */
export async function installVsix(vsixPath, extensionsDir) {
  const exe = await ensureCodeServer();
  const vsix = path.resolve(vsixPath);
  if (!fs.existsSync(vsix)) throw new Error(`VSIX not found: ${vsix}`);
  fs.mkdirSync(extensionsDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscope-vsix-'));
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home);
  try {
    const args = [exe, '--user-data-dir', path.join(tmp, 'data'), '--extensions-dir', path.resolve(extensionsDir), '--install-extension', vsix, '--force'];
    let output = '';
    const code = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { env: scratchEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0 || /Failed Installing/i.test(output)) {
      throw new Error(`installing ${vsix} failed (exit ${code}):\n${output}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Starts code-server on 127.0.0.1 with a fresh user-data dir and a scratch HOME.
 * @param {{ workspace: string, extensionsDir?: string, userSettings?: Record<string, unknown>, port?: number, verbose?: boolean }} options
 */
export async function startCodeServer({ workspace, extensionsDir, userSettings = {}, port, verbose = !!process.env.GRADSCOPE_VSCODE_VERBOSE }) {
  if (!workspace) throw new Error('startCodeServer: `workspace` is required');
  workspace = path.resolve(workspace);
  if (!fs.existsSync(workspace)) throw new Error(`startCodeServer: workspace folder does not exist: ${workspace}`);
  const exe = await ensureCodeServer();
  installExitHandlers();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscope-vscode-'));
  const userDataDir = path.join(tmp, 'user-data');
  const home = path.join(tmp, 'home');
  const ownsExtensionsDir = !extensionsDir;
  extensionsDir = path.resolve(extensionsDir ?? path.join(tmp, 'extensions'));
  for (const d of [userDataDir, home, extensionsDir]) fs.mkdirSync(d, { recursive: true });
  writeSettings(userDataDir, userSettings);
  port ??= await freePort();
  const logFile = path.join(tmp, 'code-server.log');
  const log = fs.createWriteStream(logFile);

  const args = [exe, ...BASE_FLAGS, '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--config', path.join(home, 'config.yaml'), workspace];
  const child = spawn(process.execPath, args, { env: scratchEnv(home), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let recent = '';
  const onData = (d) => {
    log.write(d);
    recent = (recent + d).slice(-8000);
    if (verbose) process.stderr.write(`[code-server] ${d}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  /** @type {{ code: number | null, signal: string | null } | null} */
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));

  let stopped = false;
  const cleanupDirs = () => {
    try {
      log.end();
    } catch {}
    // Keep the log around if asked to (debugging a failure).
    if (process.env.GRADSCOPE_VSCODE_KEEP_TMP) return;
    fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
    if (ownsExtensionsDir) fs.rmSync(extensionsDir, { recursive: true, force: true, maxRetries: 3 });
  };
  const server = {
    url: `http://127.0.0.1:${port}`,
    port,
    workspace,
    userDataDir,
    extensionsDir,
    logFile,
    pid: child.pid,
    /** Kills the whole process tree (SIGTERM, then SIGKILL after 3 s) and removes temp dirs. */
    async stop() {
      if (stopped) return;
      stopped = true;
      live.delete(server);
      // Polite first (code-server shuts its children down), then SIGKILL whatever is left,
      // re-scanning because the server may respawn helpers while it is being stopped.
      signalServer(child.pid, 'SIGTERM');
      let deadline = Date.now() + 3000;
      while (Date.now() < deadline && serverProcesses(child.pid).length) await sleep(100);
      deadline = Date.now() + 3000;
      while (Date.now() < deadline && signalServer(child.pid, 'SIGKILL').length) await sleep(100);
      cleanupDirs();
    },
    /** Synchronous variant for process 'exit' handlers. */
    stopSync() {
      if (stopped) return;
      stopped = true;
      live.delete(server);
      signalServer(child.pid, 'SIGKILL');
      cleanupDirs();
    },
  };
  live.add(server);

  // Wait until HTTP answers (any status), or fail with the server's output.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      await server.stop();
      throw new Error(`code-server exited early (${exited.signal ?? `exit ${exited.code}`}):\n${recent}`);
    }
    try {
      const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status < 500) break;
    } catch {}
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not answer on ${server.url} within 60 s:\n${recent}`);
    }
    await sleep(100);
  }
  return server;
}
