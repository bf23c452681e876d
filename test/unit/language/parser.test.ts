import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Declaration, Expr, Range, Statement } from '../../../src/language/ast';
import { DiagnosticBag } from '../../../src/language/diagnostics';
import { tokenize } from '../../../src/language/lexer';
import { parse } from '../../../src/language/parser';
import { prng } from '../prng';

const JACOBIANS = `# examples/jacobians.grad: Jacobians of a 2-layer linear network
input x1 = 1.0
input x2 = 2.0

h1 = 2*x1 + x2
h2 = x1 + 3*x2
h3 = -x1 + x2

y1 = h1 + 2*h2 - h3
y2 = 3*h1 - h2 + h3

jacobian [h1, h2, h3] wrt [x1, x2]
jacobian [y1, y2] wrt [h1, h2, h3]
jacobian [y1, y2] wrt [x1, x2]
`;

const TRAINING = `# examples/training.grad: a 3-layer tanh network trained by gradient descent
seed 42
input x = [0.5, -0.3]
target y = 1.0

param W1 = randn(2, 2) * 0.5
param b1 = randn(2) * 0.5
param W2 = randn(2, 2) * 0.5
param b2 = randn(2) * 0.5
param W3 = randn(2) * 0.5
param b3 = randn() * 0.5

a1 = tanh(W1 @ x + b1)
a2 = tanh(W2 @ a1 + b2)
y_hat = W3 @ a2 + b3
loss L = 0.5 * (y_hat - y)^2

gradcheck
train sgd(lr=0.01) steps 1000 log every 100
`;

// ---- helpers ------------------------------------------------------------------

/** The range of the `occurrence`-th (0-based) appearance of `needle` in `source`. */
function rangeOf(source: string, needle: string, occurrence = 0): Range {
  let start = -1;
  for (let i = 0; i <= occurrence; i++) {
    start = source.indexOf(needle, start + 1);
    if (start < 0) throw new Error(`'${needle}' not in source`);
  }
  return { start, end: start + needle.length };
}

/** An empty range just after `needle`. */
function after(source: string, needle: string, occurrence = 0): Range {
  const { end } = rangeOf(source, needle, occurrence);
  return { start: end, end };
}

function slice(source: string, range: Range): string {
  return source.slice(range.start, range.end);
}

/** A compact, fully parenthesised rendering of an expression, to check tree shapes. */
function show(e: Expr | null): string {
  if (e === null) return 'null';
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'name':
      return e.name;
    case 'missing':
      return '?';
    case 'list':
      return `[${e.items.map(show).join(', ')}]`;
    case 'unary':
      return `(-${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'call':
      return `${e.callee}(${[...e.args.map(show), ...e.namedArgs.map((a) => `${a.name}=${show(a.value)}`)].join(', ')})`;
    case 'index':
      return `${show(e.target)}[${e.indices.map(show).join(', ')}]`;
    case 'transpose':
      return `${show(e.target)}.T`;
    case 'paren':
      return `{${show(e.inner)}}`;
  }
}

function parseClean(source: string): readonly Statement[] {
  const { program, diagnostics } = parse(source);
  expect(diagnostics).toEqual([]);
  return program.statements;
}

/** The value of the single declaration in a clean one-line program. */
function valueOf(source: string): Expr {
  const [statement] = parseClean(source);
  expect(statement.kind).toBe('declaration');
  return (statement as Declaration).value;
}

function declarations(statements: readonly Statement[]): Declaration[] {
  return statements.filter((s): s is Declaration => s.kind === 'declaration');
}

// ---- lexer --------------------------------------------------------------------

describe('tokenize', () => {
  const lex = (source: string) => {
    const bag = new DiagnosticBag();
    return { tokens: tokenize(source, bag), diagnostics: bag.items };
  };

  it('reads every number form and keeps `.T` apart from numbers', () => {
    const { tokens, diagnostics } = lex('1 0.5 .5 1e-3 2E+5 1. x.T 1.T');
    expect(diagnostics).toEqual([]);
    expect(tokens.map((t) => t.kind)).toEqual([
      'number', 'number', 'number', 'number', 'number', 'number',
      'identifier', '.', 'identifier', 'number', '.', 'identifier', 'eof',
    ]);
    expect(tokens.slice(0, 6).map((t) => t.value)).toEqual([1, 0.5, 0.5, 1e-3, 2e5, 1]);
  });

  it('skips comments, and counts \\r\\n as one line break', () => {
    const source = 'a = 1 # note\r\n# only a comment\r\nb';
    const { tokens } = lex(source);
    expect(tokens.map((t) => t.kind)).toEqual(['identifier', '=', 'number', 'newline', 'newline', 'identifier', 'eof']);
    expect(slice(source, tokens[3].range)).toBe('\r\n');
  });

  it('reports malformed numbers with their exact range', () => {
    const source = 'a 1e 1.2.3 2x 1e+';
    const { tokens, diagnostics } = lex(source);
    expect(diagnostics.map((d) => [d.code, slice(source, d.range)])).toEqual([
      ['malformed-number', '1e'],
      ['malformed-number', '1.2.3'],
      ['malformed-number', '2x'],
      ['malformed-number', '1e+'],
    ]);
    expect(tokens.filter((t) => t.kind === 'number').every((t) => t.malformed)).toBe(true);
  });

  it('reports a run of unexpected characters once, naming them', () => {
    const source = 'a $% b \u00a0';
    const { tokens, diagnostics } = lex(source);
    expect(tokens.map((t) => t.kind)).toEqual(['identifier', 'error', 'identifier', 'error', 'eof']);
    expect(diagnostics.map((d) => [d.code, d.range])).toEqual([
      ['unexpected-character', rangeOf(source, '$%')],
      ['unexpected-character', rangeOf(source, '\u00a0')],
    ]);
    expect(diagnostics[0].message).toContain("'$%'");
    expect(diagnostics[1].message).toContain('U+00A0');
  });
});

// ---- valid input ----------------------------------------------------------------

describe('parse: the examples', () => {
  it('parses examples/jacobians.grad', () => {
    const statements = parseClean(JACOBIANS);
    expect(statements.map((s) => s.kind)).toEqual([
      ...Array<string>(7).fill('declaration'),
      'jacobian', 'jacobian', 'jacobian',
    ]);
    const decls = declarations(statements);
    expect(decls.map((d) => [d.declKind, d.name])).toEqual([
      ['input', 'x1'], ['input', 'x2'],
      ['node', 'h1'], ['node', 'h2'], ['node', 'h3'],
      ['node', 'y1'], ['node', 'y2'],
    ]);
    expect(show(decls[4].value)).toBe('((-x1) + x2)');
    expect(show(decls[5].value)).toBe('((h1 + (2 * h2)) - h3)');

    const jacobian = statements[7];
    if (jacobian.kind !== 'jacobian') throw new Error('expected a jacobian');
    expect(jacobian.of.bracketed).toBe(true);
    expect(jacobian.of.names.map((n) => n.name)).toEqual(['h1', 'h2', 'h3']);
    expect(jacobian.wrt.names.map((n) => n.name)).toEqual(['x1', 'x2']);
    expect(slice(JACOBIANS, jacobian.range)).toBe('jacobian [h1, h2, h3] wrt [x1, x2]');
    expect(slice(JACOBIANS, jacobian.of.range)).toBe('[h1, h2, h3]');
    expect(jacobian.wrt.range).toEqual(rangeOf(JACOBIANS, '[x1, x2]'));
    expect(slice(JACOBIANS, decls[0].range)).toBe('input x1 = 1.0');
  });

  it('parses examples/training.grad', () => {
    const statements = parseClean(TRAINING);
    expect(statements.map((s) => (s.kind === 'declaration' ? `${s.declKind} ${s.name}` : s.kind))).toEqual([
      'seed',
      'input x', 'target y',
      'param W1', 'param b1', 'param W2', 'param b2', 'param W3', 'param b3',
      'node a1', 'node a2', 'node y_hat', 'loss L',
      'gradcheck', 'train',
    ]);
    const decls = declarations(statements);
    const byName = new Map(decls.map((d) => [d.name, d]));

    const W1 = byName.get('W1')!;
    expect(show(W1.value)).toBe('(randn(2, 2) * 0.5)');
    expect(W1.keywordRange).toEqual(rangeOf(TRAINING, 'param'));
    expect(W1.nameRange).toEqual(rangeOf(TRAINING, 'W1'));
    expect(slice(TRAINING, W1.range)).toBe('param W1 = randn(2, 2) * 0.5');
    if (W1.value.kind !== 'binary' || W1.value.left.kind !== 'call') throw new Error('expected randn(...) * 0.5');
    expect(W1.value.left.range).toEqual(rangeOf(TRAINING, 'randn(2, 2)'));
    expect(W1.value.left.calleeRange).toEqual(rangeOf(TRAINING, 'randn'));
    expect(show(byName.get('b3')!.value)).toBe('(randn() * 0.5)');
    expect(show(byName.get('x')!.value)).toBe('[0.5, (-0.3)]');

    const a1 = byName.get('a1')!;
    expect(a1.keywordRange).toEqual(a1.nameRange);
    expect(show(a1.value)).toBe('tanh(((W1 @ x) + b1))');

    const L = byName.get('L')!;
    expect(slice(TRAINING, L.range)).toBe('loss L = 0.5 * (y_hat - y)^2');
    expect(show(L.value)).toBe('(0.5 * ({(y_hat - y)} ^ 2))');
    if (L.value.kind !== 'binary' || L.value.right.kind !== 'binary') throw new Error('expected 0.5 * (...)^2');
    const power = L.value.right;
    expect(power.opRange).toEqual(rangeOf(TRAINING, '^'));
    expect(power.left.range).toEqual(rangeOf(TRAINING, '(y_hat - y)'));
    expect(power.range).toEqual(rangeOf(TRAINING, '(y_hat - y)^2'));

    const seed = statements[0];
    if (seed.kind !== 'seed') throw new Error('expected seed');
    expect(show(seed.value)).toBe('42');
    expect(slice(TRAINING, seed.range)).toBe('seed 42');

    const gradcheck = statements[13];
    if (gradcheck.kind !== 'gradcheck') throw new Error('expected gradcheck');
    expect(gradcheck.options).toEqual([]);
    expect(gradcheck.range).toEqual(rangeOf(TRAINING, 'gradcheck'));

    const train = statements[14];
    if (train.kind !== 'train') throw new Error('expected train');
    expect(show(train.optimizer)).toBe('sgd(lr=0.01)');
    expect(show(train.steps)).toBe('1000');
    expect(show(train.logEvery)).toBe('100');
    expect(slice(TRAINING, train.range)).toBe('train sgd(lr=0.01) steps 1000 log every 100');
    expect(slice(TRAINING, train.optimizer.range)).toBe('sgd(lr=0.01)');
  });

  it('parses the example files on disk identically', () => {
    const root = join(__dirname, '..', '..', '..', 'examples');
    expect(parse(readFileSync(join(root, 'jacobians.grad'), 'utf8'))).toEqual(parse(JACOBIANS));
    expect(parse(readFileSync(join(root, 'training.grad'), 'utf8'))).toEqual(parse(TRAINING));
  });
});

describe('parse: expressions', () => {
  it.each([
    ['-x^2', '(-(x ^ 2))'],
    ['a^b^c', '(a ^ (b ^ c))'],
    ['2^-1', '(2 ^ (-1))'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b * c', '((a / b) * c)'],
    ['W @ x + b', '((W @ x) + b)'],
    ['b + W @ x', '(b + (W @ x))'],
    ['x.T @ y', '(x.T @ y)'],
    ['W[1, 0]', 'W[1, 0]'],
    ['W[-1]', 'W[(-1)]'],
    ['sum(x, axis=1)', 'sum(x, axis=1)'],
    ['-a * b', '((-a) * b)'],
    ['a * -b', '(a * (-b))'],
    ['--a', '(-(-a))'],
    ['W.T.T', 'W.T.T'],
    ['f(x)[0].T^2', '(f(x)[0].T ^ 2)'],
    ['(a + b) * c', '({(a + b)} * c)'],
    ['[]', '[]'],
    ['[1, [2, 3], ]', '[1, [2, 3]]'],
    ['log(x) + exp(log(y))', '(log(x) + exp(log(y)))'],
    ['1e-3 * .5', '(0.001 * 0.5)'],
  ])('%s', (source, tree) => {
    expect(show(valueOf(`z = ${source}`))).toBe(tree);
  });

  it('gives operators and postfix forms their exact ranges', () => {
    const source = 'z = -x^2 + W[1, 0] - sum(x, axis=1) * x.T';
    const value = valueOf(source);
    if (value.kind !== 'binary' || value.left.kind !== 'binary') throw new Error('expected ((-x^2 + W[..]) - ...)');
    const unary = value.left.left;
    if (unary.kind !== 'unary') throw new Error('expected unary');
    expect(unary.opRange).toEqual(rangeOf(source, '-'));
    expect(unary.range).toEqual(rangeOf(source, '-x^2'));
    expect(value.left.right.range).toEqual(rangeOf(source, 'W[1, 0]'));
    expect(value.opRange).toEqual(rangeOf(source, '-', 1));
    if (value.right.kind !== 'binary' || value.right.left.kind !== 'call') throw new Error('expected sum(...) * x.T');
    const call = value.right.left;
    expect(call.range).toEqual(rangeOf(source, 'sum(x, axis=1)'));
    expect(call.namedArgs[0].range).toEqual(rangeOf(source, 'axis=1'));
    expect(call.namedArgs[0].nameRange).toEqual(rangeOf(source, 'axis'));
    expect(value.right.right.range).toEqual(rangeOf(source, 'x.T'));
    expect(value.range).toEqual({ start: source.indexOf('-'), end: source.length });
  });

  it('continues a bracket across lines, with comments and \\r\\n', () => {
    const source = 'input X = [[1, 2],   # first row\r\n           [3, 4],\r\n\r\n]\r\nparam W = X.T\r\n';
    const statements = parseClean(source);
    const [X, W] = declarations(statements);
    expect(show(X.value)).toBe('[[1, 2], [3, 4]]');
    expect(slice(source, X.value.range)).toBe('[[1, 2],   # first row\r\n           [3, 4],\r\n\r\n]');
    expect(slice(source, X.range)).toBe(source.slice(0, source.indexOf(']\r\n') + 1));
    expect(show(W.value)).toBe('X.T');
    expect(slice(source, W.range)).toBe('param W = X.T');
  });

  it('reads directive words as plain names outside their directive', () => {
    const statements = parseClean('log = log(x)\nsteps = every + wrt\nx = [loss,\n  seed]\n');
    expect(declarations(statements).map((d) => [d.name, show(d.value)])).toEqual([
      ['log', 'log(x)'],
      ['steps', '(every + wrt)'],
      ['x', '[loss, seed]'],
    ]);
  });

  it('parses every directive form', () => {
    const source = [
      'jacobian y wrt x',
      'jacobian [a,\n  b] wrt [c]',
      'gradcheck eps=1e-6, atol=1e-5 rtol=1e-3',
      'train adam(lr=1e-3, beta1=0.9) steps 10',
      'train sgd steps 5 log every 1',
    ].join('\n');
    const [j1, j2, g, t1, t2] = parseClean(source);
    if (j1.kind !== 'jacobian' || j2.kind !== 'jacobian') throw new Error('expected jacobians');
    expect(j1.of).toEqual({ range: rangeOf(source, 'y'), bracketed: false, names: [expect.objectContaining({ name: 'y' })] });
    expect(j2.of.names.map((n) => n.name)).toEqual(['a', 'b']);
    expect(slice(source, j2.range)).toBe('jacobian [a,\n  b] wrt [c]');
    if (g.kind !== 'gradcheck') throw new Error('expected gradcheck');
    expect(g.options.map((o) => `${o.name}=${show(o.value)}`)).toEqual(['eps=0.000001', 'atol=0.00001', 'rtol=0.001']);
    if (t1.kind !== 'train' || t2.kind !== 'train') throw new Error('expected trains');
    expect(show(t1.optimizer)).toBe('adam(lr=0.001, beta1=0.9)');
    expect(t1.logEvery).toBeNull();
    // A bare optimizer name is a call without arguments.
    expect(t2.optimizer).toEqual({
      kind: 'call',
      range: rangeOf(source, 'sgd'),
      callee: 'sgd',
      calleeRange: rangeOf(source, 'sgd'),
      args: [],
      namedArgs: [],
    });
    expect(show(t2.logEvery)).toBe('1');
  });
});

// ---- broken input ---------------------------------------------------------------

describe('parse: broken input', () => {
  /** Parses and checks there is exactly one diagnostic, returning it with the statements. */
  function parseOneError(source: string) {
    const { program, diagnostics } = parse(source);
    expect(diagnostics).toHaveLength(1);
    return { diagnostic: diagnostics[0], statements: program.statements };
  }

  it("missing ')' at the end of a line: blames the '(' and keeps the next line", () => {
    const source = 'a1 = tanh(W1 @ x + b1\na2 = tanh(a1)\n';
    const { diagnostic, statements } = parseOneError(source);
    expect(diagnostic.code).toBe('unclosed-bracket');
    expect(diagnostic.message).toBe("Expected ')' to close '(' at line 1, found end of line");
    expect(diagnostic.range).toEqual(rangeOf(source, '('));
    expect(declarations(statements).map((d) => [d.name, show(d.value)])).toEqual([
      ['a1', 'tanh(((W1 @ x) + b1))'],
      ['a2', 'tanh(a1)'],
    ]);
    expect(slice(source, statements[0].range)).toBe('a1 = tanh(W1 @ x + b1');
  });

  it("missing ')' at the end of the file, and inside a line", () => {
    const eof = 'x = f(1,';
    const atEof = parseOneError(eof).diagnostic;
    expect(atEof.message).toBe("Expected ')' to close '(' at line 1, found end of file");
    expect(atEof.range).toEqual(rangeOf(eof, '('));

    const inline = 'y = 2\nx = (a b)';
    const { diagnostic } = parseOneError(inline);
    expect(diagnostic.code).toBe('expected-token');
    expect(diagnostic.message).toBe("Expected ')' to close '(' at line 2, found 'b'");
    expect(diagnostic.range).toEqual(rangeOf(inline, 'b'));
  });

  it("missing ']' followed by a keyword line: blames the '[' and resumes at that line", () => {
    const source = 'input x = [0.5, -0.3\nparam W = randn(2)\n';
    const { diagnostic, statements } = parseOneError(source);
    expect(diagnostic.code).toBe('unclosed-bracket');
    expect(diagnostic.message).toBe("Expected ']' to close '[' at line 1, found end of line");
    expect(diagnostic.range).toEqual(rangeOf(source, '['));
    expect(declarations(statements).map((d) => [d.declKind, d.name, show(d.value)])).toEqual([
      ['input', 'x', '[0.5, (-0.3)]'],
      ['param', 'W', 'randn(2)'],
    ]);
  });

  it("'h = ' with no value: an empty range after '=' and a declaration with a placeholder", () => {
    const source = 'h = \nz = 1';
    const { diagnostic, statements } = parseOneError(source);
    expect(diagnostic.code).toBe('expected-expression');
    expect(diagnostic.message).toBe("Expected an expression after '=', found end of line");
    expect(diagnostic.range).toEqual(after(source, '='));
    const [h, z] = declarations(statements);
    expect(h.name).toBe('h');
    expect(h.value).toEqual({ kind: 'missing', range: after(source, '=') });
    expect(slice(source, h.range)).toBe('h =');
    expect(show(z.value)).toBe('1');
  });

  it("'= 3': a line that starts with no statement", () => {
    const source = '= 3\nz = 1';
    const { diagnostic, statements } = parseOneError(source);
    expect(diagnostic.code).toBe('expected-statement');
    expect(diagnostic.message).toContain("found '='");
    expect(diagnostic.range).toEqual(rangeOf(source, '='));
    expect(declarations(statements).map((d) => d.name)).toEqual(['z']);
  });

  it("'param = 1': a keyword without a name", () => {
    const source = 'param = 1\nz = 1';
    const { diagnostic, statements } = parseOneError(source);
    expect(diagnostic.code).toBe('expected-name');
    expect(diagnostic.message).toBe("Expected a name after 'param', found '='");
    expect(diagnostic.range).toEqual(rangeOf(source, '='));
    expect(declarations(statements).map((d) => d.name)).toEqual(['z']);
  });

  it("'param W 3': a name without '=' still declares the name", () => {
    const source = 'param W 3';
    const { diagnostic, statements } = parseOneError(source);
    expect(diagnostic.message).toBe("Expected '=' after 'W', found '3'");
    expect(diagnostic.range).toEqual(rangeOf(source, '3'));
    const [W] = declarations(statements);
    expect([W.declKind, W.name, W.value.kind]).toEqual(['param', 'W', 'missing']);
  });

  it("'x = 1 2': extra tokens after a complete statement", () => {
    const source = 'x = 1 2 3\ny = 2';
    const { diagnostic, statements } = parseOneError(source);
    expect(diagnostic.code).toBe('unexpected-token');
    expect(diagnostic.message).toBe("Unexpected '2' after the end of the statement");
    expect(diagnostic.range).toEqual(rangeOf(source, '2'));
    expect(declarations(statements).map((d) => [d.name, show(d.value)])).toEqual([
      ['x', '1'],
      ['y', '2'],
    ]);
  });

  it("'x = $': one diagnostic from the lexer, a placeholder from the parser", () => {
    const source = 'x = $ + 1\ny = 2';
    const { diagnostic, statements } = parseOneError(source);
    expect(diagnostic.code).toBe('unexpected-character');
    expect(diagnostic.message).toBe("Unexpected character '$'");
    expect(diagnostic.range).toEqual(rangeOf(source, '$'));
    const [x, y] = declarations(statements);
    expect(x.value).toEqual({ kind: 'missing', range: rangeOf(source, '$') });
    expect(y.name).toBe('y');
  });

  it("'1e' and '1.2.3': malformed numbers, reported once, with placeholders", () => {
    const source = 'x = 1e\ny = 1.2.3 * 2\nz = 1e-3';
    const { program, diagnostics } = parse(source);
    expect(diagnostics.map((d) => [d.code, d.range])).toEqual([
      ['malformed-number', rangeOf(source, '1e')],
      ['malformed-number', rangeOf(source, '1.2.3')],
    ]);
    expect(diagnostics[0].message).toContain("'1e'");
    expect(declarations(program.statements).map((d) => [d.name, show(d.value)])).toEqual([
      ['x', '?'],
      ['y', '(? * 2)'],
      ['z', '0.001'],
    ]);
  });

  it("'jacobian y': missing 'wrt'", () => {
    const source = 'jacobian y\nz = 1';
    const { diagnostic, statements } = parseOneError(source);
    expect(diagnostic.code).toBe('expected-token');
    expect(diagnostic.message).toBe("Expected 'wrt' after 'y', found end of line");
    expect(diagnostic.range).toEqual(after(source, 'jacobian y'));
    expect(statements.map((s) => s.kind)).toEqual(['jacobian', 'declaration']);
  });

  it("'jacobian [y wrt x': the list ends at 'wrt', and the rest is still read", () => {
    const source = 'jacobian [y wrt x';
    const { diagnostic, statements } = parseOneError(source);
    expect(diagnostic.code).toBe('expected-token');
    expect(diagnostic.message).toBe("Expected ']' to close '[' at line 1, found 'wrt'");
    expect(diagnostic.range).toEqual(rangeOf(source, 'wrt'));
    const [jacobian] = statements;
    if (jacobian.kind !== 'jacobian') throw new Error('expected a jacobian');
    expect(jacobian.of.names.map((n) => n.name)).toEqual(['y']);
    expect(jacobian.wrt.names.map((n) => n.name)).toEqual(['x']);
  });

  it("'train sgd(lr=0.1) steps': missing step count", () => {
    const source = 'train sgd(lr=0.1) steps\n';
    const { diagnostic, statements } = parseOneError(source);
    expect(diagnostic.code).toBe('expected-expression');
    expect(diagnostic.message).toBe("Expected an expression after 'steps', found end of line");
    expect(diagnostic.range).toEqual(after(source, 'steps'));
    const [train] = statements;
    if (train.kind !== 'train') throw new Error('expected train');
    expect(show(train.optimizer)).toBe('sgd(lr=0.1)');
    expect(train.steps.kind).toBe('missing');
    expect(slice(source, train.range)).toBe('train sgd(lr=0.1) steps');
  });

  it("'gradcheck eps': an option without '='", () => {
    const source = 'gradcheck eps\n';
    const { diagnostic, statements } = parseOneError(source);
    expect(diagnostic.code).toBe('expected-token');
    expect(diagnostic.message).toBe("Expected '=' after 'eps', found end of line");
    expect(diagnostic.range).toEqual(after(source, 'eps'));
    const [gradcheck] = statements;
    if (gradcheck.kind !== 'gradcheck') throw new Error('expected gradcheck');
    expect(gradcheck.options.map((o) => [o.name, o.value.kind])).toEqual([['eps', 'missing']]);
  });

  it.each([
    ['x = f(a=1, 2)', 'positional-after-keyword', '2', 'positional argument'],
    ['x = y[]', 'expected-expression', ']', 'Expected an index'],
    ['x = y.z', 'expected-token', 'z', "Expected 'T' after '.'"],
    ['x = [1, 2 3]', 'expected-token', '3', "Expected ',' or ']', found '3'"],
    ['x = 1 +', 'expected-expression', '', "after '+', found end of file"],
    ['train 3 steps 1', 'expected-token', '3', 'Expected an optimizer'],
    ['train sgd 10', 'expected-token', '10', "Expected 'steps' after 'sgd', found '10'"],
    ['train sgd steps 1 log 2', 'expected-token', '2', "Expected 'every' after 'log'"],
    ['gradcheck 3', 'expected-token', '3', 'Expected an option'],
    ['x = 1e999', 'number-out-of-range', '1e999', 'too large'],
  ])('%s', (source, code, text, message) => {
    const { diagnostic } = parseOneError(source);
    expect(diagnostic.code).toBe(code);
    expect(diagnostic.message).toContain(message);
    const expected = text === '' ? { start: source.length, end: source.length } : rangeOf(source, text, source.split(text).length - 2);
    expect(diagnostic.range).toEqual(expected);
  });

  it('reports one diagnostic per broken line, and keeps every good line', () => {
    const source = [
      'x = (1 + * 2]] )',
      'y = 2',
      'param = = =',
      'z = y @',
      'w = tanh(z',
      'jacobian [w, ',
      'loss L = w',
      '',
    ].join('\n');
    const { program, diagnostics } = parse(source);
    expect(diagnostics.map((d) => d.code)).toEqual([
      'expected-expression', // x: '*' where an operand belongs
      'expected-name', // param = = =
      'expected-expression', // z = y @
      'unclosed-bracket', // tanh(z then a `jacobian` line
      'unclosed-bracket', // [w, then a `loss` line
    ]);
    expect(diagnostics[0].range).toEqual(rangeOf(source, '*'));
    expect(diagnostics[3].range).toEqual(rangeOf(source, '(', 1));
    expect(diagnostics[4].range).toEqual(rangeOf(source, '['));
    expect(program.statements.map((s) => (s.kind === 'declaration' ? s.name : s.kind))).toEqual([
      'x', 'y', 'z', 'w', 'jacobian', 'L',
    ]);
  });

  it('does not overflow the stack on deep nesting', () => {
    const source = `x = ${'('.repeat(5000)}1${')'.repeat(5000)}\ny = ${'-'.repeat(5000)}1\nz = 1`;
    const { program, diagnostics } = parse(source);
    expect(diagnostics.map((d) => d.code)).toEqual(['nesting-too-deep', 'nesting-too-deep']);
    expect(declarations(program.statements).map((d) => d.name)).toEqual(['x', 'y', 'z']);
  });
});

// ---- fuzz -------------------------------------------------------------------------


const PIECES = [
  ' ', ' ', '\n', '\r\n', '\r', '\t', '#', '(', ')', '[', ']', ',', '.', '=', '+', '-', '*', '/', '@', '^',
  '0', '1', '.5', '1e', '1e-3', '2E+5', 'e', 'x', 'W', 'T', '.T', '$', '€', '\u00a0', '😀', '\ud800',
  'input ', 'target ', 'param ', 'const ', 'loss ', 'seed ', 'jacobian ', 'gradcheck ', 'train ',
  'wrt ', 'steps ', 'log ', 'every ', 'sgd(lr=0.1)', 'tanh(', 'sum(x, axis=1)', 'eps=', 'x = ', '[a, b]',
];

/** Walks every node, checking ranges are well-formed and nested in their parent's range. */
function checkRanges(node: unknown, parent: Range, length: number): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) checkRanges(child, parent, length);
    return;
  }
  let inner = parent;
  const range = (node as { range?: Range }).range;
  if (range !== undefined) {
    if (!(range.start <= range.end && range.start >= parent.start && range.end <= parent.end && range.end <= length)) {
      throw new Error(`bad range ${JSON.stringify(range)} inside ${JSON.stringify(parent)}`);
    }
    inner = range;
  }
  for (const [key, value] of Object.entries(node)) {
    if (!key.endsWith('ange')) checkRanges(value, inner, length);
  }
}

describe('parse: fuzz', () => {
  it('never throws on 10,000 random and mutated inputs, and keeps every range sane', () => {
    const random = prng(20240607);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const examples = [JACOBIANS, TRAINING];
    for (let n = 0; n < 10_000; n++) {
      let source: string;
      if (n % 2 === 0) {
        const parts: string[] = [];
        const count = Math.floor(random() * 40);
        for (let i = 0; i < count; i++) {
          parts.push(random() < 0.1 ? String.fromCharCode(Math.floor(random() * 0x3000)) : pick(PIECES));
        }
        source = parts.join('');
      } else {
        source = pick(examples);
        const mutations = 1 + Math.floor(random() * 6);
        for (let m = 0; m < mutations; m++) {
          const at = Math.floor(random() * (source.length + 1));
          const len = Math.floor(random() * 8);
          const choice = random();
          if (choice < 0.35) source = source.slice(0, at) + source.slice(at + len);
          else if (choice < 0.7) source = source.slice(0, at) + pick(PIECES) + source.slice(at);
          else source = source.slice(0, at) + pick(PIECES) + source.slice(at + len);
        }
      }

      let result: ReturnType<typeof parse>;
      try {
        result = parse(source);
        const whole = { start: 0, end: source.length };
        checkRanges(result.program, whole, source.length);
        let previousEnd = 0;
        for (const statement of result.program.statements) {
          if (statement.range.start < previousEnd) throw new Error('statements overlap');
          previousEnd = statement.range.end;
        }
        for (const d of result.diagnostics) {
          if (!(d.range.start >= 0 && d.range.start <= d.range.end && d.range.end <= source.length)) {
            throw new Error(`bad diagnostic range ${JSON.stringify(d)}`);
          }
          if (d.code === 'internal-error') throw new Error(d.message);
        }
        const starts = result.diagnostics.map((d) => d.range.start);
        if (new Set(starts).size !== starts.length) throw new Error('two diagnostics at one position');
      } catch (error) {
        throw new Error(`case ${n}: ${String(error)}\n${JSON.stringify(source)}`);
      }
    }
  });
});
