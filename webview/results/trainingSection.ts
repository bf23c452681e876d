// The training run, in the forms of the book recap: a summary, the loss on a log scale with a
// linear zoom on the last 500 steps, one chart per parameter with a line per element, and the log.

import type { TrainingInfo } from '../../src/shared/model';
import { formatNumber } from '../../src/shared/numberFormat';
import { h, shapeText } from '../common/dom';
import { LineChart } from '../common/lineChart';
import type { RenderContext } from './context';
import { section } from './section';

const ZOOM_STEPS = 500;

/** The training section, or null when the model was not trained. */
export function trainingSection(ctx: RenderContext): HTMLElement | null {
  const t = ctx.model.training;
  if (!t) return null;
  const aside = t.diverged ? h('span', { class: 'verdict-failed' }, `diverged after ${t.loss.length} steps`) : `${t.loss.length} steps · ${optimizerText(t)}`;
  return section(
    ctx,
    'training',
    'Training',
    aside,
    summaryTable(ctx, t),
    h('h3', null, 'Loss'),
    lossCharts(ctx, t),
    t.trajectories.length > 0 ? h('h3', null, 'Parameter evolution') : null,
    t.trajectories.length > 0 ? trajectoryCharts(ctx, t) : null,
    t.log.length > 0 ? logTable(ctx, t) : null,
  );
}

/** `sgd · lr 0.01 · momentum 0`. */
export function optimizerText(t: Pick<TrainingInfo, 'optimizer'>): string {
  return [t.optimizer.kind, ...Object.entries(t.optimizer.settings).map(([k, v]) => `${k} ${formatNumber(v, 4)}`)].join(' · ');
}

function summaryTable(ctx: RenderContext, t: TrainingInfo): HTMLElement {
  const rows: [string, string | Node][] = [
    ['Optimizer', optimizerText(t)],
    ['Steps', String(t.loss.length)],
    ['Initial loss', ctx.fmt(t.initialLoss)],
    ['Final loss', ctx.fmt(t.finalLoss)],
    ['Loss reduction', Number.isFinite(t.reductionPercent) ? `${t.reductionPercent.toFixed(2)}%` : '—'],
    ...t.finals.map((f): [string, string] => [`Final ${f.name}`, ctx.fmt(f.value)]),
  ];
  if (t.diverged) rows.push(['Outcome', h('span', { class: 'verdict-failed' }, 'diverged (loss became NaN or infinite)')]);
  return h('table', { class: 'summary-table' }, h('tbody', null, rows.map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, k), h('td', { class: 'num' }, v)))));
}

function lossCharts(ctx: RenderContext, t: TrainingInfo): HTMLElement {
  const steps = t.loss.map((_, i) => i);
  const full = h('div', { class: 'chart' });
  const zoom = h('div', { class: 'chart' });
  const from = Math.max(0, t.loss.length - ZOOM_STEPS);
  const zoomTitle = from > 0 ? `Loss (last ${ZOOM_STEPS} steps)` : 'Loss (linear scale)';
  track(ctx, new LineChart(full, { title: 'Training loss (log scale)', xLabel: 'Step', yLabel: 'Loss', logY: true, height: 240, legend: true }, steps, [{ label: 'loss', values: t.loss }]));
  track(
    ctx,
    new LineChart(zoom, { title: zoomTitle, xLabel: 'Step', yLabel: 'Loss', height: 240, legend: true }, steps.slice(from), [{ label: 'loss', values: t.loss.slice(from) }]),
  );
  return h('div', { class: 'chart-grid two' }, full, zoom);
}

function trajectoryCharts(ctx: RenderContext, t: TrainingInfo): HTMLElement {
  const grid = h('div', { class: 'chart-grid' });
  for (const p of t.trajectories) {
    const node = ctx.model.nodes.find((n) => n.name === p.name);
    const shape = node ? `  [${shapeText(node.shape)}]` : '';
    const capped = node && p.labels.length < node.size ? ` (first ${p.labels.length} of ${node.size})` : '';
    const chart = h('div', { class: 'chart small' });
    grid.append(chart);
    track(
      ctx,
      new LineChart(
        chart,
        { title: `${p.name}${shape}${capped}`, xLabel: 'Step', yLabel: 'Value', height: 190, legend: true },
        t.steps,
        p.labels.map((label, e) => ({ label, values: p.series[e] })),
      ),
    );
  }
  return grid;
}

/** The run's log lines (every `log every` steps), with the watched values. */
function logTable(ctx: RenderContext, t: TrainingInfo): HTMLElement {
  const watched = [...new Set(t.log.flatMap((l) => Object.keys(l.watched)))];
  const head = h('tr', null, h('th', { class: 'num' }, 'Step'), h('th', { class: 'num' }, 'Loss'), watched.map((w) => h('th', { class: 'num' }, w)));
  const rows = t.log.map((l) =>
    h('tr', null, h('td', { class: 'num' }, String(l.step)), h('td', { class: 'num' }, ctx.fmt(l.loss)), watched.map((w) => h('td', { class: 'num' }, w in l.watched ? ctx.fmt(l.watched[w]) : ''))),
  );
  return h(
    'details',
    { class: 'log' },
    h('summary', null, `Training log (${t.log.length} lines)`),
    h('div', { class: 'scroll' }, h('table', { class: 'log-table' }, h('thead', null, head), h('tbody', null, rows))),
  );
}

function track(ctx: RenderContext, chart: LineChart): void {
  ctx.onDispose(() => chart.destroy());
}
