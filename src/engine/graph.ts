import { GraphNode, type NodeRole, type OpAttrs, type SourceSpan } from './node';
import { ruleFor } from './rule';
import './rules/index';
import { formatShape, sizeOf, type Shape } from './shape';
import { accumulateIntoInputs } from './unbroadcast';

/** The largest tensor the engine will allocate; larger ones are reported, never attempted. */
export const MAX_ELEMENTS = 10_000_000;

/** Why a node could not be added: a message naming the shapes or sizes involved. */
export interface GraphError {
  readonly error: string;
}

export function isGraphError(x: GraphNode | GraphError): x is GraphError {
  return 'error' in x;
}

/** Message for a shape whose tensor would exceed MAX_ELEMENTS, or null. */
export function sizeLimitError(shape: Shape): string | null {
  const n = sizeOf(shape);
  if (Number.isFinite(n) && n <= MAX_ELEMENTS) return null;
  return `A tensor of shape ${formatShape(shape)} would hold ${n.toLocaleString('en-US')} elements, over the limit of ${MAX_ELEMENTS.toLocaleString('en-US')}`;
}

/**
 * A computational graph. Nodes are appended in the order they are built, and a node's inputs always
 * exist before it, so the append order is a topological order, fixed once: forward walks it up,
 * backward walks it down, and no pass ever sorts or allocates.
 */
export class Graph {
  readonly nodes: GraphNode[] = [];

  /** A leaf holding `values` (copied), e.g. a param. */
  leaf(role: Exclude<NodeRole, 'op'>, shape: Shape, values: ArrayLike<number>, span: SourceSpan): GraphNode | GraphError {
    const tooBig = sizeLimitError(shape);
    if (tooBig) return { error: tooBig };
    const node = new GraphNode(this.nodes.length, ruleFor('leaf'), role, [], shape, {}, span);
    node.value.set(values);
    this.nodes.push(node);
    return node;
  }

  /** Applies an op to existing nodes and computes its value at once, so later shape checks and initialisers can read it. */
  apply(op: string, inputs: readonly GraphNode[], attrs: OpAttrs, span: SourceSpan): GraphNode | GraphError {
    const rule = ruleFor(op);
    const shape = rule.inferShape(
      inputs.map((n) => n.shape),
      attrs,
    );
    if (typeof shape === 'string') return { error: shape };
    const tooBig = sizeLimitError(shape);
    if (tooBig) return { error: tooBig };
    const node = new GraphNode(this.nodes.length, rule, 'op', inputs, shape, attrs, span);
    this.nodes.push(node);
    rule.forward(node);
    return node;
  }

  /** Recomputes every op node from index `from` on (leaves keep their values). */
  forward(from = 0): void {
    const nodes = this.nodes;
    for (let i = from; i < nodes.length; i++) {
      const node = nodes[i];
      if (node.role === 'op') node.rule.forward(node);
    }
  }

  /**
   * Reverse-mode pass: afterwards every node's `grad` holds d(root)/d(node), or, with `seedIndex`,
   * d(root[seedIndex])/d(node) (one row of a Jacobian). Gradients are zeroed first, so running it
   * twice gives the same result, and each node passes its gradient on exactly once, after all of
   * its consumers (which come later in the order) have added theirs.
   */
  backward(root: GraphNode, seedIndex?: number): void {
    const nodes = this.nodes;
    // Plain loops: TypedArray.fill costs ~45 ns a call on these tiny buffers, a third of a step.
    for (let i = 0; i < nodes.length; i++) {
      const g = nodes[i].grad;
      for (let k = 0; k < g.length; k++) g[k] = 0;
    }
    if (seedIndex === undefined) {
      for (let k = 0; k < root.grad.length; k++) root.grad[k] = 1;
    } else root.grad[seedIndex] = 1;
    for (let i = root.id; i >= 0; i--) {
      const node = nodes[i];
      if (node.role !== 'op' || !node.requiresGrad) continue;
      node.rule.backward(node);
      accumulateIntoInputs(node);
    }
  }
}
