// The gradient check: one row per param or input with its worst differences and a verdict; a row
// opens to the element-by-element comparison (built on first opening, since it can be long).

import type { GradcheckInfo } from '../../src/shared/model';
import { formatNumber, formatScientific } from '../../src/shared/numberFormat';
import { h, shapeText } from '../common/dom';
import type { RenderContext } from './context';
import { section } from './section';

/** The gradient check section, or null when the file has none. */
export function gradcheckSection(ctx: RenderContext): HTMLElement | null {
  const checks = ctx.model.gradcheck;
  if (checks.length === 0) return null;
  const { eps, atol, rtol } = ctx.model.gradcheckOptions;
  const failed = checks.filter((g) => !g.passed).length;
  const verdict = h(
    'span',
    { class: failed ? 'verdict-failed' : 'verdict-passed' },
    failed ? `✗ ${failed} of ${checks.length} failed` : `✓ all ${checks.length} passed`,
  );
  const settings = h(
    'p',
    { class: 'settings' },
    h('span', null, `ε = ${formatNumber(eps, 3)}`),
    h('span', null, `atol = ${formatNumber(atol, 3)}`),
    h('span', null, `rtol = ${formatNumber(rtol, 3)}`),
    h('span', { class: 'dim' }, 'an element passes when |analytic − numeric| ≤ atol + rtol·|numeric|'),
  );
  const head = h(
    'tr',
    null,
    ['', 'Name', 'Shape', 'Max abs diff', 'Max rel error', 'Verdict'].map((t, i) => h('th', { class: i >= 3 && i <= 4 ? 'num' : '' }, t)),
  );
  const body = h('tbody');
  for (const g of checks) body.append(...rowsOf(ctx, g));
  return section(ctx, 'gradcheck', 'Gradient check', verdict, settings, h('div', { class: 'scroll' }, h('table', { class: 'gradcheck-table' }, h('thead', null, head), body)));
}

/** A summary row and its (initially hidden) detail row. */
function rowsOf(ctx: RenderContext, g: GradcheckInfo): HTMLTableRowElement[] {
  const node = ctx.model.nodes.find((n) => n.id === g.nodeId);
  const detailCell = h('td', { colspan: 6 });
  const detail = h('tr', { class: 'detail', hidden: true }, detailCell);
  const toggle = h('button', { type: 'button', class: 'disclosure', 'aria-expanded': 'false', title: 'Show each element' }, '▸');
  const open = () => {
    const opening = detail.hidden;
    if (opening && !detailCell.firstChild) detailCell.append(elementTable(ctx, g));
    detail.hidden = !opening;
    toggle.textContent = opening ? '▾' : '▸';
    toggle.setAttribute('aria-expanded', String(opening));
  };
  toggle.addEventListener('click', open);
  const name = node
    ? h('button', { type: 'button', class: 'link', title: 'Show in the editor', onclick: () => ctx.reveal(node.nameRange ?? node.range) }, g.name)
    : g.name;
  const summary = h(
    'tr',
    { class: `check ${g.passed ? 'passed' : 'failed'}` },
    h('td', { class: 'disclosure-cell' }, toggle),
    h('td', { class: 'name' }, name, node?.declKind ? h('span', { class: 'dim role' }, ` ${node.declKind}`) : null),
    h('td', null, shapeText(g.shape)),
    h('td', { class: 'num' }, formatScientific(g.maxAbsDiff)),
    h('td', { class: 'num' }, formatScientific(g.maxRelError)),
    h('td', { class: g.passed ? 'verdict-passed' : 'verdict-failed' }, g.passed ? '✓ passed' : '✗ failed'),
  );
  summary.addEventListener('dblclick', open);
  return [summary, detail];
}

function elementTable(ctx: RenderContext, g: GradcheckInfo): HTMLElement {
  const rows = g.elements.map((e) =>
    h(
      'tr',
      { class: e.passed ? '' : 'failed' },
      h('td', null, e.label),
      h('td', { class: 'num' }, ctx.fmt(e.analytic)),
      h('td', { class: 'num' }, ctx.fmt(e.numeric)),
      h('td', { class: 'num' }, formatScientific(e.absDiff)),
      h('td', { class: 'num' }, formatScientific(e.relError)),
      h('td', { class: e.passed ? 'verdict-passed' : 'verdict-failed' }, e.passed ? '✓' : '✗'),
    ),
  );
  const heads = ['Element', 'Analytic', 'Numeric', 'Abs diff', 'Rel error', ''].map((t, i) => h('th', { class: i >= 1 && i <= 4 ? 'num' : '' }, t));
  return h(
    'div',
    { class: 'elements' },
    h('table', { class: 'elements-table' }, h('thead', null, h('tr', null, heads)), h('tbody', null, rows)),
    g.totalElements > g.elements.length ? h('p', { class: 'note' }, `Checked ${g.elements.length} of ${g.totalElements} elements.`) : null,
  );
}
