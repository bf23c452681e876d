// Number and tensor formatting shared by the CLI, the hovers and the webviews, so a value reads the
// same everywhere.

/** `x` to `digits` significant digits, without trailing zeros: 0.248357, -1.5e-7, 12, NaN. */
export function formatNumber(x: number, digits = 6): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 10 ** digits) {
    const s = x.toPrecision(digits);
    return s.includes('e') ? s : s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  }
  const [mantissa, exponent] = x.toExponential(digits - 1).split('e');
  return `${mantissa.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')}e${exponent}`;
}

/** `2.80e-09`, as Python's `:.2e` (the recap's "Difference" line). */
export function formatScientific(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return formatNumber(x);
  const [mantissa, exponent] = x.toExponential(digits).split('e');
  const e = Number(exponent);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Row-major values of a 0-, 1- or 2-D tensor as rows of formatted cells (higher ranks flatten to rows of the last axis). */
export function toRows(values: ArrayLike<number>, shape: readonly number[], format: (x: number) => string): string[][] {
  if (shape.length === 0) return [[format(values[0])]];
  const width = shape[shape.length - 1];
  const rows: string[][] = [];
  for (let start = 0; start < values.length; start += Math.max(width, 1)) {
    rows.push(Array.from({ length: width }, (_, j) => format(values[start + j])));
  }
  return rows;
}

/** Pads each column to one width, aligned on the right, as numpy prints matrices. */
export function alignColumns(rows: string[][]): string[][] {
  const widths: number[] = [];
  rows.forEach((r) => r.forEach((c, j) => (widths[j] = Math.max(widths[j] ?? 0, c.length))));
  return rows.map((r) => r.map((c, j) => c.padStart(widths[j])));
}

/** numpy's way of printing an array of float64 (precision 8, trailing zeros as spaces): `[[5.00000002 6.        ]`. */
export function formatNumpyArray(values: ArrayLike<number>, shape: readonly number[]): string {
  const all = Array.from(values);
  const finite = all.filter(Number.isFinite);
  const maxAbs = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const minAbs = finite.filter((v) => v !== 0).reduce((m, v) => Math.min(m, Math.abs(v)), Infinity);
  // numpy's rule for switching to scientific notation (no suppress_small).
  const scientific = maxAbs >= 1e8 || (minAbs !== Infinity && (minAbs < 1e-4 || maxAbs / minAbs > 1e3));
  let cells: string[];
  if (scientific) {
    // One mantissa precision for all: the most digits any element needs (at most 8), zero-padded.
    const digits = Math.max(0, ...finite.map((v) => v.toExponential(8).split('e')[0].replace(/0+$/, '').split('.')[1]?.length ?? 0));
    cells = all.map((v) => {
      if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
      const [mantissa, exponent] = v.toExponential(digits).split('e');
      const e = Number(exponent);
      return `${mantissa}${digits === 0 ? '.' : ''}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
    });
  } else {
    const parts = all.map((v) => {
      if (!Number.isFinite(v)) return { int: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf', frac: '' };
      const [int, frac = ''] = v.toFixed(8).split('.');
      return { int: int === '-0' && v === 0 ? '0' : int, frac: frac.replace(/0+$/, '') };
    });
    const intWidth = Math.max(...parts.map((p) => p.int.length));
    const fracWidth = Math.max(...parts.map((p) => p.frac.length));
    cells = parts.map((p) => `${p.int.padStart(intWidth)}${p.int === 'nan' || p.int.endsWith('inf') ? ' ' : '.'}${p.frac.padEnd(fracWidth)}`);
  }
  const width = Math.max(...cells.map((c) => c.length));
  const padded = cells.map((c) => c.padStart(width));
  if (shape.length === 0) return padded[0].trim();
  if (shape.length === 1) return `[${padded.join(' ')}]`;
  const cols = shape[shape.length - 1];
  const lines: string[] = [];
  for (let r = 0; r * cols < padded.length; r++) lines.push(`[${padded.slice(r * cols, (r + 1) * cols).join(' ')}]`);
  return `[${lines.join('\n ')}]`;
}
