import type { GraphNode } from '../node';
import { registerRule } from '../rule';
import { formatShape, type Shape } from '../shape';

// numpy's matmul for 1-D and 2-D operands: a 1-D left operand is a row [1, k], a 1-D right operand
// a column [k, 1], and the added axis is dropped from the result. Internally everything is then one
// (m x k) @ (k x n) product, so the four cases share one forward and one backward loop.

function matmulDims(a: Shape, b: Shape): { m: number; k: number; n: number } | string {
  if (a.length === 0 || b.length === 0 || a.length > 2 || b.length > 2) {
    return `'@' needs 1-D or 2-D operands, got ${formatShape(a)} @ ${formatShape(b)}`;
  }
  const m = a.length === 2 ? a[0] : 1;
  const ka = a[a.length - 1];
  const kb = b.length === 2 ? b[0] : b[0];
  const n = b.length === 2 ? b[1] : 1;
  if (ka !== kb) {
    return `Cannot multiply ${formatShape(a)} @ ${formatShape(b)}: inner dimensions ${ka} and ${kb} differ`;
  }
  return { m, k: ka, n };
}

function matmulShape(a: Shape, b: Shape): Shape | string {
  const dims = matmulDims(a, b);
  if (typeof dims === 'string') return dims;
  const out: number[] = [];
  if (a.length === 2) out.push(dims.m);
  if (b.length === 2) out.push(dims.n);
  return out;
}

function dimsOf(node: GraphNode): { m: number; k: number; n: number } {
  const [a, b] = node.inputs;
  return { m: a.shape.length === 2 ? a.shape[0] : 1, k: a.shape[a.shape.length - 1], n: b.shape.length === 2 ? b.shape[1] : 1 };
}

// Loops run i-t-j so the innermost loop walks rows of B and C contiguously; each C[i, j] still
// sums its products in the order t = 0, 1, ..., k-1, so results are the same bits as i-j-t.
function matmulForward(node: GraphNode): void {
  const { m, k, n } = dimsOf(node);
  const a = node.inputs[0].value;
  const b = node.inputs[1].value;
  const c = node.value;
  for (let q = 0; q < c.length; q++) c[q] = 0;
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < k; t++) {
      const ait = a[i * k + t];
      for (let j = 0; j < n; j++) c[i * n + j] += ait * b[t * n + j];
    }
  }
}

// C = A B  =>  dA = G B^T,  dB = A^T G
function matmulBackward(node: GraphNode): void {
  const { m, k, n } = dimsOf(node);
  const a = node.inputs[0].value;
  const b = node.inputs[1].value;
  const g = node.grad;
  const [ga, gb] = node.partials;
  if (ga) {
    for (let i = 0; i < m; i++) {
      for (let t = 0; t < k; t++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += g[i * n + j] * b[t * n + j];
        ga[i * k + t] = s;
      }
    }
  }
  if (gb) {
    for (let q = 0; q < gb.length; q++) gb[q] = 0;
    for (let i = 0; i < m; i++) {
      for (let t = 0; t < k; t++) {
        const ait = a[i * k + t];
        for (let j = 0; j < n; j++) gb[t * n + j] += ait * g[i * n + j];
      }
    }
  }
}

registerRule({
  op: 'matmul',
  broadcasts: false,
  inferShape: (inputs) => matmulShape(inputs[0], inputs[1]),
  differentiable: () => true,
  forward: matmulForward,
  backward: matmulBackward,
});

registerRule({
  op: 'dot',
  broadcasts: false,
  inferShape(inputs) {
    const [a, b] = inputs;
    if (a.length !== 1 || b.length !== 1) return `dot needs two vectors, got ${formatShape(a)} and ${formatShape(b)}`;
    if (a[0] !== b[0]) return `dot needs vectors of the same length, got ${formatShape(a)} and ${formatShape(b)}`;
    return [];
  },
  differentiable: () => true,
  forward: matmulForward,
  backward: matmulBackward,
});

// outer(a, b)[i, j] = a[i] b[j], flattening its operands as numpy does.
registerRule({
  op: 'outer',
  broadcasts: false,
  inferShape: (inputs) => [inputs[0].reduce((p, d) => p * d, 1), inputs[1].reduce((p, d) => p * d, 1)],
  differentiable: () => true,
  forward(node) {
    const a = node.inputs[0].value;
    const b = node.inputs[1].value;
    const c = node.value;
    for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) c[i * b.length + j] = a[i] * b[j];
  },
  backward(node) {
    const a = node.inputs[0].value;
    const b = node.inputs[1].value;
    const g = node.grad;
    const [ga, gb] = node.partials;
    if (ga) {
      for (let i = 0; i < a.length; i++) {
        let s = 0;
        for (let j = 0; j < b.length; j++) s += g[i * b.length + j] * b[j];
        ga[i] = s;
      }
    }
    if (gb) {
      for (let j = 0; j < b.length; j++) {
        let s = 0;
        for (let i = 0; i < a.length; i++) s += g[i * b.length + j] * a[i];
        gb[j] = s;
      }
    }
  },
});

// .T reverses the axes; on 0-D and 1-D tensors it is the identity, as in numpy.
registerRule({
  op: 'transpose',
  broadcasts: false,
  inferShape: (inputs) => (inputs[0].length > 2 ? `'.T' works on tensors of up to 2 axes, got ${formatShape(inputs[0])}` : [...inputs[0]].reverse()),
  differentiable: () => true,
  forward(node) {
    const x = node.inputs[0].value;
    const y = node.value;
    if (node.shape.length < 2) {
      y.set(x);
      return;
    }
    const [rows, cols] = node.inputs[0].shape;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) y[j * rows + i] = x[i * cols + j];
  },
  backward(node) {
    const gx = node.partials[0];
    if (!gx) return;
    const g = node.grad;
    if (node.shape.length < 2) {
      gx.set(g);
      return;
    }
    const [rows, cols] = node.inputs[0].shape;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) gx[i * cols + j] = g[j * rows + i];
  },
});
