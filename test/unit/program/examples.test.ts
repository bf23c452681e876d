// The two bundled examples end to end: analyze, Trainer and buildReport, against hand-derived
// Jacobians and the recap's numpy training loop (scripts/numpy_reference.py).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { analyze } from '../../../src/program/analyze';
import { buildReport } from '../../../src/program/report';
import { Trainer } from '../../../src/program/trainer';

const root = join(__dirname, '..', '..', '..');
const readExample = (name: string) => readFileSync(join(root, 'examples', name), 'utf8');

interface Tensor {
  shape: number[];
  values: number[];
}

const training: {
  initialParams: Record<string, Tensor>;
  initialGrads: Record<string, Tensor>;
  losses: number[];
  log: { step: number; loss: number; y_hat: number }[];
  finalYHat: number;
} = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'numpy-training.json'), 'utf8'));

describe('examples/jacobians.grad', () => {
  const analysis = analyze(readExample('jacobians.grad'));
  const report = buildReport(analysis, null);

  // Hand-derived from the file: h1 = 2x1 + x2, h2 = x1 + 3x2, h3 = -x1 + x2,
  // y1 = h1 + 2h2 - h3, y2 = 3h1 - h2 + h3, so dy/dx = dy/dh dh/dx.
  const expected = [
    { of: ['h1', 'h2', 'h3'], wrt: ['x1', 'x2'], matrix: [[2, 1], [1, 3], [-1, 1]] },
    { of: ['y1', 'y2'], wrt: ['h1', 'h2', 'h3'], matrix: [[1, 2, -1], [3, -1, 1]] },
    { of: ['y1', 'y2'], wrt: ['x1', 'x2'], matrix: [[5, 6], [4, 1]] },
  ];

  it('analyses without diagnostics and with no loss', () => {
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.loss).toBeNull();
    expect(analysis.program.train).toBeNull();
  });

  it.each(expected.map((e) => [`d[${e.of}]/d[${e.wrt}]`, e] as const))('%s is exact analytically and within 1e-6 numerically', (_name, e) => {
    const j = analysis.jacobians.find((r) => r.plan.of.join() === e.of.join() && r.plan.wrt.join() === e.wrt.join());
    expect(j).toBeDefined();
    expect(j!.analytic).toEqual(e.matrix);
    j!.numeric.forEach((row, r) => row.forEach((v, c) => expect(Math.abs(v - e.matrix[r][c]), `numeric[${r}][${c}] = ${v}`).toBeLessThanOrEqual(1e-6)));
    expect(j!.maxAbsDiff).toBeLessThanOrEqual(1e-6);
  });

  it('the report carries the same three Jacobians, in file order', () => {
    expect(report.jacobians.map((j) => [j.of, j.wrt, j.analytic])).toEqual(expected.map((e) => [e.of, e.wrt, e.matrix]));
    expect(report.training).toBeNull();
    expect(report.gradcheck).toEqual([]);
    expect(report.diagnostics).toEqual([]);
    // Forward values, hand-derived at x1 = 1, x2 = 2.
    expect([report.nodes.h1.value, report.nodes.h2.value, report.nodes.h3.value, report.nodes.y1.value, report.nodes.y2.value]).toEqual([4, 7, 1, 17, 6]);
  });
});

describe('examples/training.grad', () => {
  const analysis = analyze(readExample('training.grad'));
  const trainer = new Trainer(analysis.program, analysis.program.train!);
  trainer.run();
  const report = buildReport(analysis, trainer);
  const names = ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'];

  it('analyses without diagnostics', () => {
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.program.params.map((p) => p.name)).toEqual(names);
  });

  it("starts from numpy's np.random.seed(42) parameters", () => {
    for (const name of names) {
      const node = analysis.program.names.get(name)!.node;
      const want = training.initialParams[name];
      expect([...node.shape], name).toEqual(want.shape);
      const got = analysis.initial.values[node.id];
      // randn goes through log, where numpy's own last bit is platform dependent (see random.ts).
      want.values.forEach((v, k) => expect(Math.abs(got[k] - v), `${name}[${k}]`).toBeLessThanOrEqual(2 * Number.EPSILON * Math.abs(v)));
    }
    expect(report.nodes.W1.value).toEqual([
      [expect.closeTo(0.24835708, 8), expect.closeTo(-0.06913215, 8)],
      [expect.closeTo(0.32384427, 8), expect.closeTo(0.76151493, 8)],
    ]);
  });

  it("the initial gradients are the recap's hand-written backprop", () => {
    for (const name of names) {
      const node = analysis.program.names.get(name)!.node;
      const got = analysis.initial.grads![node.id];
      training.initialGrads[name].values.forEach((v, k) => expect(Math.abs(got[k] - v), `d L/d ${name}[${k}]`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))));
    }
  });

  it('every gradient check passes, for the input and all six params', () => {
    expect(analysis.gradcheck.map((g) => g.node.name)).toEqual(['x', ...names]);
    expect(analysis.gradcheck.every((g) => g.passed)).toBe(true);
    expect(report.gradcheck.every((g) => g.passed)).toBe(true);
  });

  it('the whole 1000-step loss history agrees with the numpy loop to 1e-12', () => {
    expect(trainer.losses).toHaveLength(1000);
    expect(training.losses).toHaveLength(1000);
    const off = trainer.losses
      .map((l, i) => ({ i, l, n: training.losses[i] }))
      .filter(({ l, n }) => !(Math.abs(l - n) <= 1e-12 * Math.max(1, Math.abs(n))));
    expect(off).toEqual([]);
    expect(report.training!.loss).toEqual(trainer.losses);
  });

  it("prints the recap's numbers", () => {
    expect(trainer.losses[0].toFixed(6)).toBe('1.323064');
    expect(trainer.log.map((e) => e.step)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(trainer.watched.map((w) => w.name)).toEqual(['y_hat']);
    const at = (step: number) => trainer.log.find((e) => e.step === step)!;
    expect([at(100).loss.toFixed(6), at(100).watched.y_hat.toFixed(6)]).toEqual(['0.019820', '0.800902']);
    expect([at(200).loss.toFixed(6), at(200).watched.y_hat.toFixed(6)]).toEqual(['0.000292', '0.975849']);
    // The log's y_hat agrees with numpy's at every 100th step.
    training.log.forEach((e) => {
      expect(at(e.step).loss).toBeCloseTo(e.loss, 12);
      expect(at(e.step).watched.y_hat).toBeCloseTo(e.y_hat, 12);
    });
    trainer.settle();
    expect(trainer.watched[0].node.value[0].toFixed(6)).toBe('1.000000');
    expect(trainer.watched[0].node.value[0]).toBeCloseTo(training.finalYHat, 12);
  });

  it('reset returns to the initial parameters and replays the same history', () => {
    const fresh = analyze(readExample('training.grad'));
    const t = new Trainer(fresh.program, fresh.program.train!);
    t.run(300);
    t.reset();
    expect(t.losses).toEqual([]);
    t.run(3);
    expect(t.losses).toEqual(trainer.losses.slice(0, 3));
  });
});

describe('examples/xor.grad', () => {
  it('learns XOR: every prediction ends on the right side of 0.5, and every gradient check passes', () => {
    const analysis = analyze(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'xor.grad'), 'utf8'));
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.gradcheck.every((g) => g.passed)).toBe(true);
    const trainer = new Trainer(analysis.program, analysis.program.train!);
    trainer.run();
    trainer.settle();
    const y = Array.from(analysis.program.names.get('y')!.node.value);
    expect(y.map((p) => (p > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    // bce of predictions within 0.01 of the targets is below -log(0.99) ~ 0.01
    expect(trainer.losses[trainer.losses.length - 1]).toBeLessThan(0.01);
  });
});
