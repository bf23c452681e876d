// Checks the packaged extension as a user gets it:
//   1. packages the VSIX (scripts/package.mjs: production build + vsce), or takes --vsix <file>;
//   2. checks its file list: only allowed kinds of files (no sources, tests, source maps,
//      node_modules), every required file present, every file package.json refers to present,
//      and the whole package under 5 MB;
//   3. installs it into a fresh code-server extensions dir and runs test/vsix/*.test.ts inside
//      the extension host against the INSTALLED copy (run-integration.mjs --vsix mode).
//
//   node scripts/vscode/test-vsix.mjs [--vsix <file.vsix>] [--list-only] [--verbose]
//
// Exit code 0 when everything passes.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from './install.mjs';
import { readZip } from './zip.mjs';

const MAX_BYTES = 5 * 1024 * 1024;

/** Files that must be in every VSIX (paths inside the zip). RegExps are matched case-insensitively. */
const REQUIRED = [
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/analysisWorker.js',
  'extension/dist/trainingWorker.js',
  'extension/dist/webview/results.js',
  'extension/dist/webview/training.js',
  'extension/syntaxes/gradscope.tmLanguage.json',
  'extension/language-configuration.json',
  'extension/snippets/gradscope.json',
  'extension/media/icon.png',
  'extension/examples/training.grad',
  'extension/examples/jacobians.grad',
  // vsce renames these three: readme.md, changelog.md, LICENSE.txt
  /^extension\/readme\.md$/i,
  /^extension\/changelog\.md$/i,
  /^extension\/license(\.txt|\.md)?$/i,
];

/** The only kinds of files allowed. */
const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/(readme|changelog)\.md$/i,
  /^extension\/license(\.txt|\.md)?$/i,
  /^extension\/language-configuration\.json$/,
  /^extension\/dist\/(?!cli\.js$)[\w.-]+\.js$/,
  /^extension\/dist\/webview\/[\w.-]+\.(js|css)$/,
  /^extension\/media\/[\w./-]+\.(png|svg|gif|jpe?g|md)$/,
  /^extension\/syntaxes\/[\w.-]+\.json$/,
  /^extension\/snippets\/[\w.-]+\.json$/,
  /^extension\/examples\/[\w.-]+\.grad$/,
  /^extension\/docs\/images\/[\w./-]+\.(png|svg|gif|jpe?g)$/,
];

/** Reasons to name when a file is rejected (checked before ALLOWED, for a precise message). */
const FORBIDDEN = [
  [/(^|\/)node_modules\//, 'node_modules'],
  [/\.map$/, 'source map'],
  [/\.tsx?$/, 'TypeScript source'],
  [/^extension\/(src|test|scripts|bench|out|webview|\.vscode-test|test-results|\.cache)\//, 'development folder'],
  [/\.(test|spec)\.[cm]?[jt]s$/, 'test file'],
  [/\.vsix$/, 'nested VSIX'],
];

const fmt = (n) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MB` : `${(n / 1024).toFixed(1)} KB`);

/** Paths a manifest refers to (main, icon, and every file-like string under contributes). */
function manifestFiles(manifest) {
  const found = new Set();
  const looksLikeFile = (s) => /^(\.\/)?[\w-]+\/[\w./-]*\.\w+$/.test(s);
  const walk = (v) => {
    if (typeof v === 'string') {
      if (looksLikeFile(v)) found.add(path.posix.normalize(v));
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  if (manifest.main) found.add(path.posix.normalize(manifest.main.endsWith('.js') ? manifest.main : `${manifest.main}.js`));
  if (manifest.browser) found.add(path.posix.normalize(manifest.browser));
  if (manifest.icon) found.add(path.posix.normalize(manifest.icon));
  walk(manifest.contributes ?? {});
  return [...found];
}

/**
 * Checks a VSIX's contents. Returns { problems: string[], entries, total, manifest }.
 * @param {string} vsix
 */
export function checkVsix(vsix) {
  const zip = readZip(vsix);
  const { entries } = zip;
  const names = entries.map((e) => e.name).filter((n) => !n.endsWith('/'));
  const problems = [];
  for (const n of names) {
    const bad = FORBIDDEN.find(([re]) => re.test(n));
    if (bad) problems.push(`forbidden (${bad[1]}): ${n}`);
    else if (!ALLOWED.some((re) => re.test(n))) problems.push(`not an allowed kind of file: ${n} (allow it in scripts/vscode/test-vsix.mjs if it must ship)`);
  }
  for (const r of REQUIRED) {
    const ok = typeof r === 'string' ? names.includes(r) : names.some((n) => r.test(n));
    if (!ok) problems.push(`missing required file: ${typeof r === 'string' ? r : r.source}`);
  }
  let manifest = {};
  if (names.includes('extension/package.json')) {
    manifest = JSON.parse(zip.read('extension/package.json').toString('utf8'));
    for (const f of manifestFiles(manifest)) {
      if (!names.includes(`extension/${f}`)) problems.push(`package.json refers to ${f}, which is not in the VSIX`);
    }
  }
  const total = fs.statSync(vsix).size;
  if (total > MAX_BYTES) problems.push(`the VSIX is ${fmt(total)}, over the ${fmt(MAX_BYTES)} limit`);
  return { problems, entries: entries.filter((e) => !e.name.endsWith('/')), total, manifest };
}

function printSummary(vsix, { entries, total }) {
  const unpacked = entries.reduce((s, e) => s + e.size, 0);
  console.log(`[test-vsix] ${path.relative(process.cwd(), vsix) || vsix}: ${fmt(total)} (${fmt(unpacked)} unpacked), ${entries.length} files`);
  const byFolder = new Map();
  for (const e of entries) {
    const parts = e.name.split('/');
    const key = parts.length > 2 ? `${parts[1]}/` : parts.slice(1).join('/') || parts[0];
    const v = byFolder.get(key) ?? { n: 0, size: 0 };
    byFolder.set(key, { n: v.n + 1, size: v.size + e.size });
  }
  console.log(`[test-vsix] contents: ${[...byFolder].map(([k, v]) => `${k} ${v.n} (${fmt(v.size)})`).join(', ')}`);
  console.log('[test-vsix] largest files (unpacked -> compressed):');
  for (const e of [...entries].sort((a, b) => b.size - a.size).slice(0, 5)) {
    console.log(`    ${fmt(e.size).padStart(9)} -> ${fmt(e.compressedSize).padStart(9)}  ${e.name}`);
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      vsix: { type: 'string' },
      'list-only': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      timeout: { type: 'string' }, // minutes
    },
  });
  const t0 = Date.now();
  const stamp = (msg) => console.log(`[test-vsix +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

  let vsix;
  if (values.vsix) {
    vsix = path.resolve(values.vsix);
    if (!fs.existsSync(vsix)) throw new Error(`VSIX not found: ${vsix}`);
  } else {
    const { packageVsix } = await import('../package.mjs');
    const { name, version } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    vsix = await packageVsix({ out: path.join(PROJECT_ROOT, 'out', 'vsix', `${name}-${version}.vsix`), quiet: true });
    stamp(`packaged ${path.relative(PROJECT_ROOT, vsix)}`);
  }

  const result = checkVsix(vsix);
  printSummary(vsix, result);
  if (result.problems.length) {
    console.error(`[test-vsix] FAILED: the VSIX content is wrong:\n  - ${result.problems.join('\n  - ')}`);
    return 1;
  }
  stamp('file list OK');
  if (values['list-only']) return 0;

  // The installed extension, tested from inside its extension host.
  const { buildIntegrationTests } = await import('./build-integration.mjs');
  const { runIntegration } = await import('./run-integration.mjs');
  const outDir = path.join(PROJECT_ROOT, 'out', 'test', 'vsix');
  const { entries } = await buildIntegrationTests({ testsDir: path.join(PROJECT_ROOT, 'test', 'vsix'), outDir });
  if (!entries.length) throw new Error('no test/vsix/*.test.ts found');
  // An empty workspace: whatever the tests open must come from the installed extension.
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gradscope-vsix-ws-'));
  // Inherited by code-server's extension host: the tests check the extension is NOT loaded from here.
  process.env.GRADSCOPE_PROJECT_ROOT = PROJECT_ROOT;
  process.env.GRADSCOPE_EXPECTED_VERSION = result.manifest.version ?? '';
  try {
    const code = await runIntegration({
      vsix,
      tests: path.join(outDir, 'index.js'),
      workspace,
      verbose: values.verbose,
      timeoutMs: values.timeout ? Number(values.timeout) * 60_000 : 5 * 60_000,
    });
    stamp(code === 0 ? 'installed extension OK' : `installed extension FAILED (exit ${code})`);
    return code;
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`[test-vsix] ERROR: ${err.stack ?? err}`);
      process.exit(1);
    },
  );
}
