// A themed uPlot line chart that fills its container's width and follows it when the panel resizes.
// Both views draw loss curves with it; the results panel also draws parameter trajectories.

import uPlot from 'uplot';
import { formatNumber } from '../../src/shared/numberFormat';
import { cssVar } from './theme';

/** One line of a chart. */
export interface LineSeries {
  readonly label: string;
  readonly values: ArrayLike<number | null>;
}

/** What a chart shows. */
export interface LineChartSpec {
  readonly title?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Log-scaled y axis; values ≤ 0 (and NaN/Inf) become gaps, since a log axis cannot place them. */
  readonly logY?: boolean;
  readonly height: number;
  /** The legend under the chart (with the values under the cursor). */
  readonly legend?: boolean;
  /** A fixed x range (a live curve grows into it), else fitted to the data. */
  readonly xRange?: readonly [number, number];
}

/** The chart palette, from the theme's chart colours (read now, since canvas cannot use CSS variables). */
export function chartColours(): string[] {
  return [
    cssVar('--vscode-charts-blue', '#3794ff'),
    cssVar('--vscode-charts-orange', '#d18616'),
    cssVar('--vscode-charts-green', '#89d185'),
    cssVar('--vscode-charts-purple', '#b180d7'),
    cssVar('--vscode-charts-red', '#f14c4c'),
    cssVar('--vscode-charts-yellow', '#cca700'),
  ];
}

/** Values a log axis can place: positive and finite, else null (a gap). */
function forLogAxis(values: ArrayLike<number | null>): (number | null)[] {
  return Array.from(values, (v) => (v !== null && Number.isFinite(v) && v > 0 ? v : null));
}

/** A uPlot line chart sized to its container. */
export class LineChart {
  private readonly plot: uPlot;
  private readonly observer: ResizeObserver;

  constructor(
    private readonly container: HTMLElement,
    private readonly spec: LineChartSpec,
    x: ArrayLike<number>,
    series: readonly LineSeries[],
  ) {
    const fg = cssVar('--vscode-foreground', '#cccccc');
    const gridColour = cssVar('--vscode-charts-lines', 'rgba(128, 128, 128, 0.35)');
    const family = cssVar('--vscode-font-family', 'system-ui, sans-serif');
    const font = `11px ${family}`;
    const labelFont = `12px ${family}`;
    const colours = chartColours();
    // Whole numbers (steps) as they are, everything else to 3 digits: 1000, 0.25, 1e-12.
    const tick = (v: number) => (Number.isInteger(v) && Math.abs(v) < 1e7 ? String(v) : formatNumber(v, 3));
    // Step axes of long runs: 250k, 1.5M rather than 250000, 1500000, which run into each other.
    const xTick = (v: number) => (Number.isInteger(v) && Math.abs(v) >= 1e5 ? compact(v) : tick(v));
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: fg,
      font,
      labelFont,
      labelSize: 16,
      grid: { stroke: gridColour, width: 0.5 },
      ticks: { stroke: gridColour, width: 0.5, size: 4 },
    });
    const yAxis: uPlot.Axis = {
      ...axis(spec.yLabel),
      values: (_u, splits) => splits.map((v) => (v === null || v === undefined ? '' : tick(v))),
      // On a log axis, whole decades only, thinned to fit: a loss falls through 20 of them.
      splits: spec.logY ? (u, _i, min, max) => decades(min, max, Math.max(2, Math.floor(u.bbox.height / devicePixelRatio / 26))) : undefined,
      // (uPlot's own log filter assumes every decade is present and would thin them again.)
      filter: spec.logY ? (_u, splits) => splits : undefined,
      // As wide as the widest tick label, so small numbers (1.5e-10) are never clipped.
      size: (u, values) => {
        if (!values) return 40;
        u.ctx.font = font;
        const widest = Math.max(0, ...values.map((s) => u.ctx.measureText(s).width / devicePixelRatio));
        return Math.ceil(widest) + 14;
      },
    };
    const opts: uPlot.Options = {
      title: spec.title,
      width: this.width(),
      height: spec.height,
      scales: {
        x: spec.xRange ? { time: false, range: () => [spec.xRange![0], spec.xRange![1]] } : { time: false },
        y: spec.logY ? { distr: 3, log: 10 } : {},
      },
      axes: [{ ...axis(spec.xLabel), size: 30, values: (_u, splits) => splits.map((v) => (v === null || v === undefined ? '' : xTick(v))) }, yAxis],
      series: [
        { label: spec.xLabel, value: (_u, v) => (v === null ? '—' : tick(v)) },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: colours[i % colours.length],
          width: 1.5,
          points: { show: false },
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatNumber(v, 4)),
        })),
      ],
      legend: { show: spec.legend ?? true, live: true },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { size: 5 } },
    };
    this.plot = new uPlot(opts, this.data(x, series), container);
    this.observer = new ResizeObserver(() => {
      const width = this.width();
      if (width > 0 && Math.abs(width - this.plot.width) >= 1) this.plot.setSize({ width, height: spec.height });
    });
    this.observer.observe(container);
  }

  /** Replaces the data without re-creating the chart (keeps any zoom only if asked to). */
  setData(x: ArrayLike<number>, series: readonly LineSeries[], resetScales = true): void {
    this.plot.setData(this.data(x, series), resetScales);
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot.destroy();
  }

  private width(): number {
    return Math.max(120, Math.floor(this.container.clientWidth));
  }

  private data(x: ArrayLike<number>, series: readonly LineSeries[]): uPlot.AlignedData {
    return [Array.from(x), ...series.map((s) => (this.spec.logY ? forLogAxis(s.values) : Array.from(s.values)))] as uPlot.AlignedData;
  }
}

/** A whole number with a k / M / G suffix: 250000 → 250k, 1500000 → 1.5M. */
function compact(v: number): string {
  const abs = Math.abs(v);
  const [div, suffix] = abs >= 1e9 ? [1e9, 'G'] : abs >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
  return `${formatNumber(v / div, 3)}${suffix}`;
}

/** Powers of ten from `min` to `max`, every k-th decade so that at most `count` remain. */
function decades(min: number, max: number, count: number): number[] {
  const lo = Math.floor(Math.log10(min) + 1e-9);
  const hi = Math.ceil(Math.log10(max) - 1e-9);
  const step = Math.max(1, Math.ceil((hi - lo + 1) / count));
  const out: number[] = [];
  for (let e = hi; e >= lo; e -= step) out.unshift(10 ** e);
  return out;
}
