// Bundles the integration tests for the extension host:
//   test/integration/runner/index.ts -> out/test/integration/index.js
//   test/integration/**/*.test.ts    -> out/test/integration/**/*.test.js
// (cjs, node20, `vscode` and `mocha` external, with source maps).
//
//   node scripts/vscode/build-integration.mjs [--root <dir>]
//
// --root builds the tests of another extension folder (its test/integration/ into its
// out/test/integration/) with this project's runner; used to try the harness on a demo.
//
// Exports: buildIntegrationTests({ root?, runner?, testsDir?, outDir? }) -> Promise<{ outDir, entries }>

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROJECT_ROOT = path.resolve(HERE, '..', '..');

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...findTests(full));
    } else if (entry.isFile() && entry.name.endsWith('.test.ts')) {
      out.push(full);
    }
  }
  return out.sort();
}

export async function buildIntegrationTests({
  root = PROJECT_ROOT,
  runner = path.join(PROJECT_ROOT, 'test', 'integration', 'runner', 'index.ts'),
  testsDir = path.join(root, 'test', 'integration'),
  outDir = path.join(root, 'out', 'test', 'integration'),
} = {}) {
  /** @type {import('esbuild').BuildOptions} */
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: true,
    logLevel: 'warning',
  };
  // Start clean so deleted tests don't linger as stale .test.js files.
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({ ...common, entryPoints: [runner], outfile: path.join(outDir, 'index.js') });
  const tests = findTests(testsDir);
  if (tests.length) {
    // Entry names keep the relative path: foo/bar.test.ts -> outDir/foo/bar.test.js
    const entryPoints = tests.map((f) => ({ in: f, out: path.relative(testsDir, f).replace(/\.ts$/, '') }));
    await esbuild.build({ ...common, entryPoints, outdir: outDir });
  }
  return { outDir, entries: tests.map((f) => path.relative(testsDir, f)) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { root: { type: 'string' } } });
  const t0 = Date.now();
  buildIntegrationTests(values.root ? { root: path.resolve(values.root) } : {}).then(
    ({ outDir, entries }) => console.log(`[build-integration] ${entries.length} test file(s) + runner -> ${outDir} (${Date.now() - t0} ms)`),
    (err) => {
      console.error(err.message ?? err);
      process.exit(1);
    },
  );
}
