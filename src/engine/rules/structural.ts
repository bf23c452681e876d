import { registerRule } from '../rule';
import { formatShape, sameShape, sizeOf } from '../shape';

// Ops that move values without arithmetic. Their gradients move them back.

/** Leaves (inputs, params, targets, consts) hold their value; nothing to compute either way. */
registerRule({
  op: 'leaf',
  broadcasts: false,
  inferShape: () => [],
  differentiable: () => false,
  forward() {},
  backward() {},
});

// x[i] or x[i, j]: in row-major order the selected block is contiguous, so the node keeps only its
// flat offset (attrs.offset, resolved from the indices when the graph is built).
registerRule({
  op: 'index',
  broadcasts: false,
  // The language layer resolves and checks the indices; what remains is the shape of the block.
  inferShape: (inputs, attrs) => attrs.shape ?? inputs[0],
  differentiable: () => true,
  forward(node) {
    const offset = node.attrs.offset ?? 0;
    node.value.set(node.inputs[0].value.subarray(offset, offset + node.size));
  },
  backward(node) {
    const gx = node.partials[0];
    if (!gx) return;
    gx.fill(0);
    gx.set(node.grad, node.attrs.offset ?? 0);
  },
});

registerRule({
  op: 'reshape',
  broadcasts: false,
  inferShape(inputs, attrs) {
    const target = attrs.shape ?? inputs[0];
    if (sizeOf(target) !== sizeOf(inputs[0])) {
      return `Cannot reshape ${formatShape(inputs[0])} (${sizeOf(inputs[0])} elements) to ${formatShape(target)} (${sizeOf(target)} elements)`;
    }
    return target;
  },
  differentiable: () => true,
  forward(node) {
    node.value.set(node.inputs[0].value);
  },
  backward(node) {
    node.partials[0]?.set(node.grad);
  },
});

// [a, b, c]: stacks equally shaped tensors along a new first axis.
registerRule({
  op: 'stack',
  broadcasts: false,
  inferShape(inputs) {
    if (inputs.length === 0) return [0];
    const first = inputs[0];
    for (let i = 1; i < inputs.length; i++) {
      if (!sameShape(first, inputs[i])) {
        return `List items must have the same shape: item 1 is ${formatShape(first)}, item ${i + 1} is ${formatShape(inputs[i])}`;
      }
    }
    return [inputs.length, ...first];
  },
  differentiable: () => true,
  forward(node) {
    const block = node.inputs.length === 0 ? 0 : sizeOf(node.inputs[0].shape);
    node.inputs.forEach((input, i) => node.value.set(input.value, i * block));
  },
  backward(node) {
    const block = node.inputs.length === 0 ? 0 : sizeOf(node.inputs[0].shape);
    node.partials.forEach((p, i) => p?.set(node.grad.subarray(i * block, (i + 1) * block)));
  },
});
