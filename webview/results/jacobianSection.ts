// The requested Jacobians: analytic (back-propagation) and numerical (central differences) side by
// side as labelled matrices, cells shaded by magnitude, with the largest difference between them.

import type { JacobianInfo } from '../../src/shared/model';
import { formatNumber, formatScientific } from '../../src/shared/numberFormat';
import { h } from '../common/dom';
import type { RenderContext } from './context';
import { section } from './section';

/** The Jacobians section, or null when the file asks for none. */
export function jacobianSection(ctx: RenderContext): HTMLElement | null {
  const { jacobians } = ctx.model;
  if (jacobians.length === 0) return null;
  return section(
    ctx,
    'jacobians',
    'Jacobians',
    `${jacobians.length} · numerical by central differences, ε = ${formatNumber(ctx.model.gradcheckOptions.eps, 3)}`,
    ...jacobians.map((j) => jacobianCard(ctx, j)),
  );
}

function jacobianCard(ctx: RenderContext, j: JacobianInfo): HTMLElement {
  const scale = Math.max(...j.analytic.flat().map(Math.abs), ...j.numeric.flat().map(Math.abs), 0) || 1;
  const { atol, rtol } = ctx.model.gradcheckOptions;
  // The gradient check's own tolerance, applied to the whole matrix.
  const close = j.maxAbsDiff <= atol + rtol * scale;
  const rows = j.analytic.length;
  const cols = j.analytic[0]?.length ?? 0;
  return h(
    'div',
    { class: 'card' },
    h(
      'div',
      { class: 'card-head' },
      h('button', { type: 'button', class: 'link card-title', title: 'Show the jacobian line in the editor', onclick: () => ctx.reveal(j.range) }, `∂(${j.of.join(', ')}) / ∂(${j.wrt.join(', ')})`),
      h('span', { class: 'dim' }, `${rows}×${cols}`),
      h('span', { class: `difference ${close ? 'verdict-passed' : 'verdict-failed'}`, title: 'max |analytic − numerical| over all entries' }, `max difference ${formatScientific(j.maxAbsDiff)}`),
    ),
    h('div', { class: 'matrices' }, matrix(ctx, 'Analytic', j, j.analytic, scale), matrix(ctx, 'Numerical', j, j.numeric, scale)),
  );
}

/** One labelled matrix; a cell's shade is |value| relative to the largest entry of the pair. */
function matrix(ctx: RenderContext, caption: string, j: JacobianInfo, values: number[][], scale: number): HTMLElement {
  const head = h('tr', null, h('th', { class: 'corner' }), j.columnLabels.map((c) => h('th', { scope: 'col' }, c)));
  const body = values.map((row, r) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row' }, j.rowLabels[r] ?? ''),
      row.map((v, c) => {
        const td = h('td', { class: `num shaded ${v < 0 ? 'neg' : 'pos'}`, title: cellTitle(j, r, c) }, ctx.fmt(v));
        td.style.setProperty('--mag', String(Number.isFinite(v) ? Math.min(1, Math.abs(v) / scale) : 1));
        return td;
      }),
    ),
  );
  return h('figure', { class: 'matrix' }, h('figcaption', null, caption), h('div', { class: 'scroll' }, h('table', { class: 'matrix-table' }, h('thead', null, head), h('tbody', null, body))));
}

function cellTitle(j: JacobianInfo, r: number, c: number): string {
  const a = j.analytic[r][c];
  const n = j.numeric[r][c];
  return `∂${j.rowLabels[r]}/∂${j.columnLabels[c]}\nanalytic  ${formatNumber(a, 12)}\nnumerical ${formatNumber(n, 12)}\ndifference ${formatScientific(Math.abs(a - n))}`;
}
