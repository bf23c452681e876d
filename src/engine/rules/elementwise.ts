import type { GraphNode } from '../node';
import { registerRule, type OpRule } from '../rule';
import { broadcastShapes, formatShape, type Shape } from '../shape';

// Elementwise ops are one table row each: the scalar function and its local derivative. The loops
// live here once, so a new op is two lines and cannot get the looping or broadcasting wrong.

/** A unary op: y = f(x, p) with dy/dx = df(x, y, p); `p` is the op's parameter (leaky_relu's alpha). */
function unary(op: string, f: (x: number, p: number) => number, df: (x: number, y: number, p: number) => number): OpRule {
  return registerRule({
    op,
    broadcasts: false,
    inferShape: (inputs) => inputs[0],
    differentiable: () => true,
    forward(node: GraphNode) {
      const x = node.inputs[0].value;
      const y = node.value;
      const p = node.attrs.alpha ?? 0;
      for (let k = 0; k < y.length; k++) y[k] = f(x[k], p);
    },
    backward(node: GraphNode) {
      const gx = node.partials[0];
      if (!gx) return;
      const x = node.inputs[0].value;
      const y = node.value;
      const g = node.grad;
      const p = node.attrs.alpha ?? 0;
      for (let k = 0; k < g.length; k++) gx[k] = g[k] * df(x[k], y[k], p);
    },
  });
}

function sigmoid(x: number): number {
  // Two forms so exp never overflows.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

unary('neg', (x) => -x, () => -1);
unary('identity', (x) => x, () => 1);
// d tanh(x)/dx = 1 - tanh(x)^2
unary('tanh', Math.tanh, (_x, y) => 1 - y * y);
unary('sigmoid', sigmoid, (_x, y) => y * (1 - y));
// relu'(0) = 0, as PyTorch.
unary('relu', (x) => (x > 0 ? x : 0), (x) => (x > 0 ? 1 : 0));
unary('leaky_relu', (x, alpha) => (x > 0 ? x : alpha * x), (x, _y, alpha) => (x > 0 ? 1 : alpha));
unary('exp', Math.exp, (_x, y) => y);
unary('log', Math.log, (x) => 1 / x);
unary('sqrt', Math.sqrt, (_x, y) => 0.5 / y);
// abs'(0) = 0 (the sign), as PyTorch.
unary('abs', Math.abs, (x) => Math.sign(x));
unary('sin', Math.sin, (x) => Math.cos(x));
unary('cos', Math.cos, (x) => -Math.sin(x));
// softplus(x) = log(1 + e^x), written so that large |x| neither overflows nor loses digits.
unary('softplus', (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), (x) => sigmoid(x));

/** A binary op z = f(a, b) with dz/da = da(a, b, z) and dz/db = db(a, b, z), broadcasting a and b. */
function binary(
  op: string,
  symbol: string,
  f: (a: number, b: number) => number,
  da: (a: number, b: number, z: number) => number,
  db: (a: number, b: number, z: number) => number,
): OpRule {
  return registerRule({
    op,
    broadcasts: true,
    inferShape(inputs: readonly Shape[]) {
      const out = broadcastShapes(inputs[0], inputs[1]);
      return out ?? `Shapes ${formatShape(inputs[0])} and ${formatShape(inputs[1])} do not broadcast for '${symbol}'`;
    },
    differentiable: () => true,
    forward(node: GraphNode) {
      const a = node.inputs[0].value;
      const b = node.inputs[1].value;
      const ma = node.broadcast[0];
      const mb = node.broadcast[1];
      const z = node.value;
      for (let k = 0; k < z.length; k++) z[k] = f(a[ma === null ? k : ma[k]], b[mb === null ? k : mb[k]]);
    },
    backward(node: GraphNode) {
      const a = node.inputs[0].value;
      const b = node.inputs[1].value;
      const ma = node.broadcast[0];
      const mb = node.broadcast[1];
      const [ga, gb] = node.partials;
      const z = node.value;
      const g = node.grad;
      for (let k = 0; k < g.length; k++) {
        const av = a[ma === null ? k : ma[k]];
        const bv = b[mb === null ? k : mb[k]];
        if (ga) ga[k] = g[k] * da(av, bv, z[k]);
        if (gb) gb[k] = g[k] * db(av, bv, z[k]);
      }
    },
  });
}

binary('add', '+', (a, b) => a + b, () => 1, () => 1);
binary('sub', '-', (a, b) => a - b, () => 1, () => -1);
binary('mul', '*', (a, b) => a * b, (_a, b) => b, (a) => a);
binary('div', '/', (a, b) => a / b, (_a, b) => 1 / b, (a, b) => -a / (b * b));
// d a^b/da = b a^(b-1); d a^b/db = a^b ln a, taken as 0 where a = 0 and b >= 0 (PyTorch's convention).
binary(
  'pow',
  '^',
  Math.pow,
  (a, b) => (b === 0 ? 0 : b * Math.pow(a, b - 1)),
  (a, b, z) => (a === 0 && b >= 0 ? 0 : z * Math.log(a)),
);
