// Packages Gradscope as a VSIX: a production build (minified, no source maps), then
// `vsce package --no-dependencies` (everything is bundled; .vscodeignore is the allow-list).
//
//   node scripts/package.mjs [--out <file.vsix>] [--skip-build]
//
// Default output: gradscope-<version>.vsix in the project root. Prints the size.
//
// Exports: packageVsix({ out?, skipBuild?, quiet? }) -> Promise<string>  (absolute path of the VSIX)

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function run(args, { quiet }) {
  return new Promise((resolve, reject) => {
    let output = '';
    // stdin closed: vsce must never wait for an answer.
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'] });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${path.basename(args[0])} ${args.slice(1).join(' ')} failed (${signal ?? `exit ${code}`})${output ? `:\n${output}` : ''}`));
    });
  });
}

export async function packageVsix({ out, skipBuild = false, quiet = false } = {}) {
  const { version, name } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  out = path.resolve(ROOT, out ?? `${name}-${version}.vsix`);
  if (!skipBuild) await run([path.join(ROOT, 'scripts', 'build.mjs'), '--production'], { quiet });
  const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.rmSync(out, { force: true });
  await run([vsce, 'package', '--no-dependencies', '--out', out], { quiet });
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'skip-build': { type: 'boolean', default: false } } });
  const t0 = Date.now();
  packageVsix({ out: values.out, skipBuild: values['skip-build'] }).then(
    (file) => {
      const size = fs.statSync(file).size;
      console.log(`package: ${path.relative(process.cwd(), file) || file} (${(size / 1024 / 1024).toFixed(2)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    },
    (err) => {
      console.error(`package: ${err.message}`);
      process.exit(1);
    },
  );
}
