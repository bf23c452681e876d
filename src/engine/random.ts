import { dd, ddAdd, ddMul, quickTwoSum, twoProd, twoSum } from './doubleDouble';

/**
 * Port of numpy's legacy global generator (`np.random.seed`, `np.random.rand`,
 * `np.random.randn`) so a .grad file seeded with N starts from the weights
 * the equivalent numpy script would.
 *
 * Checked against numpy 2.4 on x86_64/glibc
 * (test/unit/engine/fixtures/numpy-random.json, plus 1e6 draws offline):
 * - An integer seed goes through MT19937 `init_genrand` (the Knuth
 *   1812433253 recurrence), NOT `init_by_array`. So `RandomState(42)` and
 *   `RandomState([42])` differ, and neither matches Python's stdlib
 *   `random.seed(42)`, which uses `init_by_array`.
 * - Seeding marks the state exhausted (pos = 624), so the first draw
 *   regenerates the whole block, and it clears the cached gauss.
 * - The raw stream and rand() are bit-exact. randn() goes through the C
 *   library's `log`, so numpy's own last bit is platform dependent. V8's
 *   Math.log disagrees with glibc on ~7% of inputs; the correctly rounded log
 *   below on ~0.08% (where glibc misrounds), which left 340 of 1e6 randn
 *   values one ulp off. The MT stream and the rejection loop never depend on
 *   the log, so a mismatch never shifts later draws.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MAX_SEED = 0xffffffff;

/** numpy-compatible MT19937 with legacy `rand`/`randn` semantics. */
export class NumpyRandom {
  private readonly mt = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gauss = 0;

  /** Seed like `np.random.seed(seed)`; see `seed()` for invalid input. */
  constructor(seed: number) {
    this.seed(seed);
  }

  /**
   * Reseed like `np.random.seed(seed)`. numpy raises for seeds outside
   * 0..2**32-1 or non-integers; this never throws (the language layer
   * reports bad seeds): NaN becomes 0, fractions truncate toward zero, and
   * out-of-range values clamp to 0 or 2**32-1.
   */
  seed(seed: number): void {
    const s = sanitizeSeed(seed);
    const mt = this.mt;
    mt[0] = s;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1];
      // Math.imul keeps the low 32 bits of the product, which a float64
      // multiply would round away.
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.pos = N;
    this.hasGauss = false;
    this.gauss = 0;
  }

  /** Next raw 32-bit MT19937 output, as numpy's `random_raw` yields it. */
  randomUint32(): number {
    if (this.pos >= N) {
      this.regenerate();
    }
    let y = this.mt[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform double in [0, 1) from two draws, like numpy's `rand()`. */
  rand(): number {
    const a = this.randomUint32() >>> 5;
    const b = this.randomUint32() >>> 6;
    // Both steps are exact in float64 (a * 2**26 + b < 2**53), so no rounding
    // can diverge from numpy's C.
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** Standard normal via numpy's `legacy_gauss` (polar method, one cached). */
  randn(): number {
    if (this.hasGauss) {
      const cached = this.gauss;
      this.hasGauss = false;
      this.gauss = 0;
      return cached;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * this.rand() - 1.0;
      x2 = 2.0 * this.rand() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    // Same operation order as numpy's C so the rounding matches; see
    // correctlyRoundedLog for why Math.log is not used.
    const f = Math.sqrt((-2.0 * correctlyRoundedLog(r2)) / r2);
    // numpy returns the x2 term and caches the x1 term, not the reverse.
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** Fill `out` in C order exactly as `np.random.randn(*shape)` would. */
  fillRandn(out: Float64Array): void {
    for (let i = 0; i < out.length; i++) {
      out[i] = this.randn();
    }
  }

  /** Fill `out` in C order exactly as `np.random.rand(*shape)` would. */
  fillRand(out: Float64Array): void {
    for (let i = 0; i < out.length; i++) {
      out[i] = this.rand();
    }
  }

  private regenerate(): void {
    const mt = this.mt;
    let kk = 0;
    let y: number;
    for (; kk < N - M; kk++) {
      y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }
}

function sanitizeSeed(seed: number): number {
  if (Number.isNaN(seed)) {
    return 0;
  }
  const t = Math.trunc(seed);
  if (t <= 0) {
    return 0;
  }
  if (t >= MAX_SEED) {
    return MAX_SEED;
  }
  return t;
}

// log(m/c) = 2 atanh(s) = 2s * sum_j t^j/(2j+1), s = (m-c)/(m+c), t = s^2.
// Terms from `ddTerms` on are below 2**-53 relative and need only doubles.
const MAX_TERMS = 21;
const SERIES_HI = new Float64Array(MAX_TERMS);
const SERIES_LO = new Float64Array(MAX_TERMS);
for (let j = 0; j < MAX_TERMS; j++) {
  const d = 2 * j + 1;
  const hi = 1 / d;
  twoProd(hi, d);
  // 1 - hi*d is tiny, so this remainder carries 1/d's next 53 bits.
  SERIES_HI[j] = hi;
  SERIES_LO[j] = (1 - dd[0] - dd[1]) / d;
}

/** Writes log(m/c) to dd; m - c must be exact (Sterbenz: c/2 <= m <= 2c). */
function logRatioSeries(m: number, c: number, terms: number, ddTerms: number): void {
  const num = m - c;
  twoSum(m, c);
  const denHi = dd[0];
  const denLo = dd[1];
  // One Newton correction of the quotient gives ~2**-104 relative.
  const q1 = num / denHi;
  twoProd(q1, denHi);
  const q2 = (num - dd[0] - dd[1] - q1 * denLo) / denHi;
  quickTwoSum(q1, q2);
  const sHi = dd[0];
  const sLo = dd[1];
  ddMul(sHi, sLo, sHi, sLo);
  const tHi = dd[0];
  const tLo = dd[1];

  let tail = SERIES_HI[terms - 1];
  for (let j = terms - 2; j >= ddTerms; j--) {
    tail = tail * tHi + SERIES_HI[j];
  }
  let pHi = tail;
  let pLo = 0;
  for (let j = ddTerms - 1; j >= 0; j--) {
    ddMul(pHi, pLo, tHi, tLo);
    ddAdd(dd[0], dd[1], SERIES_HI[j], SERIES_LO[j]);
    pHi = dd[0];
    pLo = dd[1];
  }
  ddMul(sHi, sLo, pHi, pLo);
  dd[0] *= 2;
  dd[1] *= 2;
}

// log(n/128) for every grid point the mantissa can round to, so the runtime
// series only covers |m - c| <= 1/256 (t < 2**-17: 7 terms, 4 in dd).
// c = 1 is a grid point, so log(x) near x = 1 suffers no cancellation.
const GRID = 128;
const LOG_GRID_HI = new Float64Array(182);
const LOG_GRID_LO = new Float64Array(182);
for (let n = 90; n <= 181; n++) {
  // From c = 1, |s| < 0.175 and t < 0.031: 21 terms reach 2**-110.
  logRatioSeries(n / GRID, 1, MAX_TERMS, 11);
  LOG_GRID_HI[n] = dd[0];
  LOG_GRID_LO[n] = dd[1];
}

const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;
const SQRT2 = 1.4142135623730951;
const MIN_NORMAL = 2.2250738585072014e-308;
const TWO_POW_54 = 18014398509481984;

const bitsView = new DataView(new ArrayBuffer(8));

/**
 * Natural log rounded to nearest. numpy's legacy_gauss calls the C library's
 * log; glibc's is nearly always correctly rounded while V8's Math.log
 * (fdlibm, <1 ulp) misses on ~7% of inputs. Evaluating in double-double and
 * rounding once matches glibc except where glibc itself misrounds.
 */
function correctlyRoundedLog(x: number): number {
  if (!(x > 0) || x === Infinity) {
    return Math.log(x);
  }
  let k = 0;
  if (x < MIN_NORMAL) {
    // Subnormal: scale up so the exponent field is meaningful.
    x *= TWO_POW_54;
    k = -54;
  }
  bitsView.setFloat64(0, x);
  const high = bitsView.getUint32(0);
  k += ((high >>> 20) & 0x7ff) - 1023;
  bitsView.setUint32(0, (high & 0x000fffff) | 0x3ff00000);
  let m = bitsView.getFloat64(0);
  if (m > SQRT2) {
    m /= 2;
    k += 1;
  }

  const n = Math.round(m * GRID);
  logRatioSeries(m, n / GRID, 7, 4);
  ddAdd(LOG_GRID_HI[n], LOG_GRID_LO[n], dd[0], dd[1]);
  if (k === 0) {
    return dd[0];
  }
  const logMHi = dd[0];
  const logMLo = dd[1];
  twoProd(k, LN2_HI);
  ddAdd(dd[0], dd[1] + k * LN2_LO, logMHi, logMLo);
  return dd[0];
}
