import type { Graph } from './graph';
import type { GraphNode } from './node';

/** Tolerances and step of a gradient check; defaults as PyTorch's `gradcheck` verdict uses them. */
export interface GradcheckOptions {
  /** Central-difference step. */
  readonly eps: number;
  readonly atol: number;
  readonly rtol: number;
  /** At most this many elements per tensor are checked (evenly spread), so a huge tensor cannot stall the run. */
  readonly maxElements: number;
}

export const defaultGradcheckOptions: GradcheckOptions = { eps: 1e-6, atol: 1e-5, rtol: 1e-3, maxElements: 4096 };

/** One checked element of a tensor. */
export interface GradcheckElement {
  /** Flat index into the tensor. */
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
  readonly absDiff: number;
  readonly relError: number;
  readonly passed: boolean;
}

/** The check of one leaf tensor (a param or an input). */
export interface GradcheckResult {
  readonly node: GraphNode;
  readonly elements: GradcheckElement[];
  readonly maxAbsDiff: number;
  readonly maxRelError: number;
  readonly passed: boolean;
  /** How many elements the tensor has (more than were checked when it exceeds maxElements). */
  readonly totalElements: number;
}

/** |a - n| / max(|a|, |n|), and 0 where both are 0. */
export function relativeError(analytic: number, numeric: number): number {
  const scale = Math.max(Math.abs(analytic), Math.abs(numeric));
  return scale === 0 ? 0 : Math.abs(analytic - numeric) / scale;
}

/**
 * Compares d(loss)/d(leaf) from one backward pass with central differences of the loss, element by
 * element, for each leaf. The verdict is PyTorch's: |a - n| <= atol + rtol * |n|.
 */
export function gradcheck(graph: Graph, loss: GraphNode, leaves: readonly GraphNode[], options: GradcheckOptions): GradcheckResult[] {
  graph.forward(0);
  graph.backward(loss);
  const analytic = leaves.map((leaf) => Float64Array.from(leaf.grad));
  const results = leaves.map((leaf, li) => {
    const stride = Math.max(1, Math.ceil(leaf.size / options.maxElements));
    const elements: GradcheckElement[] = [];
    for (let index = 0; index < leaf.size; index += stride) {
      const original = leaf.value[index];
      leaf.value[index] = original + options.eps;
      graph.forward(leaf.id + 1);
      const plus = loss.value[0];
      leaf.value[index] = original - options.eps;
      graph.forward(leaf.id + 1);
      const minus = loss.value[0];
      leaf.value[index] = original;
      const a = analytic[li][index];
      const n = (plus - minus) / (2 * options.eps);
      const absDiff = Math.abs(a - n);
      elements.push({ index, analytic: a, numeric: n, absDiff, relError: relativeError(a, n), passed: absDiff <= options.atol + options.rtol * Math.abs(n) });
    }
    const worst = (pick: (e: GradcheckElement) => number) => elements.reduce((m, e) => (Number.isNaN(pick(e)) || pick(e) > m ? pick(e) : m), 0);
    return {
      node: leaf,
      elements,
      maxAbsDiff: worst((e) => e.absDiff),
      maxRelError: worst((e) => e.relError),
      passed: elements.every((e) => e.passed),
      totalElements: leaf.size,
    };
  });
  // Leave the graph as it was found: values at the unperturbed point, gradients of the loss.
  graph.forward(0);
  graph.backward(loss);
  return results;
}
