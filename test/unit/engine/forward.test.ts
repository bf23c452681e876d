// Forward values of the ops against numpy (scripts/numpy_reference.py writes the fixture, inputs
// included, so both sides see the same float64 bits). The losses follow PyTorch's formulas.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { Graph, isGraphError } from '../../../src/engine/graph';
import type { GraphNode, OpAttrs } from '../../../src/engine/node';

interface Tensor {
  shape: number[];
  values: number[];
}

interface ForwardCase {
  name: string;
  op: string;
  attrs: OpAttrs;
  inputs: Tensor[];
  expected: Tensor;
}

const fixture: { numpyVersion: string; cases: ForwardCase[] } = JSON.parse(
  readFileSync(join(__dirname, '..', 'program', 'fixtures', 'numpy-forward.json'), 'utf8'),
);

function must(x: GraphNode | { error: string }): GraphNode {
  if (isGraphError(x)) throw new Error(x.error);
  return x;
}

function evaluate(c: ForwardCase): GraphNode {
  const graph = new Graph();
  const span = { start: 0, end: 0 };
  const inputs = c.inputs.map((t) => must(graph.leaf('const', t.shape, t.values, span)));
  return must(graph.apply(c.op, inputs, c.attrs, span));
}

/** Relative 1e-12 (absolute near zero): far below any real formula error, above last-bit libm differences. */
function expectClose(actual: ArrayLike<number>, expected: number[], label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const tolerance = 1e-12 * Math.max(1, Math.abs(expected[k]));
    expect(Math.abs(actual[k] - expected[k]), `${label}[${k}]: ${actual[k]} vs numpy ${expected[k]}`).toBeLessThanOrEqual(tolerance);
  }
}

describe('forward values agree with numpy', () => {
  it('the fixture covers the ops asked for', () => {
    const ops = new Set(fixture.cases.map((c) => c.op));
    for (const op of ['tanh', 'sigmoid', 'softplus', 'softmax', 'log_softmax', 'matmul', 'add', 'sum', 'mean', 'max', 'mse', 'bce', 'cross_entropy', 'outer', 'transpose']) {
      expect(ops.has(op), op).toBe(true);
    }
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const node = evaluate(c);
    expect([...node.shape]).toEqual(c.expected.shape);
    expectClose(node.value, c.expected.values, c.name);
  });

  it('bce clamps each log at -100, as PyTorch, so p = 0 or 1 gives a finite loss', () => {
    // Hand-derived: p = 1 with t = 0 and p = 0 with t = 1 each cost exactly 100.
    const graph = new Graph();
    const span = { start: 0, end: 0 };
    const p = must(graph.leaf('const', [2], [1, 0], span));
    const t = must(graph.leaf('const', [2], [0, 1], span));
    expect(must(graph.apply('bce', [p, t], {}, span)).value[0]).toBe(100);
  });

  it('cross_entropy of equal logits is log(C)', () => {
    const graph = new Graph();
    const span = { start: 0, end: 0 };
    const x = must(graph.leaf('const', [2, 4], [3, 3, 3, 3, -1, -1, -1, -1], span));
    const labels = must(graph.leaf('const', [2], [0, 3], span));
    expect(must(graph.apply('cross_entropy', [x, labels], {}, span)).value[0]).toBeCloseTo(Math.log(4), 15);
  });

  it('softmax and log_softmax do not overflow on large logits', () => {
    const graph = new Graph();
    const span = { start: 0, end: 0 };
    const x = must(graph.leaf('const', [3], [1000, 1000 + Math.log(3), 0], span));
    const sm = must(graph.apply('softmax', [x], {}, span));
    const lsm = must(graph.apply('log_softmax', [x], {}, span));
    // Hand-derived: weights 1 : 3 : ~0.
    expectClose(sm.value, [0.25, 0.75, 0], 'softmax');
    expectClose(lsm.value.subarray(0, 2), [Math.log(0.25), Math.log(0.75)], 'log_softmax');
    expect(lsm.value[2]).toBeCloseTo(-1000 - Math.log(4), 10);
  });
});
