import { describe, expect, it } from 'vitest';
import { LossCurveBuilder, lossCurveOf } from '../../../src/shared/lossCurve';

describe('the thinned loss curve', () => {
  it('keeps every point of a short history', () => {
    const losses = [5, 4, 3, 2, 1];
    expect(lossCurveOf(losses)).toEqual({ steps: [1, 2, 3, 4, 5], losses });
  });

  it('stays bounded over a million steps and keeps the first, the last, the floor and a spike', () => {
    const n = 1_000_000;
    const b = new LossCurveBuilder();
    for (let step = 1; step <= n; step++) b.add(step, step === 654_321 ? 1e6 : 1 / step);
    const curve = b.curve();
    expect(curve.steps.length).toBeLessThanOrEqual(1003);
    expect(curve.steps[0]).toBe(1);
    expect(curve.losses[0]).toBe(1);
    expect(curve.steps[curve.steps.length - 1]).toBe(n);
    expect(curve.losses[curve.losses.length - 1]).toBe(1 / n);
    expect(curve.losses).toContain(1e6);
    expect(curve.steps).toContain(654_321);
    // Steps strictly increase, and every point is a real (step, loss) of the history.
    curve.steps.forEach((s, i) => {
      if (i > 0) expect(s).toBeGreaterThan(curve.steps[i - 1]);
      expect(curve.losses[i]).toBe(s === 654_321 ? 1e6 : 1 / s);
    });
  });

  it('shows NaN stretches as gaps without losing the finite points around them', () => {
    const losses = [3, 2, NaN, NaN, 1];
    const curve = lossCurveOf(losses);
    expect(curve.steps).toEqual([1, 2, 3, 4, 5]);
    expect(curve.losses[4]).toBe(1);
  });
});
