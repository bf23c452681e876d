// Every registered op's analytic gradient against float64 central differences, over random shapes
// (broadcast shapes included), as HIPS/autograd's check_grads drives one line per op. The table must
// cover every op the registry holds: a new rule without a case fails this file.
import { describe, it, expect } from 'vitest';
import { Graph, isGraphError } from '../../../src/engine/graph';
import type { GraphNode, OpAttrs } from '../../../src/engine/node';
import { allRules, registerRule, ruleFor } from '../../../src/engine/rule';
import { sizeOf, type Shape } from '../../../src/engine/shape';
import { prng } from '../prng';


type Rng = () => number;

/** How an input's values are drawn, so each op is checked away from its kinks and poles. */
type Domain = (rng: Rng, size: number) => number[];

const uniform = (lo: number, hi: number): Domain => (rng, n) => Array.from({ length: n }, () => lo + (hi - lo) * rng());
/** |x| in [lo, hi] with a random sign: away from 0 for relu, abs, division. */
const awayFromZero = (lo: number, hi: number): Domain => (rng, n) =>
  Array.from({ length: n }, () => (rng() < 0.5 ? -1 : 1) * (lo + (hi - lo) * rng()));
const normal: Domain = uniform(-2, 2);
/** Values at least 0.3 apart in shuffled order (plus a little noise): no ties anywhere for max. */
const distinct: Domain = (rng, n) => {
  const values = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.3 + 0.05 * rng());
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
};

interface InputSpec {
  readonly shape: Shape;
  readonly domain: Domain | ((rng: Rng) => number[]);
  /** 'const' inputs carry no gradient (class labels, or a check that a const input is skipped). */
  readonly role?: 'param' | 'const';
}

interface Case {
  readonly label: string;
  readonly inputs: readonly InputSpec[];
  readonly attrs?: OpAttrs;
}

/** A fixed case, or one whose shapes are drawn from the seeded generator on each draw. */
type CaseGen = Case | ((rng: Rng) => Case);

const dim = (rng: Rng, max = 4) => 1 + Math.floor(rng() * max);
/** A random shape of rank 0 to maxRank with dimensions 1 to 4. */
const randomShape = (rng: Rng, minRank = 0, maxRank = 3): number[] =>
  Array.from({ length: minRank + Math.floor(rng() * (maxRank - minRank + 1)) }, () => dim(rng));
/** Two shapes that broadcast: the second drops some leading axes of the first and sets some to 1; randomly swapped. */
function randomBroadcastPair(rng: Rng): [number[], number[]] {
  const a = randomShape(rng, 1, 3);
  const b = a.slice(Math.floor(rng() * (a.length + 1))).map((d) => (rng() < 0.4 ? 1 : d));
  const a2 = a.map((d, i) => (i >= a.length - b.length && b[i - (a.length - b.length)] !== 1 && rng() < 0.3 ? 1 : d));
  return rng() < 0.5 ? [a2, b] : [b, a2];
}

const p = (shape: Shape, domain: Domain = normal): InputSpec => ({ shape, domain });
const c = (shape: Shape, domain: Domain = normal): InputSpec => ({ shape, domain, role: 'const' });

const UNARY_SHAPES: Shape[] = [[], [5], [2, 3], [2, 3, 4]];
const unaryCases = (domain: Domain, attrs?: OpAttrs): CaseGen[] => [
  ...UNARY_SHAPES.map((s) => ({ label: `[${s}]`, inputs: [p(s, domain)], attrs })),
  (rng: Rng) => {
    const s = randomShape(rng);
    return { label: `random [${s}]`, inputs: [p(s, domain)], attrs };
  },
];

/** Same-shape pairs, every broadcast pattern asked for, and a const operand (whose partial is null). */
const BINARY_SHAPES: [Shape, Shape][] = [
  [[], []],
  [[4], [4]],
  [[2, 3], [2, 3]],
  [[2, 3], [3]],
  [[3], [2, 3]],
  [[2, 1], [1, 4]],
  [[], [2, 2]],
  [[2, 2], []],
  [[3, 1], [3]],
  [[1], [3]],
  [[2, 3, 4], [3, 1]],
  [[2, 1, 4], [3, 1]],
];
const binaryCases = (left: Domain, right: Domain): CaseGen[] => [
  ...BINARY_SHAPES.map(([a, b]): Case => ({ label: `[${a}] with [${b}]`, inputs: [p(a, left), p(b, right)] })),
  (rng: Rng) => {
    const [a, b] = randomBroadcastPair(rng);
    return { label: `random [${a}] with [${b}]`, inputs: [p(a, left), p(b, right)] };
  },
  { label: 'const left [2,3] with [3]', inputs: [c([2, 3], left), p([3], right)] },
  { label: '[2,1] with const right [1,4]', inputs: [p([2, 1], left), c([1, 4], right)] },
];

const REDUCTION_CASES = (domain: Domain): CaseGen[] => [
  (rng: Rng) => {
    const s = randomShape(rng, 1, 3);
    const axis = rng() < 0.25 ? null : Math.floor(rng() * s.length);
    return { label: `random [${s}] axis ${axis}`, inputs: [p(s, domain)], attrs: { axis } };
  },
  { label: '[5] whole', inputs: [p([5], domain)], attrs: { axis: null } },
  { label: '[5] axis 0', inputs: [p([5], domain)], attrs: { axis: 0 } },
  { label: '[3,4] whole', inputs: [p([3, 4], domain)], attrs: { axis: null } },
  { label: '[3,4] no axis attr', inputs: [p([3, 4], domain)], attrs: {} },
  { label: '[3,4] axis 0', inputs: [p([3, 4], domain)], attrs: { axis: 0 } },
  { label: '[3,4] axis 1', inputs: [p([3, 4], domain)], attrs: { axis: 1 } },
  { label: '[2,3,4] whole', inputs: [p([2, 3, 4], domain)], attrs: { axis: null } },
  { label: '[2,3,4] axis 0', inputs: [p([2, 3, 4], domain)], attrs: { axis: 0 } },
  { label: '[2,3,4] axis 1', inputs: [p([2, 3, 4], domain)], attrs: { axis: 1 } },
  { label: '[2,3,4] axis 2', inputs: [p([2, 3, 4], domain)], attrs: { axis: 2 } },
];

/** Class indices 0..classes-1, as a const leaf: labels carry no gradient. */
const labels = (shape: Shape, classes: number): InputSpec => ({
  shape,
  role: 'const',
  domain: (rng: Rng) => Array.from({ length: sizeOf(shape) }, () => Math.floor(rng() * classes)),
});

const probabilities = uniform(0.05, 0.95);

/** One entry per registered op (leaf aside): the graphs its gradient is checked on. */
const CASES: Record<string, CaseGen[]> = {
  neg: unaryCases(normal),
  identity: unaryCases(normal),
  tanh: unaryCases(normal),
  sigmoid: unaryCases(uniform(-4, 4)),
  relu: unaryCases(awayFromZero(0.1, 2)),
  leaky_relu: [...unaryCases(awayFromZero(0.1, 2), { alpha: 0.2 }), { label: 'alpha 0.01', inputs: [p([6], awayFromZero(0.1, 2))], attrs: { alpha: 0.01 } }],
  exp: unaryCases(normal),
  log: unaryCases(uniform(0.3, 3)),
  sqrt: unaryCases(uniform(0.3, 3)),
  abs: unaryCases(awayFromZero(0.1, 2)),
  sin: unaryCases(uniform(-3, 3)),
  cos: unaryCases(uniform(-3, 3)),
  softplus: unaryCases(uniform(-5, 5)),
  add: binaryCases(normal, normal),
  sub: binaryCases(normal, normal),
  mul: binaryCases(normal, normal),
  div: binaryCases(normal, awayFromZero(0.5, 2)),
  pow: binaryCases(uniform(0.5, 2), uniform(-2, 2)),
  matmul: [
    { label: '1-D @ 1-D', inputs: [p([3]), p([3])] },
    { label: '2-D @ 1-D', inputs: [p([2, 3]), p([3])] },
    { label: '1-D @ 2-D', inputs: [p([3]), p([3, 4])] },
    { label: '2-D @ 2-D', inputs: [p([2, 3]), p([3, 4])] },
    { label: '[1,3] @ [3,1]', inputs: [p([1, 3]), p([3, 1])] },
    (rng: Rng) => {
      const [m, k, n] = [dim(rng), dim(rng), dim(rng)];
      const a = rng() < 0.5 ? [k] : [m, k];
      const b = rng() < 0.5 ? [k] : [k, n];
      return { label: `random [${a}] @ [${b}]`, inputs: [p(a), p(b)] };
    },
    { label: 'const [2,3] @ [3,2]', inputs: [c([2, 3]), p([3, 2])] },
    { label: '[4,2] @ const [2]', inputs: [p([4, 2]), c([2])] },
  ],
  dot: [
    { label: '[4] . [4]', inputs: [p([4]), p([4])] },
    { label: '[1] . [1]', inputs: [p([1]), p([1])] },
  ],
  outer: [
    { label: '[3] x [4]', inputs: [p([3]), p([4])] },
    { label: '[2,2] x [3] flattens', inputs: [p([2, 2]), p([3])] },
    { label: '[] x [2]', inputs: [p([]), p([2])] },
  ],
  transpose: [
    { label: '[2,3]', inputs: [p([2, 3])] },
    { label: '[1,5]', inputs: [p([1, 5])] },
    { label: '[4] (identity)', inputs: [p([4])] },
    { label: '[] (identity)', inputs: [p([])] },
  ],
  sum: REDUCTION_CASES(normal),
  mean: REDUCTION_CASES(normal),
  max: REDUCTION_CASES(distinct),
  softmax: [
    { label: '[]', inputs: [p([])] },
    { label: '[4]', inputs: [p([4])] },
    { label: '[3,4]', inputs: [p([3, 4])] },
    { label: '[2,3,4]', inputs: [p([2, 3, 4])] },
    (rng: Rng) => {
      const s = randomShape(rng, 1, 3);
      return { label: `random [${s}]`, inputs: [p(s)] };
    },
  ],
  log_softmax: [
    { label: '[]', inputs: [p([])] },
    { label: '[4]', inputs: [p([4])] },
    { label: '[3,4]', inputs: [p([3, 4])] },
    { label: '[2,3,4]', inputs: [p([2, 3, 4])] },
    (rng: Rng) => {
      const s = randomShape(rng, 1, 3);
      return { label: `random [${s}]`, inputs: [p(s)] };
    },
  ],
  mse: [
    { label: '[5] and [5]', inputs: [p([5]), p([5])] },
    { label: '[2,3] and [2,3]', inputs: [p([2, 3]), p([2, 3])] },
    { label: '[4] and scalar target', inputs: [p([4]), p([])] },
    { label: 'scalar pred and [3]', inputs: [p([]), p([3])] },
    { label: '[3] and [1]', inputs: [p([3]), p([1])] },
    { label: '[2,2] and const [2,2]', inputs: [p([2, 2]), c([2, 2])] },
  ],
  bce: [
    { label: '[5] and [5]', inputs: [p([5], probabilities), p([5], probabilities)] },
    { label: '[2,3] and [2,3]', inputs: [p([2, 3], probabilities), p([2, 3], probabilities)] },
    { label: '[4] and scalar target', inputs: [p([4], probabilities), p([], probabilities)] },
    { label: 'scalar prob and [3]', inputs: [p([], probabilities), p([3], probabilities)] },
    { label: '[3] and const 0/1 targets', inputs: [p([3], probabilities), { shape: [3], role: 'const', domain: () => [0, 1, 1] }] },
  ],
  cross_entropy: [
    { label: '[4,5] with labels [4]', inputs: [p([4, 5]), labels([4], 5)] },
    { label: '[1,3] with labels [1]', inputs: [p([1, 3]), labels([1], 3)] },
    { label: '[5] with a scalar label', inputs: [p([5]), labels([], 5)] },
    { label: '[2] with label 1', inputs: [p([2]), { shape: [], role: 'const', domain: () => [1] }] },
    (rng: Rng) => {
      const [n, classes] = [dim(rng), 1 + dim(rng)];
      return { label: `random [${n},${classes}]`, inputs: [p([n, classes]), labels([n], classes)] };
    },
  ],
  index: [
    { label: 'row 1 of [3,4]', inputs: [p([3, 4])], attrs: { offset: 4, shape: [4] } },
    { label: 'element [1,3] of [3,4]', inputs: [p([3, 4])], attrs: { offset: 7, shape: [] } },
    { label: 'block 1 of [2,3,4]', inputs: [p([2, 3, 4])], attrs: { offset: 12, shape: [3, 4] } },
    { label: 'row [0,2] of [2,3,4]', inputs: [p([2, 3, 4])], attrs: { offset: 8, shape: [4] } },
    { label: 'element 2 of [5]', inputs: [p([5])], attrs: { offset: 2, shape: [] } },
  ],
  reshape: [
    { label: '[2,3] to [3,2]', inputs: [p([2, 3])], attrs: { shape: [3, 2] } },
    { label: '[6] to [2,3]', inputs: [p([6])], attrs: { shape: [2, 3] } },
    { label: '[2,3,4] to [4,6]', inputs: [p([2, 3, 4])], attrs: { shape: [4, 6] } },
    { label: '[1] to []', inputs: [p([1])], attrs: { shape: [] } },
  ],
  stack: [
    { label: 'one [2]', inputs: [p([2])] },
    { label: 'three scalars', inputs: [p([]), p([]), p([])] },
    { label: 'three [2]', inputs: [p([2]), p([2]), p([2])] },
    { label: 'two [2,3]', inputs: [p([2, 3]), p([2, 3])] },
    { label: '[3], const [3], [3]', inputs: [p([3]), c([3]), p([3])] },
  ],
};

const EPS = 1e-6;
/** Random shapes per case: each case is drawn with this many seeds. */
const DRAWS = 3;

function must(x: GraphNode | { error: string }): GraphNode {
  if (isGraphError(x)) throw new Error(x.error);
  return x;
}

/**
 * Builds `sum(op(inputs) * w)` with a fixed random weighting w and returns the failures: elements
 * where the analytic gradient of a differentiable input is not within 1e-6 + 1e-5 |n| of the
 * central difference.
 */
function checkCase(op: string, gen: CaseGen, rng: Rng): { failures: string[]; checked: number } {
  const testCase = typeof gen === 'function' ? gen(rng) : gen;
  const graph = new Graph();
  const span = { start: 0, end: 0 };
  const leaves = testCase.inputs.map((spec) => {
    const values = spec.domain(rng, sizeOf(spec.shape));
    return must(graph.leaf(spec.role ?? 'param', spec.shape, values, span));
  });
  const out = must(graph.apply(op, leaves, testCase.attrs ?? {}, span));
  const weights = Array.from({ length: out.size }, () => 0.5 + rng());
  const w = must(graph.leaf('const', out.shape, weights, span));
  const root = must(graph.apply('sum', [must(graph.apply('mul', [out, w], {}, span))], { axis: null }, span));

  graph.backward(root);
  const failures: string[] = [];
  let checked = 0;
  leaves.forEach((leaf, i) => {
    if (leaf.role !== 'param' || !ruleFor(op).differentiable(i)) return;
    const analytic = Float64Array.from(leaf.grad);
    for (let k = 0; k < leaf.size; k++) {
      const original = leaf.value[k];
      leaf.value[k] = original + EPS;
      graph.forward(0);
      const plus = root.value[0];
      leaf.value[k] = original - EPS;
      graph.forward(0);
      const minus = root.value[0];
      leaf.value[k] = original;
      const numeric = (plus - minus) / (2 * EPS);
      checked++;
      if (!(Math.abs(analytic[k] - numeric) <= 1e-6 + 1e-5 * Math.abs(numeric))) {
        failures.push(`${op} ${testCase.label}: d/d input ${i} [${k}] analytic ${analytic[k]} numeric ${numeric}`);
      }
    }
  });
  graph.forward(0);
  return { failures, checked };
}

describe('every registered gradient rule', () => {
  it('matches central differences on random shapes, broadcast shapes included, for every op', () => {
    const registered = allRules().map((r) => r.op).filter((op) => op !== 'leaf');
    expect(registered.length).toBeGreaterThan(0);
    // A registered op without cases, or cases for an op that no longer exists, fails here by name.
    expect(registered.filter((op) => !(op in CASES)), 'ops with no gradient case').toEqual([]);
    expect(Object.keys(CASES).filter((op) => !registered.includes(op)), 'cases for unregistered ops').toEqual([]);

    const failures: string[] = [];
    const checkedPerOp: Record<string, number> = {};
    let seed = 1;
    for (const op of registered) {
      checkedPerOp[op] = 0;
      for (const gen of CASES[op]) {
        for (let draw = 0; draw < DRAWS; draw++) {
          try {
            const { failures: f, checked } = checkCase(op, gen, prng(seed++));
            failures.push(...f);
            checkedPerOp[op] += checked;
          } catch (e) {
            failures.push(`${op} ${typeof gen === 'function' ? 'random case' : gen.label} (seed ${seed - 1}): threw ${String(e)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // Every op had at least one element actually compared.
    expect(Object.entries(checkedPerOp).filter(([, n]) => n === 0)).toEqual([]);
  });
});

describe('the rule registry', () => {
  it('refuses a second rule for an op, naming the op', () => {
    const tanh = ruleFor('tanh');
    expect(() => registerRule({ ...tanh })).toThrow(/'tanh'/);
    // The first rule stays in place.
    expect(ruleFor('tanh')).toBe(tanh);
  });

  it('fails loudly for an op without a rule, naming the op', () => {
    expect(() => ruleFor('nope')).toThrow(/'nope'/);
    expect(() => new Graph().apply('nope', [], {}, { start: 0, end: 0 })).toThrow(/'nope'/);
  });
});
