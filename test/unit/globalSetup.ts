// Builds the CLI bundle once before the unit tests, so test/unit/cli can spawn the real
// `bin/gradscope.js` (which loads dist/cli.js) and see the current sources.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// Vitest runs from the project root (vitest.config.mts sits there).
const root = process.cwd();

export default function setup(): void {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--cli-only'], { cwd: root, stdio: 'inherit' });
}
