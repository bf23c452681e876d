// Recursive-descent parser for `.grad` files. It never throws: every problem becomes a
// diagnostic with an exact range, a `missing` node stands in for an absent expression,
// and parsing resumes at the next line (TypeScript's and jsonc-parser's habit).
//
// Recovery works with one flag: the first error in a statement sets `aborted`, skips to
// the end of the line (outside brackets), and every parse function then returns what it
// has so far without reading or reporting anything else. That gives one diagnostic per
// broken statement and partial trees for hovers, instead of cascades.

import type {
  BinaryOp,
  CallExpr,
  Declaration,
  DeclarationKind,
  Expr,
  GradcheckDirective,
  JacobianDirective,
  MissingExpr,
  NamedArg,
  NameList,
  NameRef,
  Program,
  Range,
  SeedDirective,
  Statement,
  TrainDirective,
} from './ast';
import { DiagnosticBag, type Diagnostic } from './diagnostics';
import { tokenize, type Token } from './lexer';
import { LineMap } from './lineMap';
import { describeFound, messages, type SyntaxCode } from './messages';

/** The result of parsing: a program (always) and the syntax diagnostics, sorted by position. */
export interface ParseResult {
  program: Program;
  diagnostics: Diagnostic[];
}

/** Parses a `.grad` source; never throws, whatever the input. */
export function parse(text: string): ParseResult {
  const bag = new DiagnosticBag();
  let statements: Statement[] = [];
  try {
    statements = new Parser(text, tokenize(text, bag), bag).parseStatements();
  } catch (error) {
    // A last line of defence: a parser bug must not take the editor down with it.
    bag.error('internal-error', messages.internalError(String(error)), { start: 0, end: 0 });
  }
  const diagnostics = [...bag.items].sort((a, b) => a.range.start - b.range.start);
  return { program: { statements }, diagnostics };
}

const DECLARATION_KEYWORDS: ReadonlyMap<string, DeclarationKind> = new Map([
  ['input', 'input'],
  ['target', 'target'],
  ['param', 'param'],
  ['const', 'const'],
  ['loss', 'loss'],
] as const);

/** Deep enough for any real network, shallow enough never to overflow the JS stack. */
const MAX_NESTING = 200;

/** An open bracket the parser is inside; a call's `(` may contain `name=value` lines. */
interface OpenBracket {
  readonly token: Token;
  readonly isCall: boolean;
}

function closerOf(open: Token): string {
  return open.kind === '(' ? ')' : ']';
}

function zeroAt(offset: number): Range {
  return { start: offset, end: offset };
}

function missingAt(range: Range): MissingExpr {
  return { kind: 'missing', range };
}

function nameRef(token: Token): NameRef {
  return { kind: 'name', range: token.range, name: token.text };
}

function binary(op: BinaryOp, opRange: Range, left: Expr, right: Expr): Expr {
  return { kind: 'binary', range: { start: left.range.start, end: right.range.end }, op, opRange, left, right };
}

function declaration(declKind: DeclarationKind, keywordRange: Range, name: Token, value: Expr): Declaration {
  return {
    kind: 'declaration',
    range: { start: keywordRange.start, end: Math.max(value.range.end, name.range.end) },
    declKind,
    keywordRange,
    name: name.text,
    nameRange: name.range,
    value,
  };
}

class Parser {
  /** Index of the next unread token. */
  private pos = 0;
  /** End offset and text of the last token read, for ranges of partial nodes and "after 'x'". */
  private lastEnd = 0;
  private lastText = '';
  /** Set by the first error of a statement; see the file comment. */
  private aborted = false;
  private nesting = 0;
  private readonly open: OpenBracket[] = [];
  /** Start offsets that already carry a diagnostic: at most one per position. */
  private readonly reportedAt = new Set<number>();
  private readonly lines: LineMap;

  constructor(
    text: string,
    private readonly tokens: readonly Token[],
    private readonly bag: DiagnosticBag,
  ) {
    this.lines = new LineMap(text);
    for (const d of bag.items) this.reportedAt.add(d.range.start);
  }

  parseStatements(): Statement[] {
    const statements: Statement[] = [];
    for (;;) {
      this.open.length = 0;
      this.aborted = false;
      this.nesting = 0;
      const token = this.tokens[this.pos];
      if (token.kind === 'eof') break;
      if (token.kind === 'newline') {
        this.pos++;
        continue;
      }
      const before = this.pos;
      const statement = this.parseStatement();
      if (statement) statements.push(statement);
      if (!this.aborted) this.expectEndOfStatement();
      // Cannot happen (every failure skips at least the offending token), but a loop
      // that stops making progress would hang the editor, so make sure.
      if (this.pos === before) this.pos++;
    }
    return statements;
  }

  // ---- Tokens -------------------------------------------------------------------

  /** Index of the next token, stepping over line breaks inside brackets (continuation lines). */
  private peekIndex(): number {
    let i = this.pos;
    const inner = this.open[this.open.length - 1];
    if (inner !== undefined) {
      // A line that looks like a new statement ends the bracket: it was left unclosed.
      const previous = this.tokens[this.pos - 1];
      while (this.tokens[i].kind === 'newline' && !this.lineStartsStatement(i, inner.isCall, previous)) i++;
    }
    return i;
  }

  private peek(): Token {
    return this.tokens[this.peekIndex()];
  }

  private advance(): Token {
    const i = this.peekIndex();
    const token = this.tokens[i];
    if (token.kind !== 'eof') this.pos = i + 1;
    if (token.kind !== 'newline' && token.kind !== 'eof') {
      this.lastEnd = token.range.end;
      this.lastText = token.text;
    }
    return token;
  }

  private isWord(token: Token, word: string): boolean {
    return token.kind === 'identifier' && token.text === word;
  }

  /**
   * Whether the line starting at token `i` looks like a new statement. Strict: a keyword
   * followed by what that statement needs next (so `[loss, seed]` across lines stays a
   * list). Loose adds `NAME =`, which cannot continue an expression.
   */
  private startsStatement(i: number, loose: boolean): boolean {
    const token = this.tokens[i];
    if (token === undefined || token.kind !== 'identifier') return false;
    const next = this.tokens[i + 1];
    switch (token.text) {
      case 'input':
      case 'target':
      case 'param':
      case 'const':
      case 'loss':
      case 'train':
        if (next.kind === 'identifier') return true;
        break;
      case 'seed':
        if (next.kind === 'number') return true;
        break;
      case 'jacobian':
        if (next.kind === 'identifier' || next.kind === '[') return true;
        break;
      case 'gradcheck':
        if (next.kind === 'newline' || next.kind === 'eof') return true;
        if (next.kind === 'identifier' && this.tokens[i + 2]?.kind === '=') return true;
        break;
    }
    return loose && next.kind === '=';
  }

  /**
   * Whether the line after the line break at `i`, inside a bracket, is a new statement
   * rather than a continuation. `NAME =` counts too, except right after `,` or `(` in a
   * call, where it is a keyword argument (`adam(lr=1e-3,\n     beta1=0.9)`).
   */
  private lineStartsStatement(i: number, innerIsCall: boolean, previous: Token | undefined): boolean {
    const maybeArgument = innerIsCall && (previous?.kind === ',' || previous?.kind === '(');
    return this.startsStatement(i + 1, !maybeArgument);
  }

  // ---- Diagnostics and recovery ---------------------------------------------------

  private line(offset: number): number {
    return this.lines.positionAt(offset).line + 1;
  }

  private report(code: SyntaxCode, message: string, range: Range): void {
    if (this.reportedAt.has(range.start)) return;
    this.reportedAt.add(range.start);
    this.bag.error(code, message, range);
  }

  /**
   * Reports the next token as unexpected, stops the statement and skips to the end of
   * its line. Returns the range a placeholder should take: the offending token, or an
   * empty range just after the last token read when the line ended.
   */
  private unexpected(code: SyntaxCode, message: (found: string) => string): Range {
    const token = this.peek();
    const inner = this.open[this.open.length - 1];
    this.aborted = true;
    const lineEnded = token.kind === 'newline' || token.kind === 'eof';
    if (inner !== undefined && lineEnded) {
      // The statement ran out inside a bracket: blame the bracket and resume at this line.
      const found = token.kind === 'eof' ? 'end of file' : 'end of line';
      const open = inner.token;
      this.report(
        'unclosed-bracket',
        messages.expectedClose(closerOf(open), open.text, this.line(open.range.start), found),
        open.range,
      );
      return zeroAt(this.lastEnd);
    }
    const range = lineEnded ? zeroAt(this.lastEnd) : token.range;
    this.report(code, message(describeFound(token)), range);
    this.skipToEndOfLine();
    return range;
  }

  /**
   * Skips to the line break that ends the statement: one outside all brackets, or one
   * before a line that looks like a new statement (so an unclosed bracket cannot swallow
   * the rest of the file).
   */
  private skipToEndOfLine(): void {
    const stack = this.open.map((b) => b.isCall);
    let previous: Token | undefined = this.tokens[this.pos - 1];
    for (;;) {
      const token = this.tokens[this.pos];
      if (token.kind === 'eof') return;
      if (token.kind === 'newline') {
        if (stack.length === 0 || this.lineStartsStatement(this.pos, stack[stack.length - 1], previous)) return;
      } else {
        if (token.kind === '(') stack.push(previous?.kind === 'identifier');
        else if (token.kind === '[') stack.push(false);
        else if ((token.kind === ')' || token.kind === ']') && stack.length > 0) stack.pop();
        previous = token;
      }
      this.pos++;
    }
  }

  private expectEndOfStatement(): void {
    const token = this.peek();
    if (token.kind === 'newline' || token.kind === 'eof') return;
    this.report('unexpected-token', messages.unexpectedAfterStatement(describeFound(token)), token.range);
    this.skipToEndOfLine();
  }

  // ---- Statements ---------------------------------------------------------------

  private parseStatement(): Statement | undefined {
    const token = this.peek();
    if (token.kind !== 'identifier') {
      this.unexpected('expected-statement', messages.expectedStatement);
      return undefined;
    }
    const declKind = DECLARATION_KEYWORDS.get(token.text);
    if (declKind !== undefined) return this.parseKeywordDeclaration(declKind);
    switch (token.text) {
      case 'seed':
        return this.parseSeed();
      case 'jacobian':
        return this.parseJacobian();
      case 'gradcheck':
        return this.parseGradcheck();
      case 'train':
        return this.parseTrain();
    }
    return this.parseNodeDeclaration();
  }

  /** `NAME = EXPR`; a name without `=` is no declaration (it may be a stray expression). */
  private parseNodeDeclaration(): Declaration | undefined {
    const name = this.advance();
    if (this.peek().kind !== '=') {
      this.unexpected('expected-token', (found) => messages.expectedEquals(name.text, found));
      return undefined;
    }
    this.advance();
    return declaration('node', name.range, name, this.parseExpression());
  }

  /** `input|target|param|const|loss NAME = EXPR`; yields a declaration once the name is read. */
  private parseKeywordDeclaration(declKind: DeclarationKind): Declaration | undefined {
    const keyword = this.advance();
    const name = this.peek();
    if (name.kind !== 'identifier') {
      this.unexpected('expected-name', (found) => messages.expectedName(keyword.text, found));
      return undefined;
    }
    this.advance();
    if (this.peek().kind !== '=') {
      this.unexpected('expected-token', (found) => messages.expectedEquals(name.text, found));
      return declaration(declKind, keyword.range, name, missingAt(zeroAt(name.range.end)));
    }
    this.advance();
    return declaration(declKind, keyword.range, name, this.parseExpression());
  }

  private parseSeed(): SeedDirective {
    const keyword = this.advance();
    const value = this.parseExpression();
    return { kind: 'seed', range: { start: keyword.range.start, end: value.range.end }, value };
  }

  /** `jacobian NAMELIST wrt NAMELIST`. */
  private parseJacobian(): JacobianDirective {
    const keyword = this.advance();
    const of = this.parseNameList('jacobian', true);
    let wrt: NameList | undefined;
    if (!this.aborted) {
      if (this.isWord(this.peek(), 'wrt')) {
        this.advance();
        wrt = this.parseNameList('wrt', false);
      } else {
        const after = this.lastText;
        this.unexpected('expected-token', (found) => messages.expectedKeyword('wrt', after, found));
      }
    }
    wrt ??= { range: zeroAt(this.lastEnd), bracketed: false, names: [] };
    const end = Math.max(this.lastEnd, of.range.end, wrt.range.end);
    return { kind: 'jacobian', range: { start: keyword.range.start, end }, of, wrt };
  }

  /**
   * A name or `[a, b, ...]`. In the `of` list, `wrt` ends the list even without `]`
   * (`jacobian [y wrt x`): report the missing `]` there and read on.
   */
  private parseNameList(after: string, stopAtWrt: boolean): NameList {
    const first = this.peek();
    if (first.kind === 'identifier' && !(stopAtWrt && first.text === 'wrt')) {
      this.advance();
      return { range: first.range, bracketed: false, names: [nameRef(first)] };
    }
    if (first.kind !== '[') {
      this.unexpected('expected-name', (found) => messages.expectedNameList(after, found));
      return { range: zeroAt(this.lastEnd), bracketed: false, names: [] };
    }
    const open = this.advance();
    this.open.push({ token: open, isCall: false });
    const names: NameRef[] = [];
    const partial = (): NameList => ({ range: { start: open.range.start, end: this.lastEnd }, bracketed: true, names });
    for (;;) {
      let token = this.peek();
      if (token.kind === ']') break;
      if (stopAtWrt && this.isWord(token, 'wrt')) {
        const line = this.line(open.range.start);
        this.report('expected-token', messages.expectedClose(']', '[', line, describeFound(token)), token.range);
        this.open.pop();
        return partial();
      }
      if (token.kind !== 'identifier') {
        this.unexpected('expected-name', messages.expectedNameInList);
        return partial();
      }
      names.push(nameRef(this.advance()));
      token = this.peek();
      if (token.kind === ',') this.advance();
      else if (token.kind !== ']' && !(stopAtWrt && this.isWord(token, 'wrt'))) {
        this.unexpected('expected-token', (found) => messages.expectedSeparator(']', found));
        return partial();
      }
    }
    const close = this.advance();
    this.open.pop();
    return { range: { start: open.range.start, end: close.range.end }, bracketed: true, names };
  }

  /** `gradcheck` then `name=value` options, separated by spaces or commas. */
  private parseGradcheck(): GradcheckDirective {
    const keyword = this.advance();
    const options: NamedArg[] = [];
    let afterComma = false;
    while (!this.aborted) {
      const token = this.peek();
      if (token.kind === 'newline' || token.kind === 'eof') break;
      if (token.kind === ',' && options.length > 0 && !afterComma) {
        this.advance();
        afterComma = true;
        continue;
      }
      if (token.kind !== 'identifier') {
        this.unexpected('expected-token', messages.expectedOption);
        break;
      }
      afterComma = false;
      if (this.tokens[this.peekIndex() + 1].kind !== '=') {
        const name = this.advance();
        this.unexpected('expected-token', (found) => messages.expectedEquals(name.text, found));
        const value = missingAt(zeroAt(name.range.end));
        options.push({ kind: 'namedArg', range: name.range, name: name.text, nameRange: name.range, value });
        break;
      }
      options.push(this.parseNamedArg());
    }
    return { kind: 'gradcheck', range: { start: keyword.range.start, end: this.partialEnd(options) }, options };
  }

  /** `train CALL steps EXPR [log every EXPR]`. */
  private parseTrain(): TrainDirective {
    const keyword = this.advance();
    let optimizer: CallExpr | MissingExpr;
    const first = this.peek();
    if (first.kind === 'identifier' && first.text !== 'steps') {
      this.advance();
      const callee = nameRef(first);
      optimizer =
        this.peek().kind === '('
          ? this.parseCall(callee)
          : { kind: 'call', range: first.range, callee: first.text, calleeRange: first.range, args: [], namedArgs: [] };
    } else if (first.kind === 'identifier') {
      // `train steps 100`: only the optimizer is missing; say so and read the rest.
      this.report('expected-token', messages.expectedOptimizer(describeFound(first)), first.range);
      optimizer = missingAt(zeroAt(this.lastEnd));
    } else {
      this.unexpected('expected-token', messages.expectedOptimizer);
      optimizer = missingAt(zeroAt(this.lastEnd));
    }

    let steps: Expr | undefined;
    if (!this.aborted) {
      if (this.isWord(this.peek(), 'steps')) {
        this.advance();
        steps = this.parseExpression();
      } else {
        const after = this.lastText;
        this.unexpected('expected-token', (found) => messages.expectedKeyword('steps', after, found));
      }
    }
    steps ??= missingAt(zeroAt(this.lastEnd));

    let logEvery: Expr | null = null;
    if (!this.aborted && this.isWord(this.peek(), 'log')) {
      this.advance();
      if (this.isWord(this.peek(), 'every')) {
        this.advance();
        logEvery = this.parseExpression();
      } else {
        this.unexpected('expected-token', (found) => messages.expectedKeyword('every', 'log', found));
        logEvery = missingAt(zeroAt(this.lastEnd));
      }
    }
    const end = Math.max(this.lastEnd, optimizer.range.end, steps.range.end, logEvery?.range.end ?? 0);
    return { kind: 'train', range: { start: keyword.range.start, end }, optimizer, steps, logEvery };
  }

  // ---- Expressions ----------------------------------------------------------------
  // Loosest first: `+ -` < `* / @` < unary `-` < `^` (right-assoc) < postfix < primary.

  private parseExpression(): Expr {
    return this.parseAdditive();
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (!this.aborted) {
      const op = this.peek();
      if (op.kind !== '+' && op.kind !== '-') break;
      this.advance();
      left = binary(op.kind, op.range, left, this.parseMultiplicative());
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    while (!this.aborted) {
      const op = this.peek();
      if (op.kind !== '*' && op.kind !== '/' && op.kind !== '@') break;
      this.advance();
      left = binary(op.kind, op.range, left, this.parseUnary());
    }
    return left;
  }

  /** Every recursive path passes through here, so this is where nesting is bounded. */
  private parseUnary(): Expr {
    if (this.nesting >= MAX_NESTING) {
      return missingAt(this.unexpected('nesting-too-deep', () => messages.nestingTooDeep(MAX_NESTING)));
    }
    this.nesting++;
    let result: Expr;
    const op = this.peek();
    if (op.kind === '-') {
      this.advance();
      const operand = this.parseUnary();
      result = { kind: 'unary', range: { start: op.range.start, end: operand.range.end }, op: '-', opRange: op.range, operand };
    } else {
      result = this.parsePower();
    }
    this.nesting--;
    return result;
  }

  /** `^` is right-associative and its exponent may be negated: `2^-1`, `a^b^c`. */
  private parsePower(): Expr {
    const base = this.parsePostfix();
    if (this.aborted) return base;
    const op = this.peek();
    if (op.kind !== '^') return base;
    this.advance();
    return binary('^', op.range, base, this.parseUnary());
  }

  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    while (!this.aborted) {
      const token = this.peek();
      if (token.kind === '(' && expr.kind === 'name') expr = this.parseCall(expr);
      else if (token.kind === '[') expr = this.parseIndex(expr);
      else if (token.kind === '.') expr = this.parseTranspose(expr);
      else break;
    }
    return expr;
  }

  private parsePrimary(): Expr {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
        this.advance();
        // A malformed number was reported by the lexer; the placeholder keeps the tree whole.
        return token.malformed ? missingAt(token.range) : { kind: 'number', range: token.range, value: token.value };
      case 'identifier':
        this.advance();
        return nameRef(token);
      case '[':
        return this.parseList();
      case '(':
        return this.parseParen();
    }
    const after = this.lastText;
    return missingAt(this.unexpected('expected-expression', (found) => messages.expectedExpression(after, found)));
  }

  /**
   * Reads `item (, item)* ,? close` after the open bracket, which must be on `this.open`.
   * Returns the closing token, or undefined when the statement was aborted.
   */
  private parseSeparated(close: ')' | ']', parseItem: () => void): Token | undefined {
    while (!this.aborted) {
      if (this.peek().kind === close) break;
      parseItem();
      if (this.aborted) break;
      const token = this.peek();
      if (token.kind === ',') this.advance();
      else if (token.kind !== close) this.unexpected('expected-token', (found) => messages.expectedSeparator(close, found));
    }
    if (this.aborted) return undefined;
    // Read the closer before leaving the bracket: a line break before it is still a continuation.
    const closer = this.advance();
    this.open.pop();
    return closer;
  }

  private partialEnd(nodes: readonly { range: Range }[]): number {
    return Math.max(this.lastEnd, ...nodes.map((n) => n.range.end));
  }

  private parseList(): Expr {
    const open = this.advance();
    this.open.push({ token: open, isCall: false });
    const items: Expr[] = [];
    const close = this.parseSeparated(']', () => items.push(this.parseExpression()));
    const end = close ? close.range.end : this.partialEnd(items);
    return { kind: 'list', range: { start: open.range.start, end }, items };
  }

  private parseParen(): Expr {
    const open = this.advance();
    this.open.push({ token: open, isCall: false });
    const inner = this.parseExpression();
    if (!this.aborted && this.peek().kind !== ')') {
      const line = this.line(open.range.start);
      this.unexpected('expected-token', (found) => messages.expectedClose(')', '(', line, found));
    }
    if (this.aborted) return { kind: 'paren', range: { start: open.range.start, end: this.partialEnd([inner]) }, inner };
    const close = this.advance();
    this.open.pop();
    return { kind: 'paren', range: { start: open.range.start, end: close.range.end }, inner };
  }

  /** `f(positional..., name=value...)`; the callee is always a plain name. */
  private parseCall(callee: NameRef): CallExpr {
    const open = this.advance();
    this.open.push({ token: open, isCall: true });
    const args: Expr[] = [];
    const namedArgs: NamedArg[] = [];
    const close = this.parseSeparated(')', () => {
      if (this.peek().kind === 'identifier' && this.tokens[this.peekIndex() + 1].kind === '=') {
        namedArgs.push(this.parseNamedArg());
        return;
      }
      const arg = this.parseExpression();
      args.push(arg);
      if (!this.aborted && namedArgs.length > 0) {
        this.report('positional-after-keyword', messages.positionalAfterKeyword(), arg.range);
      }
    });
    const end = close ? close.range.end : this.partialEnd([...args, ...namedArgs]);
    return {
      kind: 'call',
      range: { start: callee.range.start, end },
      callee: callee.name,
      calleeRange: callee.range,
      args,
      namedArgs,
    };
  }

  /** `name = value`; the caller has checked the name and the `=`. */
  private parseNamedArg(): NamedArg {
    const name = this.advance();
    const equals = this.advance();
    const value = this.parseExpression();
    return {
      kind: 'namedArg',
      range: { start: name.range.start, end: Math.max(equals.range.end, value.range.end) },
      name: name.text,
      nameRange: name.range,
      value,
    };
  }

  private parseIndex(target: Expr): Expr {
    const open = this.advance();
    this.open.push({ token: open, isCall: false });
    const empty = this.peek();
    if (empty.kind === ']') {
      // `x[]`: say so, but the brackets are balanced, so read on.
      this.report('expected-expression', messages.expectedIndex(describeFound(empty)), empty.range);
    }
    const indices: Expr[] = [];
    const close = this.parseSeparated(']', () => indices.push(this.parseExpression()));
    const end = close ? close.range.end : this.partialEnd([target, ...indices]);
    return { kind: 'index', range: { start: target.range.start, end }, target, indices };
  }

  private parseTranspose(target: Expr): Expr {
    this.advance();
    const name = this.peek();
    if (this.isWord(name, 'T')) {
      this.advance();
      return { kind: 'transpose', range: { start: target.range.start, end: name.range.end }, target };
    }
    this.unexpected('expected-token', messages.expectedTranspose);
    return target;
  }
}
