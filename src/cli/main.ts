import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../program/analyze';
import { buildReport, toReportDiagnostic } from '../program/report';
import { Trainer } from '../program/trainer';
import { textReport } from './textReport';

const USAGE = `Usage: gradscope run [FILE] [--json] [--no-train] [--eps X] [--atol X] [--rtol X]

Runs a .grad network: forward and backward passes, the Jacobians and the gradient
check it asks for, and its training. Without FILE, runs the bundled examples/training.grad.

  --json       print one JSON object (the stable report contract) instead of text
  --no-train   skip the train directive
  --eps, --atol, --rtol   gradient-check settings (a gradcheck line in the file wins)

Exit status: 0 on success, 1 when the file has errors, 2 on a usage error,
3 when a gradient check fails.`;

/** Where the CLI writes: standard output and standard error, or a test's buffers. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

/** Runs the CLI with the given arguments; returns the exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): number {
  const args = [...argv];
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE + '\n');
    return 0;
  }
  if (args.includes('--version')) {
    io.out(`${readVersion()}\n`);
    return 0;
  }
  // `gradscope` alone runs the bundled example, as `gradscope run` does.
  const command = args.length === 0 ? 'run' : args.shift();
  if (command !== 'run') {
    io.err(`gradscope: unknown command '${command ?? ''}'\n\n${USAGE}\n`);
    return 2;
  }
  let file: string | null = null;
  let json = false;
  let train = true;
  const gradcheck: { eps?: number; atol?: number; rtol?: number } = {};
  while (args.length) {
    const a = args.shift()!;
    if (a === '--json') json = true;
    else if (a === '--no-train') train = false;
    else if (a === '--eps' || a === '--atol' || a === '--rtol') {
      const v = Number(args.shift());
      // A zero step would make every central difference 0/0.
      if (a === '--eps' ? !(v > 0) : !(v >= 0)) {
        io.err(`gradscope: ${a} needs a ${a === '--eps' ? 'positive' : 'non-negative'} number\n`);
        return 2;
      }
      gradcheck[a.slice(2) as 'eps' | 'atol' | 'rtol'] = v;
    } else if (a.startsWith('--')) {
      io.err(`gradscope: unknown option '${a}'\n\n${USAGE}\n`);
      return 2;
    } else if (file === null) file = a;
    else {
      io.err(`gradscope: one file at a time (got '${file}' and '${a}')\n`);
      return 2;
    }
  }
  const target = file ?? path.join(packageRoot(), 'examples', 'training.grad');
  let source: string;
  try {
    source = readFileSync(target, 'utf8');
  } catch (e) {
    io.err(`gradscope: cannot read '${target}': ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return 2;
  }

  const analysis = analyze(source, { gradcheck });
  const shownName = file ?? path.relative(process.cwd(), target);
  for (const d of analysis.diagnostics) {
    const r = toReportDiagnostic(d, analysis.program.lines);
    io.err(`${shownName}:${r.line}:${r.column}: ${d.severity}: ${d.message}\n`);
  }
  const plan = analysis.program.train;
  const trainer = train && !analysis.hasErrors && plan ? new Trainer(analysis.program, plan) : null;
  trainer?.run();

  if (json) io.out(JSON.stringify(buildReport(analysis, trainer), null, 2) + '\n');
  else if (!analysis.hasErrors) io.out(textReport(analysis, trainer));

  if (analysis.hasErrors) return 1;
  if (analysis.gradcheck.some((g) => !g.passed)) return 3;
  return 0;
}

/** The folder holding package.json, whether running from dist/ or from sources. */
function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function readVersion(): string {
  try {
    return JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}
