// The panel's header: which file, its loss, a one-line digest of the checks, and "Run again".

import { baseName, h } from '../common/dom';
import type { RenderContext } from './context';

/** The header; `onRerun` asks the host for a fresh run. */
export function header(ctx: RenderContext, onRerun: () => void): HTMLElement {
  const { model, message, fmt } = ctx;
  const facts: (string | Node)[] = [];
  if (model.loss) facts.push(h('span', { class: 'fact fact-loss' }, `${model.loss.name} = `, h('strong', null, fmt(model.loss.value))));
  const params = model.nodes.filter((n) => n.role === 'param').length;
  if (params > 0) facts.push(h('span', { class: 'fact' }, `${params} param${params > 1 ? 's' : ''}`));
  if (model.gradcheck.length > 0) {
    const failed = model.gradcheck.filter((g) => !g.passed).length;
    facts.push(
      h(
        'span',
        { class: `fact ${failed ? 'verdict-failed' : 'verdict-passed'}` },
        failed ? `✗ gradient check: ${failed} of ${model.gradcheck.length} failed` : `✓ gradient check passed (${model.gradcheck.length})`,
      ),
    );
  }
  if (model.jacobians.length > 0) facts.push(h('span', { class: 'fact' }, `${model.jacobians.length} Jacobian${model.jacobians.length > 1 ? 's' : ''}`));
  if (model.training) {
    const t = model.training;
    facts.push(h('span', { class: `fact ${t.diverged ? 'verdict-failed' : ''}` }, t.diverged ? `diverged after ${t.loss.length} steps` : `trained ${t.loss.length} steps`));
  }
  facts.push(h('span', { class: 'fact dim' }, `${fmtMs(model.elapsedMs)} · v${message.documentVersion}`));
  return h(
    'header',
    { class: 'header' },
    h(
      'div',
      { class: 'header-title' },
      h('h1', { title: message.fileName }, baseName(message.fileName)),
      h('button', { class: 'button', type: 'button', title: 'Analyse the file again', onclick: onRerun }, '↻ Run again'),
    ),
    h('div', { class: 'header-facts' }, facts),
  );
}

function fmtMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
