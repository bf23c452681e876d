import type { Graph } from './graph';
import type { GraphNode } from './node';

/** One scalar of the graph: element `index` of `node`. A Jacobian's rows and columns are these. */
export interface ScalarRef {
  readonly node: GraphNode;
  readonly index: number;
}

/** d outputs / d inputs as a dense matrix, rows = outputs, columns = inputs. */
export type Matrix = number[][];

/**
 * The analytic Jacobian: one reverse pass per output row. Inputs may be intermediate nodes: their
 * `grad` after a pass from an output is exactly that row's entries for them.
 */
export function analyticJacobian(graph: Graph, outputs: readonly ScalarRef[], inputs: readonly ScalarRef[]): Matrix {
  const rows: Matrix = [];
  for (const out of outputs) {
    graph.backward(out.node, out.index);
    rows.push(inputs.map((inp) => inp.node.grad[inp.index]));
  }
  return rows;
}

/**
 * The numerical Jacobian by central differences: (f(x + eps) - f(x - eps)) / 2 eps per input.
 * Perturbing an intermediate node and recomputing only what comes after it in topological order
 * holds that node fixed, which is what a partial derivative with respect to it means.
 */
export function numericJacobian(graph: Graph, outputs: readonly ScalarRef[], inputs: readonly ScalarRef[], eps: number): Matrix {
  const rows: Matrix = outputs.map(() => new Array<number>(inputs.length).fill(0));
  inputs.forEach((inp, column) => {
    const values = inp.node.value;
    const original = values[inp.index];
    values[inp.index] = original + eps;
    graph.forward(inp.node.id + 1);
    const plus = outputs.map((o) => o.node.value[o.index]);
    values[inp.index] = original - eps;
    graph.forward(inp.node.id + 1);
    outputs.forEach((o, row) => {
      rows[row][column] = (plus[row] - o.node.value[o.index]) / (2 * eps);
    });
    values[inp.index] = original;
  });
  graph.forward(0);
  return rows;
}

/** max |a - n| over all entries (0 for an empty matrix). */
export function maxAbsDifference(a: Matrix, b: Matrix): number {
  let max = 0;
  a.forEach((row, i) => row.forEach((v, j) => {
    const d = Math.abs(v - b[i][j]);
    // A NaN difference must not read as a perfect match.
    if (d > max || Number.isNaN(d)) max = Number.isNaN(max) ? max : d;
  }));
  return max;
}
