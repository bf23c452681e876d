import { Graph, isGraphError, sizeLimitError } from '../engine/graph';
import type { ScalarRef } from '../engine/jacobian';
import type { GraphNode, NodeRole, OpAttrs } from '../engine/node';
import { NumpyRandom } from '../engine/random';
import { formatShape, sizeOf, stridesOf, type Shape } from '../engine/shape';
import type {
  CallExpr,
  Declaration,
  DeclarationKind,
  Expr,
  GradcheckDirective,
  JacobianDirective,
  NameList,
  Program,
  Range,
  TrainDirective,
} from '../language/ast';
import { DiagnosticBag, type Diagnostic } from '../language/diagnostics';
import { LineMap } from '../language/lineMap';
import { closestWord, FUNCTIONS } from './functions';

// Lowers a parsed `.grad` file to a computational graph. Problems become diagnostics and compilation
// goes on, so one mistake does not hide the rest of the file (or the hovers on it).

/** A declared name and the graph node it denotes. */
export interface NamedNode {
  readonly name: string;
  readonly declKind: DeclarationKind;
  readonly node: GraphNode;
  readonly declaration: Declaration;
}

/** A source range and the node its expression evaluates to, for hovers and click-to-source. */
export interface ExprBinding {
  readonly range: Range;
  readonly node: GraphNode;
}

/** One row or column of a Jacobian: a scalar of the graph and its label (`y1`, `h[0]`, `W1[0,1]`). */
export interface LabelledScalar extends ScalarRef {
  readonly label: string;
}

/** A `jacobian` directive, resolved to scalars. */
export interface JacobianPlan {
  readonly directive: JacobianDirective;
  readonly of: readonly string[];
  readonly wrt: readonly string[];
  readonly rows: readonly LabelledScalar[];
  readonly columns: readonly LabelledScalar[];
}

/** A `gradcheck` directive with its options filled in. */
export interface GradcheckPlan {
  readonly directive: GradcheckDirective;
  readonly eps?: number;
  readonly atol?: number;
  readonly rtol?: number;
}

/** The optimizer and its hyperparameters, with PyTorch's defaults filled in. */
export type OptimizerConfig =
  | { readonly kind: 'sgd'; readonly lr: number; readonly momentum: number }
  | { readonly kind: 'adam'; readonly lr: number; readonly beta1: number; readonly beta2: number; readonly eps: number };

/** A `train` directive with its settings resolved. */
export interface TrainPlan {
  readonly directive: TrainDirective;
  readonly optimizer: OptimizerConfig;
  readonly steps: number;
  /** Log a line every this many steps. */
  readonly logEvery: number;
}

/** Everything the compiler learnt about a file. */
export interface CompiledProgram {
  readonly source: string;
  readonly lines: LineMap;
  readonly graph: Graph;
  readonly names: ReadonlyMap<string, NamedNode>;
  readonly loss: NamedNode | null;
  readonly params: readonly NamedNode[];
  readonly inputs: readonly NamedNode[];
  readonly bindings: readonly ExprBinding[];
  readonly jacobians: readonly JacobianPlan[];
  readonly gradcheck: GradcheckPlan | null;
  readonly train: TrainPlan | null;
  readonly diagnostics: Diagnostic[];
}

/** The most entries a `jacobian` directive may ask for. */
export const MAX_JACOBIAN_ENTRIES = 100_000;

const LEAF_ROLES: Partial<Record<DeclarationKind, Exclude<NodeRole, 'op'>>> = { input: 'input', target: 'target', param: 'param', const: 'const' };

const BINARY_OPS = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '^': 'pow', '@': 'matmul' } as const;

const OPTIMIZER_SETTINGS = {
  sgd: { lr: NaN, momentum: 0 },
  adam: { lr: NaN, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
} as const;

/**
 * Where an expression's nodes go: the main graph (with bindings for hovers), or a scratch graph for
 * a leaf's initialiser, which is evaluated once and then thrown away.
 */
interface Scope {
  readonly graph: Graph;
  readonly main: boolean;
}

class Compiler {
  readonly graph = new Graph();
  readonly names = new Map<string, NamedNode>();
  /** Names whose declaration failed: uses of them stay quiet instead of cascading. */
  readonly poisoned = new Set<string>();
  readonly bindings: ExprBinding[] = [];
  readonly bag = new DiagnosticBag();
  readonly rng = new NumpyRandom(0);
  readonly jacobians: JacobianPlan[] = [];
  readonly lines: LineMap;
  /** The first declaration of each name anywhere in the file, to tell "later" from "unknown". */
  readonly declaredAnywhere = new Map<string, Declaration>();
  loss: NamedNode | null = null;
  /** The first `loss` declaration, even one whose expression failed: a second `loss` is an error either way. */
  private firstLoss: Declaration | null = null;
  gradcheck: GradcheckPlan | null = null;
  train: TrainPlan | null = null;
  private readonly main: Scope = { graph: this.graph, main: true };

  constructor(readonly source: string, readonly program: Program) {
    this.lines = new LineMap(source);
    for (const s of program.statements) {
      if (s.kind === 'declaration' && !this.declaredAnywhere.has(s.name)) this.declaredAnywhere.set(s.name, s);
    }
  }

  lineOf(range: Range): number {
    return this.lines.positionAt(range.start).line + 1;
  }

  run(): CompiledProgram {
    for (const statement of this.program.statements) {
      switch (statement.kind) {
        case 'declaration':
          this.declare(statement);
          break;
        case 'seed': {
          const seed = this.integer(statement.value, 'The seed', 0, 2 ** 32 - 1);
          if (seed !== null) this.rng.seed(seed);
          break;
        }
        case 'jacobian':
          this.jacobian(statement);
          break;
        case 'gradcheck':
          this.gradcheckDirective(statement);
          break;
        case 'train':
          this.trainDirective(statement);
          break;
      }
    }
    this.finish();
    const all = [...this.names.values()];
    return {
      source: this.source,
      lines: this.lines,
      graph: this.graph,
      names: this.names,
      loss: this.loss,
      params: all.filter((n) => n.declKind === 'param'),
      inputs: all.filter((n) => n.declKind === 'input'),
      bindings: this.bindings,
      jacobians: this.jacobians,
      gradcheck: this.gradcheck,
      train: this.train,
      diagnostics: this.bag.items,
    };
  }

  // ---- declarations ----

  private declare(d: Declaration): void {
    if (d.declKind === 'loss') {
      if (this.firstLoss) {
        this.bag.error(
          'second-loss',
          `A file has one loss: '${d.name}' would be a second one (the loss is '${this.firstLoss.name}', line ${this.lineOf(this.firstLoss.nameRange)})`,
          d.keywordRange,
        );
        return;
      }
      this.firstLoss = d;
    }
    const existing = this.names.get(d.name);
    if (existing || this.poisoned.has(d.name)) {
      const first = existing?.declaration ?? this.declaredAnywhere.get(d.name)!;
      this.bag.error('duplicate-name', `'${d.name}' is already defined on line ${this.lineOf(first.nameRange)}`, d.nameRange);
      return;
    }
    if (FUNCTIONS.has(d.name)) {
      this.bag.error('name-is-function', `'${d.name}' is a built-in function and cannot be used as a name`, d.nameRange);
      this.poisoned.add(d.name);
      return;
    }
    const leafRole = LEAF_ROLES[d.declKind];
    let node: GraphNode | null;
    if (leafRole) {
      // A leaf's expression runs once, now, in a scratch graph; only its value is kept.
      const scratch: Scope = { graph: new Graph(), main: false };
      const init = this.expr(d.value, scratch);
      node = init ? this.check(this.graph.leaf(leafRole, init.shape, init.value, d.range), d.value.range) : null;
      if (node) this.bindings.push({ range: d.value.range, node });
      // Initialisers are not in the graph, so the run-time NaN check cannot see them: check here.
      if (node && node.value.some((v) => !Number.isFinite(v))) {
        this.bag.warning('non-finite', `The initial value of '${d.name}' contains NaN or Inf`, d.value.range);
      }
    } else {
      const before = this.graph.nodes.length;
      node = this.expr(d.value, this.main);
      // A name must own its node: `h = x` or `h = a1` gets an identity node of its own.
      if (node && (node.name !== null || node.id < before)) node = this.apply('identity', [node], {}, d.value.range);
    }
    if (!node) {
      this.poisoned.add(d.name);
      return;
    }
    node.name = d.name;
    const named: NamedNode = { name: d.name, declKind: d.declKind, node, declaration: d };
    this.names.set(d.name, named);
    this.bindings.push({ range: d.nameRange, node });
    if (d.declKind === 'loss') this.declareLoss(named);
  }

  private declareLoss(named: NamedNode): void {
    const d = named.declaration;
    if (named.node.size !== 1) {
      this.bag.error('loss-not-scalar', `The loss must be a scalar, but '${named.name}' has shape ${formatShape(named.node.shape)}`, d.value.range);
      return;
    }
    this.loss = named;
  }

  // ---- expressions ----

  private expr(e: Expr, scope: Scope): GraphNode | null {
    const node = this.exprInner(e, scope);
    if (node && scope.main) this.bindings.push({ range: e.range, node });
    return node;
  }

  private exprInner(e: Expr, scope: Scope): GraphNode | null {
    switch (e.kind) {
      case 'missing':
        return null; // the parser has reported it
      case 'number':
        return this.constant([], [e.value], e.range, scope);
      case 'name':
        return this.nameRef(e.name, e.range, scope);
      case 'paren':
        return this.expr(e.inner, scope);
      case 'unary':
        // A negative literal is a number, not a negation node in the graph.
        if (e.operand.kind === 'number') return this.constant([], [-e.operand.value], e.range, scope);
        return this.unaryOp(e.operand, scope, e.range);
      case 'binary': {
        const left = this.expr(e.left, scope);
        const right = this.expr(e.right, scope);
        if (!left || !right) return null;
        return this.apply(BINARY_OPS[e.op], [left, right], {}, e.range, scope);
      }
      case 'list':
        return this.list(e.items, e.range, scope);
      case 'call':
        return this.call(e, scope);
      case 'index':
        return this.index(e.target, e.indices, e.range, scope);
      case 'transpose': {
        const target = this.expr(e.target, scope);
        return target && this.apply('transpose', [target], {}, e.range, scope);
      }
    }
  }

  private unaryOp(operand: Expr, scope: Scope, range: Range): GraphNode | null {
    const x = this.expr(operand, scope);
    return x && this.apply('neg', [x], {}, range, scope);
  }

  private nameRef(name: string, range: Range, scope: Scope): GraphNode | null {
    const named = this.names.get(name);
    if (named) {
      if (scope.main) return named.node;
      // An initialiser reads the current value of a name, as a constant.
      return this.constant(named.node.shape, named.node.value, range, scope);
    }
    if (this.poisoned.has(name)) return null;
    const later = this.declaredAnywhere.get(name);
    if (later && later.range.start > range.start) {
      this.bag.error('used-before-defined', `'${name}' is used before it is defined (on line ${this.lineOf(later.nameRange)})`, range);
    } else if (FUNCTIONS.has(name)) {
      this.bag.error('function-as-name', `'${name}' is a function: call it as ${name}(...)`, range);
    } else {
      const hint = closestWord(name, this.names.keys());
      this.bag.error('unknown-name', `Unknown name '${name}'${hint ? `. Did you mean '${hint}'?` : ''}`, range);
    }
    return null;
  }

  private constant(shape: Shape, values: ArrayLike<number>, range: Range, scope: Scope): GraphNode | null {
    return this.check(scope.graph.leaf('const', shape, values, range), range);
  }

  private apply(op: string, inputs: GraphNode[], attrs: OpAttrs, range: Range, scope: Scope = this.main): GraphNode | null {
    return this.check(scope.graph.apply(op, inputs, attrs, range), range);
  }

  private check(result: GraphNode | { error: string }, range: Range): GraphNode | null {
    if (isGraphError(result)) {
      this.bag.error('shape', result.error, range);
      return null;
    }
    return result;
  }

  private list(items: readonly Expr[], range: Range, scope: Scope): GraphNode | null {
    const literal = numericList(items);
    if (literal !== null) {
      if (typeof literal === 'string') {
        this.bag.error('ragged-list', literal, range);
        return null;
      }
      return this.constant(literal.shape, literal.values, range, scope);
    }
    const nodes: GraphNode[] = [];
    for (const item of items) {
      const node = this.expr(item, scope);
      if (!node) return null;
      nodes.push(node);
    }
    return this.apply('stack', nodes, {}, range, scope);
  }

  private index(targetExpr: Expr, indexExprs: readonly Expr[], range: Range, scope: Scope): GraphNode | null {
    const target = this.expr(targetExpr, scope);
    if (!target) return null;
    const shape = target.shape;
    if (indexExprs.length > shape.length) {
      this.bag.error('index', `Too many indices: ${indexExprs.length} for ${describe(target)} of shape ${formatShape(shape)}`, range);
      return null;
    }
    const strides = stridesOf(shape);
    let offset = 0;
    for (let axis = 0; axis < indexExprs.length; axis++) {
      const i = this.integer(indexExprs[axis], 'An index', -Infinity, Infinity);
      if (i === null) return null;
      const resolved = i < 0 ? i + shape[axis] : i;
      if (resolved < 0 || resolved >= shape[axis]) {
        this.bag.error('index', `Index ${i} is out of range for axis ${axis} of ${describe(target)} with shape ${formatShape(shape)}`, indexExprs[axis].range);
        return null;
      }
      offset += resolved * strides[axis];
    }
    return this.apply('index', [target], { offset, shape: shape.slice(indexExprs.length) }, range, scope);
  }

  // ---- calls ----

  private call(c: CallExpr, scope: Scope): GraphNode | null {
    const spec = FUNCTIONS.get(c.callee);
    if (!spec) {
      const hint = closestWord(c.callee, FUNCTIONS.keys());
      this.bag.error('unknown-function', `Unknown function '${c.callee}'${hint ? `. Did you mean '${hint}'?` : ''}`, c.calleeRange);
      return null;
    }
    for (const arg of c.namedArgs) {
      if (!spec.named.includes(arg.name)) {
        const takes = spec.named.length ? `; it takes ${spec.named.map((n) => `'${n}'`).join(', ')}` : '';
        this.bag.error('unknown-argument', `${c.callee} has no argument '${arg.name}'${takes}`, arg.nameRange);
        return null;
      }
    }
    const named = (name: string) => c.namedArgs.find((a) => a.name === name)?.value;
    const positional = c.args.length;
    const positionalOf = (count: number) => (count === 1 ? '1 argument' : `${count} arguments`);
    if (positional < spec.minArgs || positional > spec.maxArgs) {
      const expected = spec.maxArgs === Infinity ? `at least ${positionalOf(spec.minArgs)}` : spec.minArgs === spec.maxArgs ? positionalOf(spec.minArgs) : `${spec.minArgs} to ${spec.maxArgs} arguments`;
      this.bag.error('argument-count', `${spec.signature} takes ${expected}, got ${positional}`, c.range);
      return null;
    }
    if (spec.kind === 'initializer') return this.initializer(c, scope);

    switch (c.callee) {
      case 'leaky_relu': {
        const x = this.expr(c.args[0], scope);
        const alphaExpr = c.args[1] ?? named('alpha');
        const alpha = alphaExpr ? this.number(alphaExpr, 'alpha') : 0.01;
        return x && alpha !== null ? this.apply('leaky_relu', [x], { alpha }, c.range, scope) : null;
      }
      case 'sum':
      case 'mean':
      case 'max': {
        const x = this.expr(c.args[0], scope);
        if (!x) return null;
        const axisExpr = c.args[1] ?? named('axis');
        if (!axisExpr) return this.apply(c.callee, [x], { axis: null }, c.range, scope);
        const axis = this.integer(axisExpr, 'axis', -x.shape.length, Math.max(0, x.shape.length - 1));
        if (axis === null) return null;
        return this.apply(c.callee, [x], { axis: axis < 0 ? axis + x.shape.length : axis }, c.range, scope);
      }
      case 'reshape': {
        const x = this.expr(c.args[0], scope);
        const dims = this.dimensions(c.args.slice(1), true);
        if (!x || !dims) return null;
        const unknown = dims.indexOf(-1);
        if (unknown >= 0) {
          const known = dims.reduce((p, d) => (d === -1 ? p : p * d), 1);
          if (known === 0 || x.size % known !== 0) {
            this.bag.error('shape', `Cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(dims)}`, c.range);
            return null;
          }
          dims[unknown] = x.size / known;
        }
        return this.apply('reshape', [x], { shape: dims }, c.range, scope);
      }
      case 'cross_entropy': {
        const logits = this.expr(c.args[0], scope);
        const labels = this.expr(c.args[1], scope);
        if (!logits || !labels) return null;
        const classes = logits.shape[logits.shape.length - 1];
        if (labels.role !== 'op' && logits.shape.length > 0) {
          const bad = Array.from(labels.value).find((l) => !Number.isInteger(l) || l < 0 || l >= classes);
          if (bad !== undefined) {
            this.bag.error('labels', `cross_entropy labels must be class indices 0 to ${classes - 1}, got ${bad}`, c.args[1].range);
            return null;
          }
        }
        return this.apply('cross_entropy', [logits, labels], {}, c.range, scope);
      }
      default: {
        const inputs: GraphNode[] = [];
        for (const arg of c.args) {
          const node = this.expr(arg, scope);
          if (!node) return null;
          inputs.push(node);
        }
        return this.apply(c.callee, inputs, {}, c.range, scope);
      }
    }
  }

  private initializer(c: CallExpr, scope: Scope): GraphNode | null {
    let fill = 0;
    let dimArgs = c.args;
    if (c.callee === 'full') {
      const value = this.number(c.args[0], 'The fill value');
      if (value === null) return null;
      fill = value;
      dimArgs = c.args.slice(1);
    }
    const dims = this.dimensions(dimArgs, false);
    if (!dims) return null;
    const shape = c.callee === 'eye' ? [dims[0], dims[0]] : dims;
    const tooBig = sizeLimitError(shape);
    if (tooBig) {
      this.bag.error('too-large', tooBig, c.range);
      return null;
    }
    const values = new Float64Array(sizeOf(shape));
    switch (c.callee) {
      case 'randn':
        this.rng.fillRandn(values);
        break;
      case 'rand':
        this.rng.fillRand(values);
        break;
      case 'ones':
        values.fill(1);
        break;
      case 'full':
        values.fill(fill);
        break;
      case 'eye':
        for (let i = 0; i < dims[0]; i++) values[i * dims[0] + i] = 1;
        break;
    }
    return this.constant(shape, values, c.range, scope);
  }

  // ---- constants ----

  /** A compile-time number: the expression is evaluated in a scratch graph and must be a scalar. */
  private number(e: Expr, what: string): number | null {
    const node = this.expr(e, { graph: new Graph(), main: false });
    if (!node) return null;
    if (node.size !== 1) {
      this.bag.error('not-a-number', `${what} must be a single number, got shape ${formatShape(node.shape)}`, e.range);
      return null;
    }
    return node.value[0];
  }

  private integer(e: Expr, what: string, min: number, max: number): number | null {
    const v = this.number(e, what);
    if (v === null) return null;
    if (!Number.isInteger(v) || v < min || v > max) {
      const bounds = min === -Infinity ? '' : max === Infinity ? ` of at least ${min}` : ` from ${min} to ${max}`;
      this.bag.error('not-an-integer', `${what} must be an integer${bounds}, got ${v}`, e.range);
      return null;
    }
    return v;
  }

  private dimensions(args: readonly Expr[], allowInferred: boolean): number[] | null {
    const dims: number[] = [];
    for (const arg of args) {
      const d = this.integer(arg, 'A dimension', allowInferred ? -1 : 0, Number.MAX_SAFE_INTEGER);
      if (d === null) return null;
      if (d === -1 && dims.includes(-1)) {
        this.bag.error('shape', 'Only one dimension can be -1', arg.range);
        return null;
      }
      dims.push(d);
    }
    return dims;
  }

  // ---- directives ----

  private jacobian(j: JacobianDirective): void {
    const of = this.scalars(j.of, false);
    const wrt = this.scalars(j.wrt, true);
    if (!of || !wrt) return;
    // Each column costs two forward passes and each row a backward pass; past this it is a stall, not a tool.
    if (of.length * wrt.length > MAX_JACOBIAN_ENTRIES) {
      this.bag.error(
        'too-large',
        `A Jacobian of ${of.length.toLocaleString('en-US')} × ${wrt.length.toLocaleString('en-US')} entries is over the limit of ${MAX_JACOBIAN_ENTRIES.toLocaleString('en-US')}; take it of fewer outputs or with respect to fewer inputs`,
        j.range,
      );
      return;
    }
    this.jacobians.push({ directive: j, of: j.of.names.map((n) => n.name), wrt: j.wrt.names.map((n) => n.name), rows: of, columns: wrt });
  }

  private scalars(list: NameList, differentiating: boolean): LabelledScalar[] | null {
    const out: LabelledScalar[] = [];
    let ok = true;
    for (const ref of list.names) {
      const named = this.names.get(ref.name);
      if (!named) {
        if (!this.poisoned.has(ref.name)) {
          const later = this.declaredAnywhere.get(ref.name);
          this.bag.error(
            later ? 'used-before-defined' : 'unknown-name',
            later ? `'${ref.name}' is used before it is defined (on line ${this.lineOf(later.nameRange)})` : `jacobian: unknown name '${ref.name}'`,
            ref.range,
          );
        }
        ok = false;
        continue;
      }
      if (differentiating && !named.node.requiresGrad) {
        this.bag.error('no-gradient', `'${ref.name}' is a ${named.declKind === 'node' ? 'node computed only from targets and consts' : named.declKind}: it carries no gradient. Differentiate with respect to inputs, params or nodes computed from them`, ref.range);
        ok = false;
        continue;
      }
      const node = named.node;
      for (let i = 0; i < node.size; i++) out.push({ node, index: i, label: elementLabel(ref.name, node.shape, i) });
    }
    return ok ? out : null;
  }

  private gradcheckDirective(g: GradcheckDirective): void {
    if (this.gradcheck) {
      this.bag.error('duplicate-directive', `A file has one gradcheck (the first is on line ${this.lineOf(this.gradcheck.directive.range)})`, g.range);
      return;
    }
    const options: { eps?: number; atol?: number; rtol?: number } = {};
    for (const option of g.options) {
      if (option.name !== 'eps' && option.name !== 'atol' && option.name !== 'rtol') {
        this.bag.error('unknown-argument', `gradcheck has no option '${option.name}'; it takes eps, atol and rtol`, option.nameRange);
        continue;
      }
      const v = this.number(option.value, option.name);
      if (v === null) continue;
      if (!(v > 0) && !(option.name !== 'eps' && v === 0)) {
        this.bag.error('bad-option', `gradcheck ${option.name} must be ${option.name === 'eps' ? 'positive' : 'zero or positive'}, got ${v}`, option.value.range);
        continue;
      }
      options[option.name] = v;
    }
    this.gradcheck = { directive: g, ...options };
  }

  private trainDirective(t: TrainDirective): void {
    if (this.train) {
      this.bag.error('duplicate-directive', `A file has one train directive (the first is on line ${this.lineOf(this.train.directive.range)})`, t.range);
      return;
    }
    const steps = this.integer(t.steps, 'steps', 1, 10_000_000);
    const logEvery = t.logEvery ? this.integer(t.logEvery, 'log every', 1, Number.MAX_SAFE_INTEGER) : null;
    const optimizer = this.optimizer(t.optimizer);
    if (steps === null || (t.logEvery && logEvery === null) || !optimizer) return;
    // Without `log every`, about ten lines of log.
    this.train = { directive: t, optimizer, steps, logEvery: logEvery ?? Math.max(1, Math.round(steps / 10)) };
  }

  private optimizer(call: TrainDirective['optimizer']): OptimizerConfig | null {
    if (call.kind === 'missing') return null;
    const kind = call.callee;
    if (kind !== 'sgd' && kind !== 'adam') {
      const hint = closestWord(kind, ['sgd', 'adam']);
      this.bag.error('unknown-optimizer', `Unknown optimizer '${kind}': use sgd or adam${hint ? ` (did you mean '${hint}'?)` : ''}`, call.calleeRange);
      return null;
    }
    if (call.args.length > 0) {
      this.bag.error('positional-setting', `Give ${kind}'s settings by name, e.g. ${kind}(lr=0.01)`, call.args[0].range);
      return null;
    }
    const settings: Record<string, number> = { ...OPTIMIZER_SETTINGS[kind] };
    for (const arg of call.namedArgs) {
      if (!(arg.name in settings)) {
        this.bag.error('unknown-argument', `${kind} has no setting '${arg.name}'; it takes ${Object.keys(settings).join(', ')}`, arg.nameRange);
        return null;
      }
      const v = this.number(arg.value, arg.name);
      if (v === null) return null;
      const fraction = arg.name === 'momentum' || arg.name === 'beta1' || arg.name === 'beta2';
      if (fraction ? !(v >= 0 && v < 1) : !(v > 0)) {
        this.bag.error('bad-option', `${kind} ${arg.name} must be ${fraction ? 'in [0, 1)' : 'positive'}, got ${v}`, arg.value.range);
        return null;
      }
      settings[arg.name] = v;
    }
    // No default learning rate: it is the one setting every run should choose on purpose.
    if (Number.isNaN(settings.lr)) {
      this.bag.error('missing-setting', `${kind} needs a learning rate, e.g. ${kind}(lr=${kind === 'sgd' ? '0.01' : '0.001'})`, call.range);
      return null;
    }
    return { kind, ...settings } as OptimizerConfig;
  }

  // ---- whole-file checks ----

  private finish(): void {
    const needLoss = (range: Range, what: string) =>
      this.bag.error('no-loss', `${what} needs a loss: declare one with 'loss NAME = ...'`, range);
    if (!this.loss) {
      // A loss that is declared but failed to compile has its own error; saying "declare one" would mislead.
      if (this.firstLoss) return;
      if (this.gradcheck) needLoss(this.gradcheck.directive.range, 'gradcheck');
      if (this.train) needLoss(this.train.directive.range, 'train');
      return;
    }
    const upstream = upstreamOf(this.loss.node);
    const params = [...this.names.values()].filter((n) => n.declKind === 'param');
    if (this.train && params.length === 0) {
      this.bag.error('no-params', "train has nothing to train: declare weights with 'param NAME = ...'", this.train.directive.range);
    }
    for (const p of params) {
      if (!upstream.has(p.node)) {
        this.bag.warning('unused-param', `'${p.name}' does not affect the loss '${this.loss.name}': its gradient is always 0`, p.declaration.nameRange);
      }
    }
  }
}

/** Every node the given node depends on, itself included. */
export function upstreamOf(root: GraphNode): Set<GraphNode> {
  const seen = new Set<GraphNode>();
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...n.inputs);
  }
  return seen;
}

/** `W1[0,1]` for element 1 of a [2, 2] tensor; the bare name for a scalar. */
export function elementLabel(name: string, shape: Shape, flatIndex: number): string {
  if (shape.length === 0) return name;
  const strides = stridesOf(shape);
  const parts = strides.map((s, axis) => Math.floor(flatIndex / s) % shape[axis]);
  return `${name}[${parts.join(',')}]`;
}

function describe(node: GraphNode): string {
  return node.name ? `'${node.name}'` : 'the value';
}

/**
 * A list made only of numbers (and negated numbers, and nested lists of them) is a constant tensor.
 * Returns null if some item is an expression, or a message if the nesting is ragged.
 */
function numericList(items: readonly Expr[]): { shape: number[]; values: number[] } | string | null {
  const literal = (e: Expr): number | null => {
    if (e.kind === 'number') return e.value;
    if (e.kind === 'unary' && e.operand.kind === 'number') return -e.operand.value;
    if (e.kind === 'paren') return literal(e.inner);
    return null;
  };
  if (items.length === 0) return { shape: [0], values: [] };
  if (items.every((e) => e.kind === 'list')) {
    const rows = items.map((e) => numericList((e as { items: readonly Expr[] }).items));
    if (rows.some((r) => r === null)) return null;
    const bad = rows.find((r) => typeof r === 'string');
    if (bad) return bad;
    const first = rows[0] as { shape: number[]; values: number[] };
    for (let i = 1; i < rows.length; i++) {
      const row = rows[i] as { shape: number[] };
      if (formatShape(row.shape) !== formatShape(first.shape)) {
        return `Ragged list: row 1 has shape ${formatShape(first.shape)} but row ${i + 1} has shape ${formatShape(row.shape)}`;
      }
    }
    return { shape: [rows.length, ...first.shape], values: rows.flatMap((r) => (r as { values: number[] }).values) };
  }
  const values = items.map(literal);
  if (values.some((v) => v === null)) return null;
  return { shape: [items.length], values: values as number[] };
}

/** Compiles a parsed program; never throws for any tree the parser returns. */
export function compile(source: string, program: Program): CompiledProgram {
  return new Compiler(source, program).run();
}
