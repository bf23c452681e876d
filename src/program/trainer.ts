import { Adam, Sgd, type Optimizer } from '../engine/optimizers';
import type { Expr } from '../language/ast';
import type { CompiledProgram, NamedNode, TrainPlan } from './compile';

/** One line of the training log: the loss before step `step`'s update and the watched nodes then. */
export interface TrainingLogEntry {
  /** 1-based step number, as the recap prints `Iteration  100`. */
  readonly step: number;
  readonly loss: number;
  readonly watched: Readonly<Record<string, number>>;
}

/**
 * Runs gradient descent on a compiled program, one step at a time so that a caller (the CLI, the
 * training worker with its Pause and Step buttons) decides when to stop. A step reuses the graph's
 * buffers: forward, record the loss, backward, update, with no allocation.
 */
export class Trainer {
  /** The loss before each step's update: the first entry is the initial loss. */
  readonly losses: number[] = [];
  readonly log: TrainingLogEntry[] = [];
  /** The scalar named nodes the loss reads directly (targets aside): the recap's `y_hat`. */
  readonly watched: readonly NamedNode[];
  private optimizer: Optimizer;
  private readonly initialParams: Float64Array[];

  constructor(readonly program: CompiledProgram, readonly plan: TrainPlan) {
    if (!program.loss) throw new Error('Trainer needs a program with a loss');
    this.watched = watchedNodes(program);
    this.initialParams = program.params.map((p) => Float64Array.from(p.node.value));
    this.optimizer = this.makeOptimizer();
  }

  get stepCount(): number {
    return this.losses.length;
  }

  get done(): boolean {
    return this.losses.length >= this.plan.steps;
  }

  /** One step of training; returns the loss before the update. */
  step(): number {
    const { graph } = this.program;
    const loss = this.program.loss!.node;
    graph.forward(0);
    const value = loss.value[0];
    this.losses.push(value);
    const n = this.losses.length;
    if (n % this.plan.logEvery === 0 || n === this.plan.steps) {
      const watched: Record<string, number> = {};
      for (const w of this.watched) watched[w.name] = w.node.value[0];
      this.log.push({ step: n, loss: value, watched });
    }
    graph.backward(loss);
    this.optimizer.step();
    return value;
  }

  /** Runs up to `count` steps or until the plan's step count; stops early if the loss stops being finite. */
  run(count = this.plan.steps - this.stepCount): void {
    for (let i = 0; i < count && !this.done; i++) {
      if (!Number.isFinite(this.step())) break;
    }
  }

  /** True once a step has produced NaN or Inf: going on would only spread it. */
  get diverged(): boolean {
    return this.losses.length > 0 && !Number.isFinite(this.losses[this.losses.length - 1]);
  }

  /** Back to the initial parameters and a fresh optimizer state. */
  reset(): void {
    this.program.params.forEach((p, i) => p.node.value.set(this.initialParams[i]));
    this.losses.length = 0;
    this.log.length = 0;
    this.optimizer = this.makeOptimizer();
    this.program.graph.forward(0);
  }

  /** Forward and backward at the current parameters, so values and gradients describe them. */
  settle(): void {
    this.program.graph.forward(0);
    this.program.graph.backward(this.program.loss!.node);
  }

  private makeOptimizer(): Optimizer {
    const params = this.program.params.map((p) => p.node);
    const o = this.plan.optimizer;
    return o.kind === 'sgd' ? new Sgd(params, o.lr, o.momentum) : new Adam(params, o.lr, o.beta1, o.beta2, o.eps);
  }
}

/** Named scalar nodes that appear in the loss's own expression, targets and consts aside. */
export function watchedNodes(program: CompiledProgram): NamedNode[] {
  if (!program.loss) return [];
  const seen: NamedNode[] = [];
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'name': {
        const named = program.names.get(e.name);
        if (named && named.node.size === 1 && named.declKind !== 'target' && named.declKind !== 'const' && !seen.includes(named)) seen.push(named);
        return;
      }
      case 'unary':
        return visit(e.operand);
      case 'binary':
        visit(e.left);
        return visit(e.right);
      case 'paren':
        return visit(e.inner);
      case 'list':
        return e.items.forEach(visit);
      case 'call':
        e.args.forEach(visit);
        return e.namedArgs.forEach((a) => visit(a.value));
      case 'index':
        return visit(e.target);
      case 'transpose':
        return visit(e.target);
      default:
        return;
    }
  };
  visit(program.loss.declaration.value);
  return seen;
}
