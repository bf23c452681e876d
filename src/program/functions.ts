// The catalogue of functions a `.grad` file can call: what the compiler accepts, and what hovers,
// completions and docs show. One entry per function.

/** A differentiable function builds graph nodes; an initialiser draws a constant once. */
export type FunctionKind = 'differentiable' | 'initializer';

/** What a function accepts and how it is documented. */
export interface FunctionSpec {
  readonly kind: FunctionKind;
  /** As shown to users: `leaky_relu(x, alpha=0.01)`. */
  readonly signature: string;
  readonly summary: string;
  /** Fewest and most positional arguments (Infinity for a list of dimensions). */
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Keyword arguments it takes. */
  readonly named: readonly string[];
}

const unary = (summary: string): FunctionSpec => ({ kind: 'differentiable', signature: '', summary, minArgs: 1, maxArgs: 1, named: [] });
const reduction = (summary: string): FunctionSpec => ({ kind: 'differentiable', signature: '', summary, minArgs: 1, maxArgs: 2, named: ['axis'] });
const pair = (summary: string): FunctionSpec => ({ kind: 'differentiable', signature: '', summary, minArgs: 2, maxArgs: 2, named: [] });
const dims = (summary: string): FunctionSpec => ({ kind: 'initializer', signature: '', summary, minArgs: 0, maxArgs: Infinity, named: [] });

const table: Record<string, FunctionSpec> = {
  tanh: unary('Hyperbolic tangent, elementwise.'),
  sigmoid: unary('Logistic sigmoid 1 / (1 + e^-x), elementwise.'),
  relu: unary('max(x, 0), elementwise; its gradient at 0 is 0.'),
  exp: unary('e^x, elementwise.'),
  log: unary('Natural logarithm, elementwise.'),
  sqrt: unary('Square root, elementwise.'),
  abs: unary('|x|, elementwise; its gradient at 0 is 0.'),
  sin: unary('Sine, elementwise.'),
  cos: unary('Cosine, elementwise.'),
  softplus: unary('log(1 + e^x), elementwise.'),
  leaky_relu: { kind: 'differentiable', signature: '', summary: 'x where x > 0, alpha x elsewhere.', minArgs: 1, maxArgs: 2, named: ['alpha'] },
  softmax: unary('Softmax over the last axis.'),
  log_softmax: unary('Log of the softmax over the last axis, computed stably.'),
  sum: reduction('Sum of all elements, or along `axis`.'),
  mean: reduction('Mean of all elements, or along `axis`.'),
  max: reduction('Largest element, or along `axis`; the gradient goes to the first maximum.'),
  dot: pair('Dot product of two vectors of the same length.'),
  outer: pair('Outer product: outer(a, b)[i, j] = a[i] b[j].'),
  reshape: { kind: 'differentiable', signature: '', summary: 'The same elements in a new shape; one dimension may be -1.', minArgs: 1, maxArgs: Infinity, named: [] },
  mse: pair('Mean of squared differences, as PyTorch mse_loss.'),
  cross_entropy: pair('Mean cross-entropy of logits [N, C] against class indices [N] (or [C] and a scalar), as PyTorch cross_entropy.'),
  bce: pair('Mean binary cross-entropy of probabilities against targets, as PyTorch binary_cross_entropy.'),
  randn: dims('Standard normal samples of the given shape, from the seeded numpy-compatible generator.'),
  rand: dims('Uniform samples in [0, 1) of the given shape, from the seeded generator.'),
  zeros: dims('A tensor of zeros.'),
  ones: dims('A tensor of ones.'),
  full: { kind: 'initializer', signature: '', summary: 'A tensor filled with `value`.', minArgs: 1, maxArgs: Infinity, named: [] },
  eye: { kind: 'initializer', signature: '', summary: 'The n x n identity matrix.', minArgs: 1, maxArgs: 1, named: [] },
};

const signatures: Record<string, string> = {
  leaky_relu: 'leaky_relu(x, alpha=0.01)',
  sum: 'sum(x, axis=None)',
  mean: 'mean(x, axis=None)',
  max: 'max(x, axis=None)',
  dot: 'dot(a, b)',
  outer: 'outer(a, b)',
  reshape: 'reshape(x, d1, d2, ...)',
  mse: 'mse(pred, target)',
  cross_entropy: 'cross_entropy(logits, labels)',
  bce: 'bce(prob, target)',
  randn: 'randn(d1, d2, ...)',
  rand: 'rand(d1, d2, ...)',
  zeros: 'zeros(d1, d2, ...)',
  ones: 'ones(d1, d2, ...)',
  full: 'full(value, d1, d2, ...)',
  eye: 'eye(n)',
};

/** Every function by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(
  Object.entries(table).map(([name, spec]) => [name, { ...spec, signature: signatures[name] ?? `${name}(x)` }]),
);

/** The closest known word, for "did you mean" hints: one edit away for short words, two for longer ones. */
export function closestWord(word: string, candidates: Iterable<string>): string | null {
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Edit distance where swapping two neighbouring letters counts as one edit (typing `tahn` for `tanh`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
