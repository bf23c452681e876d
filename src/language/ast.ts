// The syntax tree of a `.grad` file. Every node carries its source range so that
// diagnostics, hovers and the graph's click-to-source all speak the same positions.

/** A half-open span of the source text, in UTF-16 code units (as VS Code's offsets). */
export interface Range {
  readonly start: number;
  readonly end: number;
}

/** A number literal: `1`, `0.5`, `.5`, `1e-3`. */
export interface NumberLiteral {
  readonly kind: 'number';
  readonly range: Range;
  readonly value: number;
}

/** A reference to a name: `W1`, `y_hat`. */
export interface NameRef {
  readonly kind: 'name';
  readonly range: Range;
  readonly name: string;
}

/** A bracketed list: `[0.5, -0.3]`, `[[2, 1], [1, 3]]`, `[h1, h2, h3]`. */
export interface ListLiteral {
  readonly kind: 'list';
  readonly range: Range;
  readonly items: readonly Expr[];
}

/** `-x`. `^` binds tighter, so `-x^2` is `-(x^2)`. */
export interface UnaryExpr {
  readonly kind: 'unary';
  readonly range: Range;
  readonly op: '-';
  /** Range of the operator token alone, for hovers on the operator. */
  readonly opRange: Range;
  readonly operand: Expr;
}

/** The binary operators, loosest to tightest: `+ -`, `* / @`, `^` (right-associative). */
export type BinaryOp = '+' | '-' | '*' | '/' | '@' | '^';

/** `a OP b`. */
export interface BinaryExpr {
  readonly kind: 'binary';
  readonly range: Range;
  readonly op: BinaryOp;
  readonly opRange: Range;
  readonly left: Expr;
  readonly right: Expr;
}

/** A keyword argument inside a call: `lr=0.01`, `axis=1`. */
export interface NamedArg {
  readonly kind: 'namedArg';
  readonly range: Range;
  readonly name: string;
  readonly nameRange: Range;
  readonly value: Expr;
}

/** A function call: `tanh(x)`, `randn(2, 2)`, `sum(x, axis=0)`. */
export interface CallExpr {
  readonly kind: 'call';
  readonly range: Range;
  readonly callee: string;
  readonly calleeRange: Range;
  /** Positional arguments, in order. */
  readonly args: readonly Expr[];
  /** Keyword arguments, in source order. */
  readonly namedArgs: readonly NamedArg[];
}

/** Indexing: `x[0]`, `W[1, 0]`. Indices are expressions that must evaluate to integers. */
export interface IndexExpr {
  readonly kind: 'index';
  readonly range: Range;
  readonly target: Expr;
  readonly indices: readonly Expr[];
}

/** Postfix transpose: `W.T`. */
export interface TransposeExpr {
  readonly kind: 'transpose';
  readonly range: Range;
  readonly target: Expr;
}

/** `( expr )`: kept so a hover on the parentheses finds the inner node with the outer range. */
export interface ParenExpr {
  readonly kind: 'paren';
  readonly range: Range;
  readonly inner: Expr;
}

/** A placeholder where an expression was expected but missing or malformed; later stages skip it. */
export interface MissingExpr {
  readonly kind: 'missing';
  readonly range: Range;
}

/** Any expression. */
export type Expr =
  | NumberLiteral
  | NameRef
  | ListLiteral
  | UnaryExpr
  | BinaryExpr
  | CallExpr
  | IndexExpr
  | TransposeExpr
  | ParenExpr
  | MissingExpr;

/** How a declared name takes part in the graph. `node` is a plain `NAME = EXPR`. */
export type DeclarationKind = 'input' | 'target' | 'param' | 'const' | 'node' | 'loss';

/** `input x = ...`, `param W = ...`, `h = ...`, `loss L = ...`. */
export interface Declaration {
  readonly kind: 'declaration';
  readonly range: Range;
  readonly declKind: DeclarationKind;
  /** Range of the leading keyword (`param`), or of the name for a plain `node`. */
  readonly keywordRange: Range;
  readonly name: string;
  readonly nameRange: Range;
  readonly value: Expr;
}

/** `seed 42`. */
export interface SeedDirective {
  readonly kind: 'seed';
  readonly range: Range;
  readonly value: Expr;
}

/** One side of a `jacobian`: a single name or a bracketed list of names. */
export interface NameList {
  readonly range: Range;
  /** True for `[a, b]`, false for a bare `a`. */
  readonly bracketed: boolean;
  readonly names: readonly NameRef[];
}

/** `jacobian [y1, y2] wrt [x1, x2]`. */
export interface JacobianDirective {
  readonly kind: 'jacobian';
  readonly range: Range;
  readonly of: NameList;
  readonly wrt: NameList;
}

/** `gradcheck eps=1e-6 atol=1e-5 rtol=1e-3` (all options optional). */
export interface GradcheckDirective {
  readonly kind: 'gradcheck';
  readonly range: Range;
  readonly options: readonly NamedArg[];
}

/** `train sgd(lr=0.01) steps 1000 log every 100`. */
export interface TrainDirective {
  readonly kind: 'train';
  readonly range: Range;
  /** The optimizer call, e.g. `sgd(lr=0.01, momentum=0.9)`; a MissingExpr if absent. */
  readonly optimizer: CallExpr | MissingExpr;
  readonly steps: Expr;
  /** `log every K`, or null when absent. */
  readonly logEvery: Expr | null;
}

/** Any statement. */
export type Statement = Declaration | SeedDirective | JacobianDirective | GradcheckDirective | TrainDirective;

/** A parsed file: always produced, even from broken input. */
export interface Program {
  readonly statements: readonly Statement[];
}
