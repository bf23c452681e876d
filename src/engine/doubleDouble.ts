// Double-double arithmetic (value = hi + lo, ~106 bits), for results that must be correctly
// rounded: numpy's log in the generator, PyTorch's pow in Adam. Helpers return through a typed array: plain module-level `let` doubles
// would be boxed on every write, which made the log far slower.
export const dd = new Float64Array(2);

const SPLITTER = 134217729; // 2**27 + 1, Dekker's split constant

export function twoSum(a: number, b: number): void {
  const s = a + b;
  const v = s - a;
  dd[1] = a - (s - v) + (b - v);
  dd[0] = s;
}

export function quickTwoSum(a: number, b: number): void {
  const s = a + b;
  dd[1] = b - (s - a);
  dd[0] = s;
}

export function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  dd[1] = aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
  dd[0] = p;
}

export function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  quickTwoSum(dd[0], dd[1] + (ah * bl + al * bh));
}

export function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  twoSum(al, bl);
  const t = dd[0];
  const f = dd[1];
  twoSum(ah, bh);
  quickTwoSum(dd[0], dd[1] + t);
  quickTwoSum(dd[0], dd[1] + f);
}

/**
 * base^n for a non-negative integer n, correctly rounded (barring exact ties): repeated squaring
 * in double-double. PyTorch computes Adam's bias corrections with Python's `beta ** step` (C's
 * pow, correctly rounded); V8's Math.pow is not (Math.pow(0.9, 4) is 0.6561000000000001).
 */
export function powInteger(base: number, n: number): number {
  let hi = 1;
  let lo = 0;
  let bh = base;
  let bl = 0;
  for (let k = n; k > 0; k >>= 1) {
    if (k & 1) {
      ddMul(hi, lo, bh, bl);
      hi = dd[0];
      lo = dd[1];
    }
    ddMul(bh, bl, bh, bl);
    bh = dd[0];
    bl = dd[1];
  }
  return hi + lo;
}
