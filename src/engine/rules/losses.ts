import type { GraphNode } from '../node';
import { registerRule } from '../rule';
import { formatShape, sameShape, sizeOf, type Shape } from '../shape';
import { logSoftmaxRows } from './softmax';

// The losses PyTorch users reach for, with PyTorch's definitions and reductions ('mean').

/** pred and target must match, or one of them be a single number that applies to every element. */
function pairShape(name: string, a: Shape, b: Shape): string | null {
  if (sameShape(a, b) || sizeOf(a) === 1 || sizeOf(b) === 1) return null;
  return `${name} needs pred and target of the same shape, got ${formatShape(a)} and ${formatShape(b)}`;
}

/**
 * A loss that is the mean over (pred, target) pairs of `term(p, t)`, as one table row: the term and
 * its partial derivatives. A single-element pred or target pairs with every element of the other.
 */
function meanOfPairs(op: string, term: (p: number, t: number) => number, dPred: (p: number, t: number) => number, dTarget: (p: number, t: number) => number): void {
  registerRule({
    op,
    broadcasts: false,
    inferShape: (inputs) => pairShape(op, inputs[0], inputs[1]) ?? [],
    differentiable: () => true,
    forward(node: GraphNode) {
      const p = node.inputs[0].value;
      const t = node.inputs[1].value;
      const n = Math.max(p.length, t.length);
      let s = 0;
      for (let k = 0; k < n; k++) s += term(p[p.length === 1 ? 0 : k], t[t.length === 1 ? 0 : k]);
      node.value[0] = s / n;
    },
    backward(node: GraphNode) {
      const p = node.inputs[0].value;
      const t = node.inputs[1].value;
      const [gp, gt] = node.partials;
      const n = Math.max(p.length, t.length);
      const g = node.grad[0];
      gp?.fill(0);
      gt?.fill(0);
      for (let k = 0; k < n; k++) {
        const ip = p.length === 1 ? 0 : k;
        const it = t.length === 1 ? 0 : k;
        if (gp) gp[ip] += (g * dPred(p[ip], t[it])) / n;
        if (gt) gt[it] += (g * dTarget(p[ip], t[it])) / n;
      }
    },
  });
}

// mse(p, t) = mean((p - t)^2), as PyTorch's mse_loss.
meanOfPairs(
  'mse',
  (p, t) => (p - t) * (p - t),
  (p, t) => 2 * (p - t),
  (p, t) => -2 * (p - t),
);

// bce(p, t) = mean(-(t log p + (1 - t) log(1 - p))), each log clamped at -100 as PyTorch does so
// that p = 0 or 1 gives a large finite loss instead of infinity. d/dp is PyTorch's
// binary_cross_entropy_backward: (p - t) / max(p (1 - p), 1e-12).
const clampedLog = (x: number) => Math.max(Math.log(x), -100);
meanOfPairs(
  'bce',
  (p, t) => -(t * clampedLog(p) + (1 - t) * clampedLog(1 - p)),
  (p, t) => (p - t) / Math.max(p * (1 - p), 1e-12),
  (p) => clampedLog(1 - p) - clampedLog(p),
);

// cross_entropy(logits, labels) = mean over the batch of -log softmax(logits)[label].
// logits [C] with a scalar label, or [N, C] with labels [N]; labels are class indices, no gradient.
// d/dlogits = (softmax(logits) - onehot(label)) / N; the softmax is kept in aux from the forward pass.
registerRule({
  op: 'cross_entropy',
  broadcasts: false,
  inferShape(inputs) {
    const [logits, labels] = inputs;
    if (logits.length === 1 && labels.length === 0) return logits[0] > 0 ? [] : `cross_entropy needs at least one class, got logits ${formatShape(logits)}`;
    if (logits.length === 2 && labels.length === 1 && labels[0] === logits[0]) return logits[1] > 0 && logits[0] > 0 ? [] : `cross_entropy needs a non-empty batch, got logits ${formatShape(logits)}`;
    return `cross_entropy needs logits [C] with a scalar label or logits [N, C] with labels [N], got ${formatShape(logits)} and ${formatShape(labels)}`;
  },
  differentiable: (i) => i === 0,
  auxSize: (node) => node.inputs[0].size,
  forward(node) {
    const x = node.inputs[0].value;
    const labels = node.inputs[1].value;
    const probs = node.aux!;
    const width = node.inputs[0].shape[node.inputs[0].shape.length - 1];
    const batch = labels.length;
    logSoftmaxRows(x, probs, batch, width);
    let total = 0;
    for (let r = 0; r < batch; r++) {
      const label = labels[r];
      // A label that is not a class index makes the loss NaN, which the run reports at this node.
      total -= Number.isInteger(label) && label >= 0 && label < width ? probs[r * width + label] : NaN;
    }
    for (let k = 0; k < probs.length; k++) probs[k] = Math.exp(probs[k]);
    node.value[0] = total / batch;
  },
  backward(node) {
    const gx = node.partials[0];
    if (!gx) return;
    const labels = node.inputs[1].value;
    const probs = node.aux!;
    const width = node.inputs[0].shape[node.inputs[0].shape.length - 1];
    const batch = labels.length;
    const scale = node.grad[0] / batch;
    for (let r = 0; r < batch; r++) {
      const base = r * width;
      for (let j = 0; j < width; j++) gx[base + j] = scale * (probs[base + j] - (j === labels[r] ? 1 : 0));
    }
  },
});
