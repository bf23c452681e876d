// Shapes follow numpy: a scalar is [], a vector [n], a matrix [rows, cols]; data is row-major.

/** The dimensions of a tensor; `[]` is a scalar. */
export type Shape = readonly number[];

/** Number of elements of a tensor of this shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `[2, 3]`, as the messages and hovers print shapes. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** numpy's broadcasting: align trailing axes; each pair must be equal or contain a 1. Null if they do not fit. */
export function broadcastShapes(a: Shape, b: Shape): Shape | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = new Array(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Row-major strides of a shape, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * For each flat index of a tensor of shape `to`, the flat index of the element of a tensor of
 * shape `from` that broadcasting reads there. Null when no broadcasting happens (same shape), so
 * the hot loops can index directly.
 */
export function broadcastIndexMap(from: Shape, to: Shape): Int32Array | null {
  if (sameShape(from, to)) return null;
  const total = sizeOf(to);
  const map = new Int32Array(total);
  if (sizeOf(from) === 1) return map; // every element reads element 0
  const rank = to.length;
  const fromStrides = stridesOf(from);
  // Stride 0 along the axes that `from` lacks or has as 1: that is all broadcasting is.
  const strideInTo = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const j = i - (rank - from.length);
    strideInTo[i] = j >= 0 && from[j] !== 1 ? fromStrides[j] : 0;
  }
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let k = 0; k < total; k++) {
    map[k] = offset;
    for (let axis = rank - 1; axis >= 0; axis--) {
      counter[axis]++;
      offset += strideInTo[axis];
      if (counter[axis] < to[axis]) break;
      offset -= strideInTo[axis] * counter[axis];
      counter[axis] = 0;
    }
  }
  return map;
}
