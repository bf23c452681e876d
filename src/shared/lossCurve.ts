// A loss curve thinned for drawing. A chart a few hundred pixels wide needs no more than a few
// hundred points, and a run of ten million steps must not become ten-million-number messages: the
// curve keeps, for each stretch of steps, its lowest and its highest loss, so spikes and the floor
// both survive. It is built step by step in constant memory.

/** Step numbers (1-based) and the losses before those steps, in step order. */
export interface LossCurve {
  readonly steps: number[];
  readonly losses: number[];
}

/** At most this many stretches, so a curve has at most twice as many points (plus the newest). */
const MAX_BUCKETS = 500;

type Point = [step: number, loss: number];

/** The lowest and highest points of a stretch (one point when they coincide), in step order. */
function extremes(points: readonly Point[]): Point[] {
  let lo: Point | null = null;
  let hi: Point | null = null;
  for (const p of points) {
    // NaN never compares, so a stretch of only NaN keeps its first point and shows as a gap.
    if (lo === null || p[1] < lo[1]) lo = p;
    if (hi === null || p[1] > hi[1]) hi = p;
  }
  if (lo === null || hi === null) return [];
  if (lo === hi) return [lo];
  return lo[0] < hi[0] ? [lo, hi] : [hi, lo];
}

/** Builds a LossCurve from losses arriving one step at a time. */
export class LossCurveBuilder {
  /** Steps per stretch; doubles whenever the stretches fill up. */
  private width = 1;
  private readonly closed: Point[][] = [];
  private open: Point[] = [];
  private openStart = 1;

  /** Adds the loss before step `step` (steps must arrive in order: 1, 2, 3...). */
  add(step: number, loss: number): void {
    if (step >= this.openStart + this.width) {
      this.closed.push(extremes(this.open));
      this.open = [];
      this.openStart += this.width;
      if (this.closed.length >= MAX_BUCKETS) this.coarsen();
    }
    this.open.push([step, loss]);
    // The open stretch only needs its extremes and its newest point.
    if (this.open.length > 3) this.open = [...extremes(this.open.slice(0, -1)), this.open[this.open.length - 1]];
  }

  /** The curve so far, ending at the newest step. */
  curve(): LossCurve {
    const points = [...this.closed.flat(), ...this.open];
    return { steps: points.map((p) => p[0]), losses: points.map((p) => p[1]) };
  }

  private coarsen(): void {
    const merged: Point[][] = [];
    for (let i = 0; i < this.closed.length; i += 2) merged.push(extremes([...this.closed[i], ...(this.closed[i + 1] ?? [])]));
    this.closed.length = 0;
    this.closed.push(...merged);
    this.width *= 2;
  }
}

/** The curve of a whole loss history at once. */
export function lossCurveOf(losses: readonly number[]): LossCurve {
  const b = new LossCurveBuilder();
  losses.forEach((l, i) => b.add(i + 1, l));
  return b.curve();
}
