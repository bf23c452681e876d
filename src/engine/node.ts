import { broadcastIndexMap, sizeOf, type Shape } from './shape';
import type { OpRule } from './rule';

/** A half-open span of source text; the same positions as the language layer's `Range`. */
export interface SourceSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * What a node is: a leaf the user declared (`input`, `param`, `target`, `const`) or the result of
 * an operation (`op`). Only inputs and params seed gradients; targets and consts never carry one.
 */
export type NodeRole = 'input' | 'param' | 'target' | 'const' | 'op';

/** Per-op settings fixed when the graph is built (the axis of a sum, the slice of an index...). */
export interface OpAttrs {
  /** Reduction axis (non-negative), or null for the whole tensor. */
  readonly axis?: number | null;
  /** leaky_relu's negative slope. */
  readonly alpha?: number;
  /** Index: flat offset of the selected block in the input. */
  readonly offset?: number;
  /** Index and reshape: the output shape, resolved when the graph is built. */
  readonly shape?: Shape;
}

/**
 * One tensor in the computational graph. Its buffers are allocated once, when the graph is built,
 * and re-used by every forward and backward pass: training never allocates.
 */
export class GraphNode {
  readonly size: number;
  /** The forward value, row-major. */
  readonly value: Float64Array;
  /** d(root)/d(this node) after a backward pass from `root`. */
  readonly grad: Float64Array;
  /**
   * For each input, the map from this node's flat indices to the input's, when an elementwise op
   * broadcasts it; null when shapes match. Built once; used by forward loops and by `unbroadcast`.
   */
  readonly broadcast: (Int32Array | null)[];
  /**
   * For each input, the buffer its rule writes d(root)/d(input) into: shaped like this node for
   * broadcasting ops (then summed back by `unbroadcast`), like the input otherwise. Null where the
   * input needs no gradient.
   */
  readonly partials: (Float64Array | null)[];
  /** Scratch that a rule keeps between forward and backward (softmax rows, argmax positions). */
  readonly aux: Float64Array | null;
  /** True when some input or param lies upstream, so gradients must flow through this node. */
  readonly requiresGrad: boolean;
  /** The user's name for this node, when a declaration names it. */
  name: string | null = null;

  constructor(
    /** Position in the graph's topological order. */
    readonly id: number,
    readonly rule: OpRule,
    readonly role: NodeRole,
    readonly inputs: readonly GraphNode[],
    readonly shape: Shape,
    readonly attrs: OpAttrs,
    /** The source text that made this node, named or not. */
    readonly span: SourceSpan,
  ) {
    this.size = sizeOf(shape);
    this.value = new Float64Array(this.size);
    this.grad = new Float64Array(this.size);
    this.requiresGrad = role === 'input' || role === 'param' || (role === 'op' && inputs.some((n, i) => n.requiresGrad && rule.differentiable(i)));
    this.broadcast = inputs.map((input) => (rule.broadcasts ? broadcastIndexMap(input.shape, shape) : null));
    this.partials = inputs.map((input, i) => {
      if (!input.requiresGrad || !rule.differentiable(i)) return null;
      return new Float64Array(rule.broadcasts ? this.size : input.size);
    });
    const auxSize = rule.auxSize?.(this) ?? 0;
    this.aux = auxSize > 0 ? new Float64Array(auxSize) : null;
  }

  /** `W1`, or the op name for unnamed nodes, for messages. */
  get label(): string {
    return this.name ?? this.rule.op;
  }
}
