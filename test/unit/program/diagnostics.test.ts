// Bad input never throws: it comes back as diagnostics with exact ranges and messages that name the
// shapes or names involved. Expected ranges are derived from the source text, never hard-coded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import type { Diagnostic } from '../../../src/language/diagnostics';
import { analyze, type Analysis } from '../../../src/program/analyze';
import { buildReport } from '../../../src/program/report';
import { Trainer } from '../../../src/program/trainer';
import { prng } from '../prng';

/** The range of the `occurrence`-th (0-based) appearance of `snippet` in `source`. */
function rangeOf(source: string, snippet: string, occurrence = 0): { start: number; end: number } {
  let start = -1;
  for (let i = 0; i <= occurrence; i++) {
    start = source.indexOf(snippet, start + 1);
    if (start < 0) throw new Error(`'${snippet}' occurs fewer than ${occurrence + 1} times in the source`);
  }
  return { start, end: start + snippet.length };
}

function analyzed(source: string): Analysis {
  let analysis: Analysis | undefined;
  expect(() => (analysis = analyze(source))).not.toThrow();
  return analysis!;
}

/** The one diagnostic with this code (fails if there is none or several). */
function only(analysis: Analysis, code: string): Diagnostic {
  const found = analysis.diagnostics.filter((d) => d.code === code);
  expect(found, `diagnostics with code ${code}: ${JSON.stringify(analysis.diagnostics)}`).toHaveLength(1);
  return found[0];
}

describe('errors come back as diagnostics with exact ranges', () => {
  it('a syntax error: an unclosed bracket points at the bracket', () => {
    const source = 'input x = 1.0\nh = (x + 2\nloss L = x * 3\n';
    const a = analyzed(source);
    const d = a.diagnostics[0];
    expect(d.severity).toBe('error');
    expect(d.range).toEqual(rangeOf(source, '('));
    expect(d.message).toContain("')'");
    expect(a.hasErrors).toBe(true);
    // The parser recovers at the end of the line: the loss on the next line is still compiled.
    expect(a.program.loss?.name).toBe('L');
  });

  it('a syntax error: a missing operand is reported just after the operator', () => {
    const source = 'x = 1 +\ny = 2\n';
    const d = only(analyzed(source), 'expected-expression');
    const plus = rangeOf(source, '+');
    expect(d.range).toEqual({ start: plus.end, end: plus.end });
    expect(d.message).toContain("'+'");
    expect(d.message).toContain('end of line');
  });

  it('an unknown name suggests the closest one', () => {
    const source = 'input weight = 1.0\nloss L = wieght * 2\n';
    const d = only(analyzed(source), 'unknown-name');
    expect(d.severity).toBe('error');
    expect(d.range).toEqual(rangeOf(source, 'wieght'));
    expect(d.message).toBe("Unknown name 'wieght'. Did you mean 'weight'?");
  });

  it('an unknown function names itself and the closest function, at the callee', () => {
    const source = 'input x = 1.0\nloss L = tanhh(x)\n';
    const d = only(analyzed(source), 'unknown-function');
    expect(d.range).toEqual(rangeOf(source, 'tanhh'));
    expect(d.message).toContain("'tanhh'");
    expect(d.message).toContain("Did you mean 'tanh'?");
  });

  it('a shape mismatch names both shapes and covers the whole product', () => {
    const expr = '[[1,2,3],[4,5,6]] @ [1, 2]';
    const source = `h = ${expr}\n`;
    const d = only(analyzed(source), 'shape');
    expect(d.range).toEqual(rangeOf(source, expr));
    expect(d.message).toContain('[2, 3]');
    expect(d.message).toContain('[2]');
  });

  it('a broadcast mismatch names both shapes and the operator', () => {
    const expr = '[1, 2, 3] + [1, 2]';
    const source = `input x = 1.0\nh = x * (${expr})\n`;
    const d = only(analyzed(source), 'shape');
    expect(d.range).toEqual(rangeOf(source, expr));
    expect(d.message).toContain('[3]');
    expect(d.message).toContain('[2]');
    expect(d.message).toContain("'+'");
  });

  it('a second loss is reported at its keyword, naming both losses', () => {
    const source = 'input x = 1.0\nloss L = x * 2\nloss M = x * 3\n';
    const d = only(analyzed(source), 'second-loss');
    expect(d.range).toEqual(rangeOf(source, 'loss', 1));
    expect(d.message).toContain("'M'");
    expect(d.message).toContain("'L'");
  });

  it('a non-scalar loss names its shape, at its expression', () => {
    const source = 'input x = [1.0, 2.0]\nloss L = x * 2\n';
    const d = only(analyzed(source), 'loss-not-scalar');
    expect(d.range).toEqual(rangeOf(source, 'x * 2'));
    expect(d.message).toContain('[2]');
    expect(d.message).toContain("'L'");
  });

  it('a jacobian of a name that does not exist points at that name', () => {
    const source = 'input x = 1.0\ny = 2 * x\njacobian [y, nope] wrt x\n';
    const a = analyzed(source);
    const d = only(a, 'unknown-name');
    expect(d.range).toEqual(rangeOf(source, 'nope'));
    expect(d.message).toContain("'nope'");
    expect(a.jacobians).toEqual([]);
  });

  it('a tensor over 10 million elements is reported, never allocated', () => {
    const source = 'param W = zeros(10000, 10000)\n';
    const d = only(analyzed(source), 'too-large');
    expect(d.range).toEqual(rangeOf(source, 'zeros(10000, 10000)'));
    expect(d.message).toContain('[10000, 10000]');
    expect(d.message).toContain('100,000,000');
  });

  it('an op whose result would exceed 10 million elements is reported at the op', () => {
    const source = 'input a = zeros(10000)\nh = outer(a, a)\n';
    const d = only(analyzed(source), 'shape');
    expect(d.range).toEqual(rangeOf(source, 'outer(a, a)'));
    expect(d.message).toContain('[10000, 10000]');
  });

  it('a name used before it is defined points at the use and names the line of the definition', () => {
    const source = 'h = x * 2\ninput x = 1.0\n';
    const d = only(analyzed(source), 'used-before-defined');
    expect(d.range).toEqual(rangeOf(source, 'x'));
    expect(d.message).toContain("'x'");
    expect(d.message).toContain('line 2');
  });

  it('a duplicate name points at the second definition and names the first line', () => {
    const source = 'input x = 1.0\ninput x = 2.0\n';
    const d = only(analyzed(source), 'duplicate-name');
    expect(d.range).toEqual(rangeOf(source, 'x', 1));
    expect(d.message).toContain("'x'");
    expect(d.message).toContain('line 1');
  });

  it('gradcheck and train without a loss are reported at each directive', () => {
    const source = 'input x = 1.0\ngradcheck\ntrain sgd(lr=0.1) steps 10\n';
    const a = analyzed(source);
    const found = a.diagnostics.filter((d) => d.code === 'no-loss');
    expect(found.map((d) => d.range)).toEqual([rangeOf(source, 'gradcheck'), rangeOf(source, 'train sgd(lr=0.1) steps 10')]);
    expect(found[0].message).toContain('gradcheck');
    expect(found[1].message).toContain('train');
  });
});

describe('warnings', () => {
  it('NaN is reported at the node that produced it: the log call, not the loss', () => {
    const source = 'input x = -1.0\nloss L = log(x) * 2\n';
    const a = analyzed(source);
    expect(a.hasErrors).toBe(false);
    const d = only(a, 'non-finite');
    expect(d.severity).toBe('warning');
    expect(d.range).toEqual(rangeOf(source, 'log(x)'));
    expect(d.message).toContain('log');
    expect(a.loss).toBeNaN();
  });

  it('a non-finite gradient is reported where it is produced: sqrt at 0', () => {
    const source = 'input x = 0.0\nh = 3 * x\nloss L = sqrt(h) + h\n';
    const a = analyzed(source);
    const d = only(a, 'non-finite-gradient');
    expect(d.severity).toBe('warning');
    expect(d.range).toEqual(rangeOf(source, 'sqrt(h)'));
    expect(d.message).toContain("'h'");
    // The value is finite (sqrt(0) = 0): only the gradient is reported.
    expect(a.diagnostics.filter((x) => x.code === 'non-finite')).toEqual([]);
  });

  it('NaN produced by an initialiser is reported too (a param that starts as NaN)', () => {
    const source = 'param W = log(-1.0)\nloss L = W * 2\n';
    const a = analyzed(source);
    expect(a.loss).toBeNaN();
    const line = rangeOf(source, 'param W = log(-1.0)');
    const nonFinite = a.diagnostics.filter((d) => d.code === 'non-finite');
    expect(nonFinite, 'a warning inside the declaration of W').toHaveLength(1);
    expect(nonFinite[0].range.start).toBeGreaterThanOrEqual(line.start);
    expect(nonFinite[0].range.end).toBeLessThanOrEqual(line.end);
  });

  it('a param that does not affect the loss is reported at its name', () => {
    const source = 'input x = 1.0\nparam W = 2.0\nparam V = 3.0\nloss L = W * x\n';
    const a = analyzed(source);
    const d = only(a, 'unused-param');
    expect(d.severity).toBe('warning');
    expect(d.range).toEqual(rangeOf(source, 'V'));
    expect(d.message).toContain("'V'");
    expect(d.message).toContain("'L'");
    expect(a.hasErrors).toBe(false);
  });
});


const FRAGMENTS = [
  '(', ')', '[', ']', ',', '=', '@', '^', '*', '/', '-', '+', '.T', '.', '\n', ' ', '\r\n', '\r', '\t', '#',
  '0', '-1', '2', '1e999', '1e-3', '1.2.3', '.5', 'NaN', '99999', '10000000', 'x', 'y', 'W1', 'h1', 'a1', 'y_hat',
  'input', 'param', 'target', 'const', 'loss', 'seed', 'jacobian', 'wrt', 'gradcheck', 'train', 'steps', 'log', 'every',
  'sgd(lr=0.1)', 'adam(', 'momentum=', 'eps=', 'randn(', 'rand(2, 3)', 'zeros(3,', 'ones(2)', 'eye(2)', 'full(', 'reshape(x, -1)',
  'sum(', 'axis=', 'max(', 'mean(', 'softmax(', 'log_softmax(', 'cross_entropy(', 'bce(', 'mse(', 'outer(', 'dot(', 'leaky_relu(',
  '[[', ']]', 'é', '\u200b', '\u0000', '😀', '"', "'", 'loss L2 = sum(x)', '\nparam Z = randn(2, 2)\n', '\njacobian [y_hat] wrt [W1, x]\n',
];

function mutate(source: string, rng: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
  let s = source;
  const count = 1 + Math.floor(rng() * 4);
  for (let m = 0; m < count; m++) {
    const kind = Math.floor(rng() * 6);
    const i = Math.floor(rng() * (s.length + 1));
    if (kind === 0) {
      s = s.slice(0, i) + s.slice(i + 1 + Math.floor(rng() * 10));
    } else if (kind === 1 || kind === 2) {
      s = s.slice(0, i) + pick(FRAGMENTS) + s.slice(i);
    } else if (kind === 3) {
      const lines = s.split('\n');
      const l = Math.floor(rng() * lines.length);
      lines.splice(Math.floor(rng() * lines.length), 0, lines[l]);
      s = lines.join('\n');
    } else if (kind === 4) {
      const lines = s.split('\n');
      const a = Math.floor(rng() * lines.length);
      const b = Math.floor(rng() * lines.length);
      [lines[a], lines[b]] = [lines[b], lines[a]];
      s = lines.join('\n');
    } else {
      s = s.replace(/\d+(\.\d+)?/g, (n) => (rng() < 0.15 ? pick(['0', '-3', '2.5', '1e300', '3', '1000', '0.0']) : n));
    }
  }
  return s;
}

describe('fuzz: mutated examples never throw', () => {
  const examples = ['jacobians.grad', 'training.grad'].map((f) => readFileSync(join(__dirname, '..', '..', '..', 'examples', f), 'utf8'));

  it('3000 random mutations come back as well-formed analyses', () => {
    const rng = prng(20240611);
    const problems: string[] = [];
    let withErrors = 0;
    for (let n = 0; n < 3000; n++) {
      const source = mutate(examples[n % 2], rng);
      try {
        const a = analyze(source);
        for (const d of a.diagnostics) {
          const { start, end } = d.range;
          if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= source.length)) {
            problems.push(`#${n}: range ${JSON.stringify(d.range)} outside the source (length ${source.length}) for ${d.code}`);
          }
          if (typeof d.message !== 'string' || d.message.length === 0) problems.push(`#${n}: empty message for ${d.code}`);
        }
        if (a.hasErrors !== a.diagnostics.some((d) => d.severity === 'error')) problems.push(`#${n}: hasErrors disagrees with the diagnostics`);
        if (a.hasErrors) withErrors++;
        // The report of a broken file still serialises; a clean file with a train directive trains.
        const trainer = !a.hasErrors && a.program.train && a.program.loss ? new Trainer(a.program, a.program.train) : null;
        trainer?.run(3);
        JSON.stringify(buildReport(a, trainer));
      } catch (e) {
        problems.push(`#${n}: threw ${e instanceof Error ? e.stack : String(e)}\n--- source ---\n${source}`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    // The mutations do break files (and not only trivially): both outcomes occur.
    expect(withErrors).toBeGreaterThan(300);
    expect(withErrors).toBeLessThan(3000);
  });
});

describe('limits that keep a run from stalling', () => {
  it('refuses a Jacobian with more than 100,000 entries, naming its size', () => {
    const source = 'param W = zeros(400, 400)\ny = W @ ones(400)\njacobian y wrt W\n';
    const { diagnostics } = analyze(source);
    const d = diagnostics.find((x) => x.code === 'too-large');
    expect(d?.message).toContain('400 × 160,000');
    expect(source.slice(d!.range.start, d!.range.end)).toBe('jacobian y wrt W');
  });
});

describe('one mistake, one diagnostic', () => {
  it('a typo upstream of the loss does not also claim the file has no loss', () => {
    const source = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'training.grad'), 'utf8').replace('a1 = tanh(', 'a1 = tahn(');
    const { diagnostics } = analyze(source);
    expect(diagnostics.map((d) => d.code)).toEqual(['unknown-function']);
    expect(diagnostics[0].message).toBe("Unknown function 'tahn'. Did you mean 'tanh'?");
  });
});
