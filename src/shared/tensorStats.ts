// Large tensors travel to the host and the webviews as their first elements plus statistics of
// the whole, so that a 10-million-element weight never turns into a 10-million-number message.

/** At most this many leading elements of a tensor are sent; the statistics cover all of it. */
export const PREVIEW_LIMIT = 1024;

/** min, max, mean and L2 norm of a whole tensor (NaN when it holds NaN). */
export interface TensorStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly norm: number;
}

export function statsOf(values: ArrayLike<number>): TensorStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // Comparisons drop NaN silently; the sum keeps it, so mean and norm still say NaN.
    if (v < min || Number.isNaN(v)) min = Number.isNaN(min) ? min : v;
    if (v > max || Number.isNaN(v)) max = Number.isNaN(max) ? max : v;
    sum += v;
    squares += v * v;
  }
  return { min, max, mean: sum / values.length, norm: Math.sqrt(squares) };
}

/** The leading elements that are sent, as a plain array. */
export function preview(values: ArrayLike<number>): number[] {
  return Array.from(values.length > PREVIEW_LIMIT ? Array.prototype.slice.call(values, 0, PREVIEW_LIMIT) : values);
}
