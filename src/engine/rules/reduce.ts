import type { GraphNode } from '../node';
import { registerRule, type OpRule } from '../rule';
import { formatShape, type Shape } from '../shape';

// A reduction over one axis sees the tensor as [outer, length, inner]; over the whole tensor as
// [1, size, 1]. The three reductions share that view and differ only in how they combine a row.

interface ReductionView {
  outer: number;
  length: number;
  inner: number;
}

function viewOf(node: GraphNode): ReductionView {
  const shape = node.inputs[0].shape;
  const axis = node.attrs.axis ?? null;
  if (axis === null) return { outer: 1, length: node.inputs[0].size, inner: 1 };
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, length: shape[axis], inner };
}

function reducedShape(input: Shape, axis: number | null | undefined, op: string): Shape | string {
  if (axis === null || axis === undefined) return [];
  if (axis < 0 || axis >= input.length) return `${op}: axis ${axis} is out of range for shape ${formatShape(input)}`;
  if (input[axis] === 0) return `${op}: cannot reduce an empty axis of shape ${formatShape(input)}`;
  return input.filter((_, i) => i !== axis);
}

function reduction(op: string, forward: (node: GraphNode, v: ReductionView) => void, backward: (node: GraphNode, v: ReductionView, gx: Float64Array) => void, aux = false): OpRule {
  return registerRule({
    op,
    broadcasts: false,
    inferShape: (inputs, attrs) => {
      if ((attrs.axis ?? null) === null && inputs[0].reduce((p, d) => p * d, 1) === 0) return `${op} of an empty tensor ${formatShape(inputs[0])}`;
      return reducedShape(inputs[0], attrs.axis, op);
    },
    differentiable: () => true,
    auxSize: aux ? (node) => node.size : undefined,
    forward: (node) => forward(node, viewOf(node)),
    backward(node) {
      const gx = node.partials[0];
      if (gx) backward(node, viewOf(node), gx);
    },
  });
}

function sumForward(node: GraphNode, { outer, length, inner }: ReductionView, scale: number): void {
  const x = node.inputs[0].value;
  const y = node.value;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let l = 0; l < length; l++) s += x[(o * length + l) * inner + i];
      y[o * inner + i] = s * scale;
    }
  }
}

// Every element of a row receives the row's gradient (times 1/length for the mean).
function spreadBackward(node: GraphNode, { outer, length, inner }: ReductionView, gx: Float64Array, scale: number): void {
  const g = node.grad;
  for (let o = 0; o < outer; o++) {
    for (let l = 0; l < length; l++) {
      for (let i = 0; i < inner; i++) gx[(o * length + l) * inner + i] = g[o * inner + i] * scale;
    }
  }
}

reduction('sum', (n, v) => sumForward(n, v, 1), (n, v, gx) => spreadBackward(n, v, gx, 1));
reduction('mean', (n, v) => sumForward(n, v, 1 / v.length), (n, v, gx) => spreadBackward(n, v, gx, 1 / v.length));

// max routes the whole gradient to the first maximal element of each row (its position kept in aux).
reduction(
  'max',
  (node, { outer, length, inner }) => {
    const x = node.inputs[0].value;
    const y = node.value;
    const where = node.aux!;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let best = -Infinity;
        let at = 0;
        for (let l = 0; l < length; l++) {
          const v = x[(o * length + l) * inner + i];
          // NaN wins, as in numpy, so a NaN is never hidden by a max.
          if (v > best || Number.isNaN(v)) {
            best = v;
            at = l;
            if (Number.isNaN(v)) break;
          }
        }
        y[o * inner + i] = best;
        where[o * inner + i] = at;
      }
    }
  },
  (node, { outer, length, inner }, gx) => {
    const g = node.grad;
    const where = node.aux!;
    gx.fill(0);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) gx[(o * length + where[o * inner + i]) * inner + i] = g[o * inner + i];
    }
  },
  true,
);
