import type { GraphNode } from '../node';
import { registerRule } from '../rule';
import { formatShape } from '../shape';

// Both act on rows along the last axis; the row maximum is subtracted first so exp never overflows.

function rows(node: GraphNode): { count: number; width: number } {
  const shape = node.shape;
  const width = shape.length === 0 ? 1 : shape[shape.length - 1];
  return { count: width === 0 ? 0 : node.size / width, width };
}

/** Writes log-softmax of each row of x into out (also the heart of cross_entropy). */
export function logSoftmaxRows(x: Float64Array, out: Float64Array, count: number, width: number): void {
  for (let r = 0; r < count; r++) {
    const base = r * width;
    let max = -Infinity;
    for (let j = 0; j < width; j++) max = Math.max(max, x[base + j]);
    let sum = 0;
    for (let j = 0; j < width; j++) sum += Math.exp(x[base + j] - max);
    const logSum = max + Math.log(sum);
    for (let j = 0; j < width; j++) out[base + j] = x[base + j] - logSum;
  }
}

const nonEmpty = (name: string) => (inputs: readonly (readonly number[])[]) =>
  inputs[0].includes(0) ? `${name} of an empty tensor ${formatShape(inputs[0])}` : inputs[0];

registerRule({
  op: 'softmax',
  broadcasts: false,
  inferShape: nonEmpty('softmax'),
  differentiable: () => true,
  forward(node) {
    const { count, width } = rows(node);
    const y = node.value;
    logSoftmaxRows(node.inputs[0].value, y, count, width);
    for (let k = 0; k < y.length; k++) y[k] = Math.exp(y[k]);
  },
  // dx = y * (g - sum(g * y)) per row
  backward(node) {
    const gx = node.partials[0];
    if (!gx) return;
    const { count, width } = rows(node);
    const y = node.value;
    const g = node.grad;
    for (let r = 0; r < count; r++) {
      const base = r * width;
      let dotGY = 0;
      for (let j = 0; j < width; j++) dotGY += g[base + j] * y[base + j];
      for (let j = 0; j < width; j++) gx[base + j] = y[base + j] * (g[base + j] - dotGY);
    }
  },
});

registerRule({
  op: 'log_softmax',
  broadcasts: false,
  inferShape: nonEmpty('log_softmax'),
  differentiable: () => true,
  forward(node) {
    const { count, width } = rows(node);
    logSoftmaxRows(node.inputs[0].value, node.value, count, width);
  },
  // dx = g - softmax(x) * sum(g) per row, with softmax(x) = exp(y)
  backward(node) {
    const gx = node.partials[0];
    if (!gx) return;
    const { count, width } = rows(node);
    const y = node.value;
    const g = node.grad;
    for (let r = 0; r < count; r++) {
      const base = r * width;
      let sumG = 0;
      for (let j = 0; j < width; j++) sumG += g[base + j];
      for (let j = 0; j < width; j++) gx[base + j] = g[base + j] - Math.exp(y[base + j]) * sumG;
    }
  },
});
