import type { GraphNode, OpAttrs } from './node';
import type { Shape } from './shape';

/**
 * The one form every operation takes: its shape rule, its forward computation and its gradient
 * rule, side by side. A rule never thinks about broadcasting: for ops with `broadcasts`, it writes
 * gradients in the output's shape and `unbroadcast` sums them back to each input's shape.
 */
export interface OpRule {
  /** The op's name, as shown in the graph and in messages: `matmul`, `tanh`. */
  readonly op: string;
  /** Elementwise op whose inputs broadcast against each other with numpy's rules. */
  readonly broadcasts: boolean;
  /** Output shape for these input shapes, or a message naming the shapes when they do not fit. */
  inferShape(inputs: readonly Shape[], attrs: OpAttrs): Shape | string;
  /** Whether a gradient flows into input `i` (false for class labels, for instance). */
  differentiable(i: number): boolean;
  /** Size of `node.aux` this rule needs, if any. */
  auxSize?(node: GraphNode): number;
  /** Computes `node.value` from the inputs' values. */
  forward(node: GraphNode): void;
  /** From `node.grad`, writes d(root)/d(input i) into each non-null `node.partials[i]`. */
  backward(node: GraphNode): void;
}

const registry = new Map<string, OpRule>();

/** Adds a rule; a second rule for the same op is a programming error, caught at load time. */
export function registerRule(rule: OpRule): OpRule {
  if (registry.has(rule.op)) throw new Error(`Gradscope: a gradient rule for '${rule.op}' is already registered`);
  registry.set(rule.op, rule);
  return rule;
}

/** The rule for an op; a missing one fails loudly, naming the op. */
export function ruleFor(op: string): OpRule {
  const rule = registry.get(op);
  if (!rule) throw new Error(`Gradscope: no gradient rule registered for op '${op}'`);
  return rule;
}

/** Every registered rule, for the table-driven gradient test and the docs. */
export function allRules(): OpRule[] {
  return [...registry.values()];
}
