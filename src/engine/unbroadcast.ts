import type { GraphNode } from './node';

/**
 * Adds a node's per-input gradients into its inputs' `grad`. Where the forward pass broadcast an
 * input, the gradient is summed back over the broadcast positions: the one place in the engine
 * where broadcasting is undone, so no gradient rule has to think about it.
 */
export function accumulateIntoInputs(node: GraphNode): void {
  const { inputs, partials, broadcast } = node;
  for (let i = 0; i < inputs.length; i++) {
    const partial = partials[i];
    if (partial === null) continue;
    const target = inputs[i].grad;
    const map = broadcast[i];
    if (map === null) {
      for (let k = 0; k < partial.length; k++) target[k] += partial[k];
    } else {
      for (let k = 0; k < partial.length; k++) target[map[k]] += partial[k];
    }
  }
}
