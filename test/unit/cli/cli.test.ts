// The CLI through `main(argv, io)` with capturing writers, and once through the real bin (built by
// test/unit/globalSetup.ts). Expected numbers come from the recap and the numpy fixture.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, expect } from 'vitest';
import { main } from '../../../src/cli/main';
import type { RunReport } from '../../../src/program/report';

const root = join(__dirname, '..', '..', '..');
const training = join(root, 'examples', 'training.grad');
const jacobians = join(root, 'examples', 'jacobians.grad');

const numpy: { initialGrads: Record<string, { shape: number[]; values: number[] }>; losses: number[] } = JSON.parse(
  readFileSync(join(root, 'test', 'unit', 'program', 'fixtures', 'numpy-training.json'), 'utf8'),
);

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** 1-based line and column of an offset, counted here from the text. */
function lineColumn(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return [line, offset - (before.lastIndexOf('\n') + 1) + 1];
}

const temp = mkdtempSync(join(tmpdir(), 'gradscope-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('gradscope run (text)', () => {
  const { code, out, err } = run(['run', training]);

  it('exits 0 with nothing on stderr', () => {
    expect(code).toBe(0);
    expect(err).toBe('');
  });

  it("prints the recap's lines", () => {
    const lines = out.split('\n');
    expect(lines).toContain('Iteration  100: Loss = 0.019820, y_hat = 0.800902');
    expect(lines).toContain('Iteration  200: Loss = 0.000292, y_hat = 0.975849');
    expect(lines).toContain('Initial Loss: 1.323064');
    expect(lines).toContain('Loss Reduction: 100.00%');
    expect(lines).toContain('Final y_hat: 1.000000');
    expect(lines).toContain('Training completed!');
    expect(lines.filter((l) => l.startsWith('Iteration'))).toHaveLength(10);
    // Every gradcheck row passed.
    expect(out).not.toContain('FAILED');
    expect(lines.filter((l) => /^\s+(x|W1|b1|W2|b2|W3|b3)\s+\[.*passed$/.test(l))).toHaveLength(7);
  });

  it('without a file, runs the bundled examples/training.grad', () => {
    const bundled = run([]);
    expect(bundled.code).toBe(0);
    expect(bundled.out).toBe(out);
  });
});

describe('gradscope run --json', () => {
  const { code, out, err } = run(['run', training, '--json']);
  const report = JSON.parse(out) as RunReport;

  it('exits 0 and prints one JSON object', () => {
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(Object.keys(report).sort()).toEqual(['diagnostics', 'gradcheck', 'jacobians', 'loss', 'nodes', 'training']);
  });

  it('carries the loss, the initial params and their numpy gradients', () => {
    expect(report.loss).toBeCloseTo(numpy.losses[0], 12);
    expect(report.loss!.toFixed(6)).toBe('1.323064');
    const w1 = report.nodes.W1;
    expect(w1.shape).toEqual([2, 2]);
    expect((w1.value as number[][])[0][0]).toBeCloseTo(0.24835708, 8);
    const grad = (w1.grad as number[][]).flat();
    numpy.initialGrads.W1.values.forEach((v, k) => expect(Math.abs(grad[k] - v), `dL/dW1[${k}]`).toBeLessThanOrEqual(1e-12));
    for (const name of ['b1', 'W2', 'b2', 'W3']) {
      const g = [report.nodes[name].grad].flat(2) as number[];
      numpy.initialGrads[name].values.forEach((v, k) => expect(Math.abs(g[k] - v), `dL/d${name}[${k}]`).toBeLessThanOrEqual(1e-12));
    }
    expect(report.nodes.b3.grad as number).toBeCloseTo(numpy.initialGrads.b3.values[0], 12);
    // Targets carry no gradient.
    expect(report.nodes.y.grad).toBeNull();
  });

  it('has no jacobians (the file asks for none), every gradcheck passed, 1000 losses, no diagnostics', () => {
    expect(report.jacobians).toEqual([]);
    expect(report.gradcheck.map((g) => g.name)).toEqual(['x', 'W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
    expect(report.gradcheck.every((g) => g.passed)).toBe(true);
    expect(report.training!.loss).toHaveLength(1000);
    report.training!.loss.forEach((l, i) => expect(Math.abs(l - numpy.losses[i]), `loss[${i}]`).toBeLessThanOrEqual(1e-12));
    expect(Object.keys(report.training!.params)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
    expect(report.diagnostics).toEqual([]);
  });

  it('--no-train leaves training null', () => {
    const r = run(['run', training, '--json', '--no-train']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as RunReport).training).toBeNull();
  });
});

describe('errors and usage', () => {
  it('a broken file prints FILE:LINE:COL: error: MESSAGE to stderr and returns 1', () => {
    const file = join(temp, 'broken.grad');
    const source = 'input x = 1.0\nparam weight = 0.5\nloss L = wieght * x\n';
    writeFileSync(file, source);
    const { code, out, err } = run(['run', file]);
    expect(code).toBe(1);
    expect(out).toBe('');
    const [line, col] = lineColumn(source, source.indexOf('wieght'));
    expect(err).toContain(`${file}:${line}:${col}: error: Unknown name 'wieght'. Did you mean`);
    expect(err.trim().split('\n').every((l) => l.startsWith(`${file}:`))).toBe(true);
  });

  it('a broken file with --json still prints the report, with 1-based diagnostic positions', () => {
    const file = join(temp, 'shape.grad');
    const source = 'input x = [1.0, 2.0]\nh = [[1,2,3],[4,5,6]] @ x\n';
    writeFileSync(file, source);
    const { code, out } = run(['run', file, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(out) as RunReport;
    const start = source.indexOf('[[1');
    const end = source.indexOf('@ x') + '@ x'.length;
    const [line, column] = lineColumn(source, start);
    const [endLine, endColumn] = lineColumn(source, end);
    expect(report.diagnostics).toEqual([{ severity: 'error', message: expect.stringContaining('[2, 3]'), line, column, endLine, endColumn }]);
  });

  it('--help prints the usage and returns 0', () => {
    const { code, out, err } = run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: gradscope run');
    expect(err).toBe('');
  });

  it('an unknown option returns 2 and names it', () => {
    const { code, err } = run(['run', training, '--frobnicate']);
    expect(code).toBe(2);
    expect(err).toContain("'--frobnicate'");
  });

  it('an unknown command returns 2', () => {
    expect(run(['walk']).code).toBe(2);
  });

  it('a missing file returns 2 and names it', () => {
    const missing = join(temp, 'nope.grad');
    const { code, err } = run(['run', missing]);
    expect(code).toBe(2);
    expect(err).toContain(missing);
  });

  it('--eps 0 is refused as a usage error, as the file refuses gradcheck eps=0', () => {
    // A zero step makes every central difference 0/0; `gradcheck eps=0` in a file is an error.
    const { code, err } = run(['run', training, '--no-train', '--eps', '0']);
    expect(code).toBe(2);
    expect(err).toContain('--eps');
  });

  it('a failing gradient check returns 3', () => {
    // sqrt at 0: the analytic gradient is Inf, the central difference is not.
    const file = join(temp, 'kink.grad');
    writeFileSync(file, 'input x = 0.0\nloss L = sqrt(x)\ngradcheck\n');
    expect(run(['run', file]).code).toBe(3);
  });
});

describe('the real bin', () => {
  it('node bin/gradscope.js run examples/jacobians.grad --json prints the Jacobians', () => {
    const r = spawnSync(process.execPath, ['bin/gradscope.js', 'run', 'examples/jacobians.grad', '--json'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as RunReport;
    // Hand-derived from the file's linear maps.
    expect(report.jacobians.map((j) => j.analytic)).toEqual([
      [[2, 1], [1, 3], [-1, 1]],
      [[1, 2, -1], [3, -1, 1]],
      [[5, 6], [4, 1]],
    ]);
    report.jacobians.forEach((j) => expect(j.maxAbsDiff).toBeLessThanOrEqual(1e-6));
    expect(report.loss).toBeNull();
    expect(report.diagnostics).toEqual([]);
  });

  it('agrees with main() on the same file', () => {
    const r = spawnSync(process.execPath, ['bin/gradscope.js', 'run', jacobians, '--json'], { cwd: root, encoding: 'utf8' });
    expect(r.stdout).toBe(run(['run', jacobians, '--json']).out);
  });
});
