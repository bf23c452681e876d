// The backward pass where gradients fan out and meet again, with hand-derived expectations, through
// the engine directly and through `.grad` sources.
import { describe, it, expect } from 'vitest';
import { Graph, isGraphError } from '../../../src/engine/graph';
import type { GraphNode } from '../../../src/engine/node';
import { analyze } from '../../../src/program/analyze';

const span = { start: 0, end: 0 };

function must(x: GraphNode | { error: string }): GraphNode {
  if (isGraphError(x)) throw new Error(x.error);
  return x;
}

/** The gradient of a named node after analysis, at the initial parameters. */
function gradOf(source: string, name: string): number[] {
  const analysis = analyze(source);
  expect(analysis.diagnostics).toEqual([]);
  const node = analysis.program.names.get(name)!.node;
  return Array.from(analysis.initial.grads![node.id]);
}

describe('backward through the engine', () => {
  it('b = a + a gives d b / d a = 2 (both operands accumulate)', () => {
    const g = new Graph();
    const a = must(g.leaf('param', [3], [0.5, -1, 4], span));
    const b = must(g.apply('add', [a, a], {}, span));
    const root = must(g.apply('sum', [b], { axis: null }, span));
    g.backward(root);
    expect(Array.from(a.grad)).toEqual([2, 2, 2]);
  });

  it('c = a * a gives 2a', () => {
    const g = new Graph();
    const a = must(g.leaf('param', [3], [0.5, -1.5, 3], span));
    const c = must(g.apply('mul', [a, a], {}, span));
    const root = must(g.apply('sum', [c], { axis: null }, span));
    g.backward(root);
    expect(Array.from(a.grad)).toEqual([1, -3, 6]);
  });

  it('a shared subexpression: s = x y, z = s + s x gives dz/dx = y + 2xy, dz/dy = x + x^2, dz/ds = 1 + x', () => {
    const g = new Graph();
    const x = must(g.leaf('param', [], [2], span));
    const y = must(g.leaf('param', [], [5], span));
    const s = must(g.apply('mul', [x, y], {}, span));
    const z = must(g.apply('add', [s, must(g.apply('mul', [s, x], {}, span))], {}, span));
    g.backward(z);
    expect(z.value[0]).toBe(30);
    expect(x.grad[0]).toBe(5 + 2 * 2 * 5);
    expect(y.grad[0]).toBe(2 + 2 * 2);
    expect(s.grad[0]).toBe(1 + 2);
  });

  it('a node read by two different consumers: p = exp(a), r = p + p b gives dr/da = e^a (1 + b), dr/db = e^a', () => {
    const g = new Graph();
    const a = must(g.leaf('param', [2], [0.3, -0.7], span));
    const b = must(g.leaf('param', [2], [2, -4], span));
    const p = must(g.apply('exp', [a], {}, span));
    const r = must(g.apply('add', [p, must(g.apply('mul', [p, b], {}, span))], {}, span));
    g.backward(must(g.apply('sum', [r], { axis: null }, span)));
    expect(a.grad[0]).toBeCloseTo(Math.exp(0.3) * 3, 14);
    expect(a.grad[1]).toBeCloseTo(Math.exp(-0.7) * -3, 14);
    expect(b.grad[0]).toBeCloseTo(Math.exp(0.3), 15);
    expect(b.grad[1]).toBeCloseTo(Math.exp(-0.7), 15);
  });

  it('a broadcast operand used twice sums its gradient over both uses and all positions', () => {
    // z = sum(M * v + v), M [2,3], v [3]: dz/dv[j] = sum_i M[i,j] + 2.
    const g = new Graph();
    const m = must(g.leaf('param', [2, 3], [1, 2, 3, 4, 5, 6], span));
    const v = must(g.leaf('param', [3], [0.5, 0.25, -1], span));
    const z = must(g.apply('add', [must(g.apply('mul', [m, v], {}, span)), v], {}, span));
    g.backward(must(g.apply('sum', [z], { axis: null }, span)));
    expect(Array.from(v.grad)).toEqual([1 + 4 + 2, 2 + 5 + 2, 3 + 6 + 2]);
    expect(Array.from(m.grad)).toEqual([0.5, 0.25, -1, 0.5, 0.25, -1]);
  });

  it('running backward twice gives identical, not doubled, gradients', () => {
    const g = new Graph();
    const x = must(g.leaf('param', [2], [0.4, -1.1], span));
    const w = must(g.leaf('param', [2], [3, 0.5], span));
    const h = must(g.apply('tanh', [must(g.apply('mul', [x, w], {}, span))], {}, span));
    const root = must(g.apply('sum', [must(g.apply('mul', [h, h], {}, span))], { axis: null }, span));
    g.backward(root);
    const first = [Array.from(x.grad), Array.from(w.grad), Array.from(h.grad)];
    g.backward(root);
    expect([Array.from(x.grad), Array.from(w.grad), Array.from(h.grad)]).toEqual(first);
    // And the values are the hand-derived ones: d/dh = 2h, d/dx = 2h (1 - h^2) w.
    const t = Math.tanh(0.4 * 3);
    expect(x.grad[0]).toBeCloseTo(2 * t * (1 - t * t) * 3, 14);
  });

  it('backward with seedIndex gives one row of the Jacobian', () => {
    // y = W x: row i of dy/dx is W[i, :]; dy[i]/dW is x in row i and 0 elsewhere.
    const g = new Graph();
    const w = must(g.leaf('param', [2, 3], [1, 2, 3, 4, 5, 6], span));
    const x = must(g.leaf('input', [3], [0.5, -1, 2], span));
    const y = must(g.apply('matmul', [w, x], {}, span));
    g.backward(y, 1);
    expect(Array.from(x.grad)).toEqual([4, 5, 6]);
    expect(Array.from(w.grad)).toEqual([0, 0, 0, 0.5, -1, 2]);
    expect(Array.from(y.grad)).toEqual([0, 1]);
    g.backward(y, 0);
    expect(Array.from(x.grad)).toEqual([1, 2, 3]);
    expect(Array.from(w.grad)).toEqual([0.5, -1, 2, 0, 0, 0]);
  });

  it("at kinks and ties, PyTorch's conventions: relu'(0) = abs'(0) = 0, max routes to the first maximum", () => {
    const g = new Graph();
    const x = must(g.leaf('param', [4], [1, 3, 3, -2], span));
    const m = must(g.apply('max', [x], { axis: null }, span));
    g.backward(m);
    expect(Array.from(x.grad)).toEqual([0, 1, 0, 0]);

    const rows = must(g.leaf('param', [2, 3], [5, 5, 1, 0, 2, 2], span));
    const byRow = must(g.apply('max', [rows], { axis: 1 }, span));
    g.backward(must(g.apply('sum', [byRow], { axis: null }, span)));
    expect(Array.from(rows.grad)).toEqual([1, 0, 0, 0, 1, 0]);

    const z = must(g.leaf('param', [3], [0, 2, -2], span));
    const relu = must(g.apply('sum', [must(g.apply('relu', [z], {}, span))], { axis: null }, span));
    g.backward(relu);
    expect(Array.from(z.grad)).toEqual([0, 1, 0]);
    const abs = must(g.apply('sum', [must(g.apply('abs', [z], {}, span))], { axis: null }, span));
    g.backward(abs);
    expect(Array.from(z.grad)).toEqual([0, 1, -1]);
  });

  it('consts and targets never receive a gradient', () => {
    const g = new Graph();
    const x = must(g.leaf('param', [2], [1, 2], span));
    const k = must(g.leaf('const', [2], [3, 4], span));
    const t = must(g.leaf('target', [2], [0, 1], span));
    const root = must(g.apply('mse', [must(g.apply('mul', [x, k], {}, span)), t], {}, span));
    g.backward(root);
    expect(Array.from(k.grad)).toEqual([0, 0]);
    expect(Array.from(t.grad)).toEqual([0, 0]);
    // d mse / dx = 2 (x k - t) k / n = [3 * 3, 7 * 4]
    expect(Array.from(x.grad)).toEqual([9, 28]);
  });
});

describe('backward through .grad sources', () => {
  it('b = a + a gives 2', () => {
    expect(gradOf('input a = 3.0\nloss b = a + a\n', 'a')).toEqual([2]);
  });

  it('c = a * a gives 2a', () => {
    expect(gradOf('input a = [1.0, -2.0, 3.0]\nloss c = sum(a * a)\n', 'a')).toEqual([2, -4, 6]);
  });

  it('a shared subexpression: s = x y, z = s + s x', () => {
    const source = 'input x = 2.0\ninput y = 5.0\ns = x * y\nloss z = s + s * x\n';
    expect(gradOf(source, 'x')).toEqual([25]);
    expect(gradOf(source, 'y')).toEqual([6]);
    expect(gradOf(source, 's')).toEqual([3]);
  });

  it('a node used by two consumers: h = 3 w, L = h^2 + sin(h)', () => {
    const source = 'param w = 0.25\nh = 3 * w\nloss L = h^2 + sin(h)\n';
    // dL/dw = 3 (2h + cos h) with h = 0.75
    expect(gradOf(source, 'w')[0]).toBeCloseTo(3 * (1.5 + Math.cos(0.75)), 14);
    expect(gradOf(source, 'h')[0]).toBeCloseTo(1.5 + Math.cos(0.75), 14);
  });

  it('backward twice on the compiled graph gives the analysed gradients again', () => {
    const source = 'input x = [0.5, -0.3]\nparam W = [[1.0, 2.0], [3.0, 4.0]]\nh = tanh(W @ x)\nloss L = sum(h * h)\n';
    const analysis = analyze(source);
    expect(analysis.diagnostics).toEqual([]);
    const { graph, loss } = analysis.program;
    graph.backward(loss!.node);
    graph.backward(loss!.node);
    graph.nodes.forEach((n) => expect(Array.from(n.grad), n.label).toEqual(Array.from(analysis.initial.grads![n.id])));
    // dL/dx = W^T (2 h (1 - h^2))
    const h = [Math.tanh(0.5 - 0.6), Math.tanh(1.5 - 1.2)];
    const d = h.map((v) => 2 * v * (1 - v * v));
    const x = analysis.program.names.get('x')!.node;
    expect(x.grad[0]).toBeCloseTo(1 * d[0] + 3 * d[1], 14);
    expect(x.grad[1]).toBeCloseTo(2 * d[0] + 4 * d[1], 14);
  });

  it('a jacobian directive gives one seeded row per output: d(W x)/dx = W', () => {
    const source = 'input x = [0.5, -1.0, 2.0]\nparam W = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]\ny = W @ x\njacobian y wrt x\n';
    const analysis = analyze(source);
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.jacobians).toHaveLength(1);
    expect(analysis.jacobians[0].analytic).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(analysis.jacobians[0].plan.rows.map((r) => r.label)).toEqual(['y[0]', 'y[1]']);
  });
});
