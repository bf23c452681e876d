import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignColumns, formatNumber, formatNumpyArray, formatScientific, toRows } from '../../../src/shared/numberFormat';

interface PrintCase {
  values: number[];
  shape: number[];
  numpy: string;
}

// Produced by scripts/numpy_print_fixture.py (numpy's own str() of each array).
const cases = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'numpy-print.json'), 'utf8')) as PrintCase[];

describe('formatNumpyArray prints arrays as numpy does', () => {
  for (const c of cases) {
    it(JSON.stringify(c.values), () => {
      expect(formatNumpyArray(c.values, c.shape)).toBe(c.numpy);
    });
  }
});

describe('formatNumber', () => {
  it('gives 6 significant digits without trailing zeros', () => {
    expect(formatNumber(0.24835707650561634)).toBe('0.248357');
    expect(formatNumber(-0.23998094)).toBe('-0.239981');
    expect(formatNumber(2)).toBe('2');
    expect(formatNumber(1.5e-7)).toBe('1.5e-7');
    expect(formatNumber(123456789)).toBe('1.23457e+8');
    expect(formatNumber(0.248357076, 3)).toBe('0.248');
  });

  it('names the non-finite values', () => {
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatNumber(Infinity)).toBe('Inf');
    expect(formatNumber(-Infinity)).toBe('-Inf');
  });
});

describe('formatScientific', () => {
  it("matches Python's :.2e, as the recap prints its differences", () => {
    // Python: f"{2.2985e-08:.2e}" == '2.30e-08', f"{0.00028:.2e}" == '2.80e-04', f"{12345.0:.2e}" == '1.23e+04'
    expect(formatScientific(2.2985e-8)).toBe('2.30e-08');
    expect(formatScientific(0.00028)).toBe('2.80e-04');
    expect(formatScientific(12345)).toBe('1.23e+04');
  });
});

describe('toRows and alignColumns', () => {
  it('lays a matrix out as right-aligned columns', () => {
    const rows = alignColumns(toRows([1, -22, 333, 4], [2, 2], String));
    expect(rows).toEqual([
      ['  1', '-22'],
      ['333', '  4'],
    ]);
  });
});
