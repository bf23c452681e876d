import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { NumpyRandom } from '../../../src/engine/random';

interface Call {
  call: 'rand' | 'randn';
  shape: number[];
  values: number[];
}

interface SeedCase {
  seed: number;
  uint32: number[];
  rand: number[];
  randn: number[];
  interleaved: Call[];
  cacheAcrossRand: Call[];
}

interface Fixture {
  numpyVersion: string;
  seeds: SeedCase[];
  training: {
    seed: number;
    scale: number;
    params: { name: string; shape: number[]; values: number[] }[];
  };
}

// JSON.parse, not a bundler JSON import, so the float64 bits are exactly
// what Python's repr wrote.
const fixture: Fixture = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'numpy-random.json'), 'utf8'),
);

// Element-wise toBe (Object.is) so a one-ulp drift or a -0/+0 swap fails and
// the message names the offending index.
function expectExact(actual: ArrayLike<number>, expected: number[], label: string): void {
  expect(actual.length, `${label}.length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i], `${label}[${i}]`).toBe(expected[i]);
  }
}

function runCall(rng: NumpyRandom, call: Call): number[] {
  // numpy's shape-() call returns a scalar: one draw, no array.
  if (call.shape.length === 0) {
    return [call.call === 'randn' ? rng.randn() : rng.rand()];
  }
  const out = new Float64Array(call.shape.reduce((a, b) => a * b, 1));
  if (call.call === 'randn') {
    rng.fillRandn(out);
  } else {
    rng.fillRand(out);
  }
  return Array.from(out);
}

describe('NumpyRandom matches numpy legacy RandomState', () => {
  for (const c of fixture.seeds) {
    describe(`seed ${c.seed}`, () => {
      it('raw uint32 stream', () => {
        const rng = new NumpyRandom(c.seed);
        expectExact(Array.from(c.uint32, () => rng.randomUint32()), c.uint32, 'uint32');
      });

      it('rand() scalar calls and fillRand agree with rand(12)', () => {
        const rng = new NumpyRandom(c.seed);
        expectExact(Array.from(c.rand, () => rng.rand()), c.rand, 'rand');
        const out = new Float64Array(c.rand.length);
        new NumpyRandom(c.seed).fillRand(out);
        expectExact(out, c.rand, 'fillRand');
      });

      it('randn() scalar calls and fillRandn agree with randn(12)', () => {
        const rng = new NumpyRandom(c.seed);
        expectExact(Array.from(c.randn, () => rng.randn()), c.randn, 'randn');
        const out = new Float64Array(c.randn.length);
        new NumpyRandom(c.seed).fillRandn(out);
        expectExact(out, c.randn, 'fillRandn');
      });

      it('interleaved calls carry the gauss cache across calls', () => {
        const rng = new NumpyRandom(c.seed);
        c.interleaved.forEach((call, i) => {
          expectExact(runCall(rng, call), call.values, `interleaved[${i}] ${call.call}`);
        });
      });

      it('the cached gauss survives intervening rand() draws', () => {
        const rng = new NumpyRandom(c.seed);
        c.cacheAcrossRand.forEach((call, i) => {
          expectExact(runCall(rng, call), call.values, `cacheAcrossRand[${i}] ${call.call}`);
        });
      });

      it('seed() restarts the stream and drops the cached gauss', () => {
        const rng = new NumpyRandom(c.seed);
        rng.randn();
        rng.rand();
        rng.seed(c.seed);
        expect(rng.randn()).toBe(c.randn[0]);
        expect(rng.randn()).toBe(c.randn[1]);
      });
    });
  }

  it('reproduces the seed-42 training initialisation', () => {
    const { seed, scale, params } = fixture.training;
    const rng = new NumpyRandom(seed);
    for (const p of params) {
      const out = new Float64Array(p.shape.reduce((a, b) => a * b, 1));
      rng.fillRandn(out);
      expectExact(
        Array.from(out, (v) => v * scale),
        p.values,
        p.name,
      );
    }
    const w1 = params[0];
    expect(w1.name).toBe('W1');
    expect(w1.values[0]).toBe(0.24835707650561634);
    expect(w1.values[1]).toBe(-0.06913215058559233);
  });
});

describe('NumpyRandom seed sanitising', () => {
  const first = (seed: number): number[] => {
    const rng = new NumpyRandom(seed);
    return [rng.randomUint32(), rng.randomUint32(), rng.randomUint32()];
  };
  const fromFixture = (seed: number): number[] =>
    fixture.seeds.find((c) => c.seed === seed)!.uint32.slice(0, 3);

  it('accepts the full 0..2**32-1 range', () => {
    expect(first(0)).toEqual(fromFixture(0));
    expect(first(2 ** 32 - 1)).toEqual(fromFixture(4294967295));
  });

  it('clamps out-of-range and non-finite seeds instead of throwing', () => {
    expect(first(-1)).toEqual(fromFixture(0));
    expect(first(-Infinity)).toEqual(fromFixture(0));
    expect(first(NaN)).toEqual(fromFixture(0));
    expect(first(2 ** 40)).toEqual(fromFixture(4294967295));
    expect(first(Infinity)).toEqual(fromFixture(4294967295));
  });

  it('truncates fractional seeds toward zero', () => {
    expect(first(42.9)).toEqual(fromFixture(42));
    expect(first(-0.5)).toEqual(fromFixture(0));
  });
});
