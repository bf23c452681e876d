// Bundles Gradscope with esbuild: the extension host and its worker (cjs, node, vscode external), the
// CLI, and the webviews (iife, browser). Mermaid and uPlot live only in the webview bundles, so the
// extension activates without loading them. `--watch` rebuilds on change; `--cli-only` builds the CLI.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  external: ['vscode'],
  logLevel: 'warning',
};

const builds = [{ ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist' }];
if (!args.has('--cli-only')) {
  builds.push({ ...node, entryPoints: { extension: 'src/host/extension.ts', analysisWorker: 'src/host/analysisWorker.ts', trainingWorker: 'src/host/trainingWorker.ts' }, outdir: 'dist' });
  builds.push({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: production ? false : 'linked',
    minify: true,
    entryPoints: { results: 'webview/results/main.ts', training: 'webview/training/main.ts' },
    outdir: 'dist/webview',
    loader: { '.css': 'css' },
    logLevel: 'warning',
  });
}

const present = (b) => Object.values(b.entryPoints).every((e) => existsSync(path.join(root, e)));
const ready = builds.filter(present);
for (const b of builds.filter((b) => !present(b))) console.warn(`build: skipping ${Object.keys(b.entryPoints).join(', ')} (sources not present)`);

process.chdir(root);
if (args.has('--watch')) {
  for (const b of ready) await (await esbuild.context(b)).watch();
  console.log('build: watching for changes');
} else {
  await Promise.all(ready.map((b) => esbuild.build(b)));
  mkdirSync('dist/webview', { recursive: true });
  if (existsSync('node_modules/uplot/dist/uPlot.min.css')) cpSync('node_modules/uplot/dist/uPlot.min.css', 'dist/webview/uPlot.min.css');
}
