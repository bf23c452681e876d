// Checks the TextMate grammar, the language configuration and the snippets that
// colour and complete `.grad` files, and tokenises a real program with the same
// engine VS Code uses (vscode-textmate + vscode-oniguruma, wasm loaded from disk).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const root = resolve(__dirname, '../../..');
const readJson = (rel: string): any => JSON.parse(readFileSync(resolve(root, rel), 'utf8'));

const grammarJson = readJson('syntaxes/gradscope.tmLanguage.json');

const FUNCTIONS = [
  'tanh', 'sigmoid', 'relu', 'exp', 'log', 'sqrt', 'abs', 'sin', 'cos', 'softplus', 'leaky_relu',
  'softmax', 'log_softmax', 'sum', 'mean', 'max', 'dot', 'outer', 'reshape', 'mse', 'cross_entropy', 'bce',
];
const INITIALISERS = ['randn', 'rand', 'zeros', 'ones', 'full', 'eye'];
const DIRECTIVES = ['seed', 'jacobian', 'wrt', 'gradcheck', 'train', 'steps', 'log', 'every'];
const DECLARATIONS = ['input', 'target', 'param', 'const', 'loss'];
const OPTIMIZERS = ['sgd', 'adam'];

/** Every rule object in the grammar, depth first. */
function allRules(node: any, out: any[] = []): any[] {
  if (Array.isArray(node)) {
    for (const n of node) allRules(n, out);
  } else if (node && typeof node === 'object') {
    if ('match' in node || 'begin' in node || 'end' in node || 'include' in node || 'patterns' in node) out.push(node);
    for (const v of Object.values(node)) allRules(v, out);
  }
  return out;
}

/** The words of the alternations `(a|b|c)` / `(?:a|b|c)` in a regex source. */
function alternationWords(source: string): string[] {
  const words: string[] = [];
  for (const m of source.matchAll(/\((?:\?:)?([A-Za-z_]+(?:\|[A-Za-z_]+)+)\)/g)) words.push(...m[1].split('|'));
  return words;
}

/** Words listed in the rules (anywhere in the grammar) whose scope starts with `scopePrefix`. */
function wordsForScope(scopePrefix: string): Set<string> {
  const words = new Set<string>();
  for (const rule of allRules(grammarJson)) {
    const regex: string | undefined = rule.match ?? rule.begin;
    if (!regex) continue;
    const names: string[] = [rule.name, ...Object.values(rule.captures ?? {}), ...Object.values(rule.beginCaptures ?? {})]
      .map((c: any) => (typeof c === 'string' ? c : c?.name))
      .filter(Boolean);
    if (!names.some((n) => n.startsWith(scopePrefix))) continue;
    const alts = alternationWords(regex);
    if (alts.length > 0) alts.forEach((w) => words.add(w));
    else for (const m of regex.matchAll(/\(([A-Za-z_]+)\)/g)) words.add(m[1]);
  }
  return words;
}

describe('grammar JSON', () => {
  it('has the right scope name and an include for every repository rule it uses', () => {
    expect(grammarJson.scopeName).toBe('source.gradscope');
    const repo = Object.keys(grammarJson.repository);
    for (const rule of allRules(grammarJson)) {
      if (typeof rule.include === 'string' && rule.include.startsWith('#')) {
        expect(repo, `include ${rule.include}`).toContain(rule.include.slice(1));
      }
    }
  });

  it('has only regexes that compile with JS RegExp (no Oniguruma-only constructs)', () => {
    const sources: string[] = [];
    for (const rule of allRules(grammarJson)) {
      for (const key of ['match', 'begin', 'end', 'while']) if (typeof rule[key] === 'string') sources.push(rule[key]);
    }
    expect(sources.length).toBeGreaterThan(15);
    for (const src of sources) {
      expect(() => new RegExp(src), src).not.toThrow();
      expect(() => new RegExp(src, 'u'), src).not.toThrow();
    }
  });

  it('lists every differentiable function, and nothing else, as support.function.differentiable', () => {
    expect([...wordsForScope('support.function.differentiable')].sort()).toEqual([...FUNCTIONS].sort());
  });

  it('lists every initialiser, and nothing else, as support.function.initializer', () => {
    expect([...wordsForScope('support.function.initializer')].sort()).toEqual([...INITIALISERS].sort());
  });

  it('lists every directive keyword as keyword.control', () => {
    expect([...wordsForScope('keyword.control')].sort()).toEqual([...DIRECTIVES].sort());
  });

  it('lists every declaration keyword as storage.type', () => {
    expect([...wordsForScope('storage.type')].sort()).toEqual([...DECLARATIONS].sort());
  });

  it('lists the optimizers as support.class', () => {
    expect([...wordsForScope('support.class')].sort()).toEqual([...OPTIMIZERS].sort());
  });
});

describe('language configuration', () => {
  const config = readJson('language-configuration.json');

  it('uses # comments and () [] brackets', () => {
    expect(config.comments.lineComment).toBe('#');
    expect(config.brackets).toEqual([['(', ')'], ['[', ']']]);
    expect(config.autoClosingPairs.map((p: any) => [p.open, p.close])).toEqual([['(', ')'], ['[', ']']]);
    expect(config.surroundingPairs).toEqual([['(', ')'], ['[', ']']]);
  });

  it('has a word pattern that keeps names and numbers whole', () => {
    const word = new RegExp(config.wordPattern, 'g');
    const words = (s: string) => s.match(word);
    expect(words('y_hat')).toEqual(['y_hat']);
    expect(words('W1 @ x')).toEqual(['W1', 'x']);
    expect(words('lr=1e-3')).toEqual(['lr', '1e-3']);
    expect(words('0.5 * .5')).toEqual(['0.5', '.5']);
    expect(words('W.T')).toEqual(['W', 'T']);
  });
});

describe('snippets', () => {
  const snippets = readJson('snippets/gradscope.json');

  it('every snippet has a prefix, a body and a description', () => {
    const entries = Object.entries<any>(snippets);
    expect(entries.length).toBeGreaterThanOrEqual(5);
    for (const [name, s] of entries) {
      expect(typeof s.prefix, name).toBe('string');
      expect(s.prefix.length, name).toBeGreaterThan(0);
      expect(typeof s.description, name).toBe('string');
      expect(s.description.length, name).toBeGreaterThan(0);
      const body = Array.isArray(s.body) ? s.body : [s.body];
      expect(body.length, name).toBeGreaterThan(0);
      for (const line of body) expect(typeof line, name).toBe('string');
    }
  });

  it('provides the layer, train, jacobian, mlp and adam snippets', () => {
    const prefixes = Object.values<any>(snippets).map((s) => s.prefix);
    for (const p of ['layer', 'train', 'jacobian', 'mlp', 'adam']) expect(prefixes).toContain(p);
    const byPrefix = (p: string) => Object.values<any>(snippets).find((s) => s.prefix === p).body.join('\n');
    expect(byPrefix('jacobian')).toContain('jacobian [${1:y}] wrt [${2:x}]');
    expect(byPrefix('train')).toContain('${4|sgd,adam|}');
    expect(byPrefix('mlp')).toMatch(/^seed /m);
    expect(byPrefix('mlp')).toMatch(/^loss /m);
    expect(byPrefix('mlp')).toMatch(/^train /m);
  });
});

// ---------------------------------------------------------------------------
// Real tokenisation.

const EXAMPLE = `# examples/training.grad
seed 42
input x = [0.5, -0.3]
target y = 1.0
param W1 = randn(2, 2) * 0.5
param b1 = randn(2) * 0.5
a1 = tanh(W1 @ x + b1)
y_hat = W3 @ a2 + b3
loss L = 0.5 * (y_hat - y)^2
jacobian [y1, y2] wrt [h1, h2, h3]
gradcheck
train sgd(lr=0.01) steps 1000 log every 100
`;

interface Token {
  line: number;
  text: string;
  scopes: string[];
}

let grammar: vsctm.IGrammar;

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const require = createRequire(__filename);
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.gradscope'
        ? vsctm.parseRawGrammar(readFileSync(resolve(root, 'syntaxes/gradscope.tmLanguage.json'), 'utf8'), 'gradscope.tmLanguage.json')
        : null,
  });
  const g = await registry.loadGrammar('source.gradscope');
  if (!g) throw new Error('grammar did not load');
  return g;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let ruleStack = vsctm.INITIAL;
  text.split('\n').forEach((line, i) => {
    const r = grammar.tokenizeLine(line, ruleStack);
    for (const t of r.tokens) out.push({ line: i, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    ruleStack = r.ruleStack;
  });
  return out;
}

/** The innermost scope of the `nth` token on `line` (0-based) whose text is `text`. */
function scopeOf(tokens: Token[], line: number, text: string, nth = 0): string {
  const found = tokens.filter((t) => t.line === line && t.text === text);
  if (!found[nth]) {
    const onLine = tokens.filter((t) => t.line === line).map((t) => JSON.stringify(t.text));
    throw new Error(`no token ${JSON.stringify(text)} #${nth} on line ${line}; tokens: ${onLine.join(' ')}`);
  }
  return found[nth].scopes[found[nth].scopes.length - 1];
}

describe('tokenisation with vscode-textmate', () => {
  let tokens: Token[];
  beforeAll(async () => {
    grammar = await loadGrammar();
    tokens = tokenize(EXAMPLE);
  });

  it('scopes comments, declarations and names', () => {
    expect(scopeOf(tokens, 0, '#')).toBe('punctuation.definition.comment.gradscope');
    expect(scopeOf(tokens, 0, ' examples/training.grad')).toBe('comment.line.number-sign.gradscope');
    expect(scopeOf(tokens, 2, 'input')).toMatch(/^storage\.type\./);
    expect(scopeOf(tokens, 2, 'x')).toMatch(/^entity\.name\.variable\./);
    expect(scopeOf(tokens, 3, 'target')).toMatch(/^storage\.type\./);
    expect(scopeOf(tokens, 4, 'param')).toMatch(/^storage\.type\./);
    expect(scopeOf(tokens, 4, 'W1')).toMatch(/^entity\.name\.variable\./);
    expect(scopeOf(tokens, 6, 'a1')).toMatch(/^entity\.name\.variable\./);
    expect(scopeOf(tokens, 7, 'y_hat')).toMatch(/^entity\.name\.variable\./);
    expect(scopeOf(tokens, 8, 'loss')).toMatch(/^storage\.type\./);
    expect(scopeOf(tokens, 8, 'L')).toMatch(/^entity\.name\.variable\./);
    expect(scopeOf(tokens, 8, 'y_hat')).toBe('variable.other.gradscope');
  });

  it('scopes functions, initialisers, numbers and operators', () => {
    expect(scopeOf(tokens, 6, 'tanh')).toBe('support.function.differentiable.gradscope');
    expect(scopeOf(tokens, 4, 'randn')).toBe('support.function.initializer.gradscope');
    expect(scopeOf(tokens, 4, '0.5')).toMatch(/^constant\.numeric\./);
    expect(scopeOf(tokens, 2, '0.5')).toMatch(/^constant\.numeric\./);
    expect(scopeOf(tokens, 2, '0.3')).toMatch(/^constant\.numeric\./);
    expect(scopeOf(tokens, 2, '-')).toMatch(/^keyword\.operator\./);
    expect(scopeOf(tokens, 1, '42')).toMatch(/^constant\.numeric\./);
    expect(scopeOf(tokens, 6, '@')).toMatch(/^keyword\.operator\./);
    expect(scopeOf(tokens, 6, '+')).toMatch(/^keyword\.operator\./);
    expect(scopeOf(tokens, 8, '^')).toMatch(/^keyword\.operator\./);
    expect(scopeOf(tokens, 4, '*')).toMatch(/^keyword\.operator\./);
    expect(scopeOf(tokens, 4, '(')).toBe('punctuation.section.parens.begin.gradscope');
    expect(scopeOf(tokens, 2, '[')).toBe('punctuation.section.brackets.begin.gradscope');
  });

  it('scopes directives, optimizers and keyword arguments', () => {
    expect(scopeOf(tokens, 1, 'seed')).toMatch(/^keyword\.control\./);
    expect(scopeOf(tokens, 9, 'jacobian')).toMatch(/^keyword\.control\./);
    expect(scopeOf(tokens, 9, 'wrt')).toMatch(/^keyword\.control\./);
    expect(scopeOf(tokens, 9, 'h2')).toBe('variable.other.gradscope');
    expect(scopeOf(tokens, 10, 'gradcheck')).toMatch(/^keyword\.control\./);
    expect(scopeOf(tokens, 11, 'train')).toMatch(/^keyword\.control\./);
    expect(scopeOf(tokens, 11, 'sgd')).toMatch(/^support\.class\./);
    expect(scopeOf(tokens, 11, 'lr')).toMatch(/^variable\.parameter/);
    expect(scopeOf(tokens, 11, '0.01')).toMatch(/^constant\.numeric\./);
    expect(scopeOf(tokens, 11, 'steps')).toMatch(/^keyword\.control\./);
    expect(scopeOf(tokens, 11, 'log')).toMatch(/^keyword\.control\./);
    expect(scopeOf(tokens, 11, 'every')).toMatch(/^keyword\.control\./);
    expect(scopeOf(tokens, 11, '100')).toMatch(/^constant\.numeric\./);
  });

  it('tells log() the function from log every', () => {
    const t = tokenize('loss L = -log(p)  # nll\ntrain adam(lr=1e-3, beta1=0.9) steps 10 log every 2');
    expect(scopeOf(t, 0, 'log')).toBe('support.function.differentiable.gradscope');
    expect(scopeOf(t, 0, '#')).toBe('punctuation.definition.comment.gradscope');
    expect(scopeOf(t, 1, 'log')).toMatch(/^keyword\.control\./);
    expect(scopeOf(t, 1, 'adam')).toMatch(/^support\.class\./);
    expect(scopeOf(t, 1, 'beta1')).toMatch(/^variable\.parameter/);
    expect(scopeOf(t, 1, '1e-3')).toMatch(/^constant\.numeric\./);
  });

  it('keeps names, numbers and transposes whole', () => {
    const t = tokenize('h = W1.T @ x[0] + .5 * W[1, 0] + 2.5E+4 - 1e-3');
    expect(scopeOf(t, 0, 'W1')).toBe('variable.other.gradscope');
    expect(scopeOf(t, 0, 'T')).toBe('keyword.operator.transpose.gradscope');
    expect(scopeOf(t, 0, '.')).toMatch(/^punctuation\.accessor/);
    expect(scopeOf(t, 0, '0')).toMatch(/^constant\.numeric\.integer/);
    expect(scopeOf(t, 0, '.5')).toMatch(/^constant\.numeric\.float/);
    expect(scopeOf(t, 0, '2.5E+4')).toMatch(/^constant\.numeric\.float/);
    expect(scopeOf(t, 0, '1e-3')).toMatch(/^constant\.numeric\.float/);
  });

  it('carries a bracketed expression over several lines and keyword arguments inside calls', () => {
    const t = tokenize('param W = [[2, 1],\n           [1, 3]]\nh = sum(W,\n  axis=0)\nz = h');
    expect(scopeOf(t, 1, '3')).toMatch(/^constant\.numeric\./);
    expect(scopeOf(t, 1, ']', 1)).toBe('punctuation.section.brackets.end.gradscope');
    expect(scopeOf(t, 2, 'sum')).toBe('support.function.differentiable.gradscope');
    expect(scopeOf(t, 3, 'axis')).toMatch(/^variable\.parameter/);
    expect(scopeOf(t, 4, 'z')).toMatch(/^entity\.name\.variable\./);
    // Nothing is left open at the end.
    expect(t.filter((x) => x.line === 4).every((x) => !x.scopes.some((s) => s.startsWith('meta.')))).toBe(true);
  });

  it('does not take a function name without a call, or a keyword inside a longer name, as a keyword', () => {
    const t = tokenize('params = inputs + max_x + exp2');
    expect(scopeOf(t, 0, 'params')).toMatch(/^entity\.name\.variable\./);
    expect(scopeOf(t, 0, 'inputs')).toBe('variable.other.gradscope');
    expect(scopeOf(t, 0, 'max_x')).toBe('variable.other.gradscope');
    expect(scopeOf(t, 0, 'exp2')).toBe('variable.other.gradscope');
  });
});
