// Sgd (with and without momentum) and Adam against numpy re-implementations of PyTorch's update
// rules (scripts/numpy_reference.py), five steps on the fixed quadratic f(p) = 0.5 sum(a (p - c)^2).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { Graph, isGraphError } from '../../../src/engine/graph';
import type { GraphNode } from '../../../src/engine/node';
import { Adam, Sgd, type Optimizer } from '../../../src/engine/optimizers';

interface Tensor {
  shape: number[];
  values: number[];
}

interface Run {
  name: string;
  kind: 'sgd' | 'adam';
  lr: number;
  momentum?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Params after each step. */
  history: Tensor[][];
}

const fixture: { a: Tensor[]; c: Tensor[]; p0: Tensor[]; runs: Run[] } = JSON.parse(
  readFileSync(join(__dirname, '..', 'program', 'fixtures', 'numpy-optimizers.json'), 'utf8'),
);

function params(): GraphNode[] {
  const graph = new Graph();
  return fixture.p0.map((t) => {
    const node = graph.leaf('param', t.shape, t.values, { start: 0, end: 0 });
    if (isGraphError(node)) throw new Error(node.error);
    return node;
  });
}

/** grad = a (p - c), written exactly as the numpy script computes it. */
function setQuadraticGrads(ps: GraphNode[]): void {
  ps.forEach((p, i) => {
    const a = fixture.a[i].values;
    const c = fixture.c[i].values;
    for (let k = 0; k < p.size; k++) p.grad[k] = a[k] * (p.value[k] - c[k]);
  });
}

function optimizerFor(run: Run, ps: GraphNode[]): Optimizer {
  return run.kind === 'sgd' ? new Sgd(ps, run.lr, run.momentum) : new Adam(ps, run.lr, run.beta1, run.beta2, run.eps);
}

describe('optimizers follow PyTorch update rules (numpy reference)', () => {
  it('the fixture holds the runs asked for', () => {
    expect(fixture.runs.map((r) => [r.kind, r.momentum ?? null])).toEqual([
      ['sgd', 0],
      ['sgd', 0.9],
      ['adam', null],
      ['adam', null],
    ]);
    fixture.runs.forEach((r) => expect(r.history).toHaveLength(5));
  });

  it.each(fixture.runs.map((r) => [r.name, r] as const))('%s: five steps agree to 1e-14 relative', (_name, run) => {
    const ps = params();
    const optimizer = optimizerFor(run, ps);
    run.history.forEach((expected, step) => {
      setQuadraticGrads(ps);
      optimizer.step();
      ps.forEach((p, i) => {
        expected[i].values.forEach((v, k) => {
          const label = `${run.name}: step ${step + 1}, param ${i}[${k}]: ${p.value[k]} vs numpy ${v}`;
          expect(Math.abs(p.value[k] - v), label).toBeLessThanOrEqual(1e-14 * Math.abs(v));
        });
      });
    });
    // The run moved the params, so agreement is not agreement with the start.
    expect(Array.from(ps[0].value)).not.toEqual(fixture.p0[0].values);
  });

  it('momentum starts its buffer at the first gradient, not at zero', () => {
    // Hand-derived, one scalar with a constant gradient 1: buf = 1, 1.9, 2.71; p = -0.1, -0.29, -0.561.
    const graph = new Graph();
    const p = graph.leaf('param', [], [0], { start: 0, end: 0 }) as GraphNode;
    const sgd = new Sgd([p], 0.1, 0.9);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      p.grad[0] = 1;
      sgd.step();
      seen.push(p.value[0]);
    }
    expect(seen[0]).toBeCloseTo(-0.1, 15);
    expect(seen[1]).toBeCloseTo(-0.29, 15);
    expect(seen[2]).toBeCloseTo(-0.561, 15);
  });

  it("Adam's first step moves every coordinate by lr times the gradient's sign (bias correction)", () => {
    // Hand-derived: after one step m_hat = g, v_hat = g^2, so p -= lr g / (|g| + eps).
    const graph = new Graph();
    const p = graph.leaf('param', [3], [0, 0, 0], { start: 0, end: 0 }) as GraphNode;
    p.grad.set([2, -0.5, 1e3]);
    new Adam([p], 0.01).step();
    expect(p.value[0]).toBeCloseTo(-0.01, 9);
    expect(p.value[1]).toBeCloseTo(0.01, 9);
    expect(p.value[2]).toBeCloseTo(-0.01, 12);
  });
});
