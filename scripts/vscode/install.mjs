// Installs code-server (a real VS Code served to a browser) into a project-local
// cache folder, idempotently. See scripts/vscode/README.md.
//
//   node scripts/vscode/install.mjs          # prints the code-server executable path
//
// Exports: ensureCodeServer(options?) -> Promise<string>, CODE_SERVER_VERSION, PROJECT_ROOT.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
// code-server 4.100.3 depends on @vscode/ripgrep 1.15.11, whose postinstall downloads
// ripgrep v13.0.0-10 from GitHub unless this tarball is already in its cache.
const RIPGREP_PKG_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PROJECT_ROOT = path.resolve(HERE, '..', '..');
export const CACHE_DIR = path.join(PROJECT_ROOT, '.vscode-test', 'code-server');
const MARKER = path.join(CACHE_DIR, '.installed-version');
const LOCK_DIR = path.join(PROJECT_ROOT, '.vscode-test', 'code-server.lock');

export const CHROMIUM_PATH = '/usr/bin/chromium';
const RG_PATH = '/usr/bin/rg';
const APT_HINT = 'apt-get install -y chromium ripgrep libkrb5-dev';

/** Path of the code-server launcher inside the cache (a Node script with a shebang). */
export function codeServerExecutable() {
  return path.join(CACHE_DIR, 'node_modules', '.bin', 'code-server');
}

function checkSystemPrerequisites(needBrowser) {
  const missing = [];
  if (needBrowser && !fs.existsSync(CHROMIUM_PATH)) missing.push(`${CHROMIUM_PATH} (Debian package "chromium")`);
  if (!fs.existsSync(RG_PATH)) missing.push(`${RG_PATH} (Debian package "ripgrep")`);
  if (missing.length) {
    throw new Error(
      `Missing system prerequisites for the VS Code test harness:\n  - ${missing.join('\n  - ')}\n` +
        `Install them with:  ${APT_HINT}\n(libkrb5-dev is needed to compile code-server's "kerberos" module.)`,
    );
  }
}

function isInstalled() {
  try {
    return fs.readFileSync(MARKER, 'utf8').trim() === CODE_SERVER_VERSION && fs.existsSync(codeServerExecutable());
  } catch {
    return false;
  }
}

function ripgrepTarget() {
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch];
  if (!arch || process.platform !== 'linux') {
    throw new Error(`Unsupported platform for the ripgrep cache trick: ${process.platform}/${process.arch}`);
  }
  return `${arch}-unknown-linux-musl`;
}

/** Creates $TMPDIR/vscode-ripgrep-cache-X/ripgrep-...tar.gz holding Debian's rg; returns the TMPDIR. */
function prepareRipgrepCache() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscope-rg-'));
  const cacheDir = path.join(tmp, `vscode-ripgrep-cache-${RIPGREP_PKG_VERSION}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, `ripgrep-${RIPGREP_RELEASE}-${ripgrepTarget()}.tar.gz`);
  execFileSync('tar', ['-czf', tarball, '-C', path.dirname(RG_PATH), path.basename(RG_PATH)]);
  return tmp;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** A tiny cross-process lock (mkdir is atomic) so parallel runs don't install twice. */
async function withLock(fn) {
  fs.mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      fs.writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // Stale lock (owner died)?
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8'));
      } catch {}
      let alive = false;
      if (owner) {
        try {
          process.kill(owner, 0);
          alive = true;
        } catch {}
      }
      if (owner && !alive) {
        fs.rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for install lock ${LOCK_DIR}`);
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

function runNpmInstall(tmpdir, logFile) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', `code-server@${CODE_SERVER_VERSION}`, '--no-audit', '--no-fund', '--loglevel=warn'];
  const env = {
    ...process.env,
    // ~/.npmrc may say "yes = false"; node-pty's install runs `npx node-gyp`.
    npm_config_yes: 'true',
    // code-server's postinstall refuses to run as root without this.
    npm_config_unsafe_perm: 'true',
    // @vscode/ripgrep looks for its download cache under os.tmpdir().
    TMPDIR: tmpdir,
    TMP: tmpdir,
    TEMP: tmpdir,
  };
  const log = fs.openSync(logFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(npm, args, { cwd: CACHE_DIR, env, stdio: ['ignore', log, log] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      fs.closeSync(log);
      if (code === 0) resolve();
      else {
        const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
        reject(
          new Error(
            `npm install code-server@${CODE_SERVER_VERSION} failed (${signal ?? `exit ${code}`}). ` +
              `Full log: ${logFile}\n--- last lines ---\n${tail}\n` +
              `(Hint: the system needs: ${APT_HINT})`,
          ),
        );
      }
    });
  });
}

/**
 * Ensures code-server@CODE_SERVER_VERSION is installed under .vscode-test/code-server/.
 * Fast (a marker-file check) when already installed.
 * @param {{ quiet?: boolean, needBrowser?: boolean }} [options] needBrowser: false for `npm start`,
 *   where the user brings the browser; the tests drive Debian's Chromium and need it.
 * @returns {Promise<string>} absolute path of the code-server executable
 */
export async function ensureCodeServer({ quiet = false, needBrowser = true } = {}) {
  checkSystemPrerequisites(needBrowser);
  if (isInstalled()) return codeServerExecutable();
  return withLock(async () => {
    if (isInstalled()) return codeServerExecutable(); // another process finished meanwhile
    const t0 = Date.now();
    if (!quiet) console.error(`[vscode-harness] installing code-server@${CODE_SERVER_VERSION} into ${path.relative(PROJECT_ROOT, CACHE_DIR)}/ (about a minute)...`);
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    fs.rmSync(MARKER, { force: true });
    fs.writeFileSync(
      path.join(CACHE_DIR, 'package.json'),
      JSON.stringify({ name: 'gradscope-code-server-cache', private: true, description: 'Test-only cache; see scripts/vscode/install.mjs' }, null, 2) + '\n',
    );
    const tmpdir = prepareRipgrepCache();
    try {
      await runNpmInstall(tmpdir, path.join(CACHE_DIR, 'install.log'));
    } finally {
      fs.rmSync(tmpdir, { recursive: true, force: true });
    }
    if (!fs.existsSync(codeServerExecutable())) {
      throw new Error(`code-server installed but ${codeServerExecutable()} is missing`);
    }
    fs.writeFileSync(MARKER, CODE_SERVER_VERSION + '\n');
    if (!quiet) console.error(`[vscode-harness] code-server installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return codeServerExecutable();
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureCodeServer().then(
    (exe) => console.log(exe),
    (err) => {
      console.error(`[vscode-harness] ${err.message}`);
      process.exit(1);
    },
  );
}
