// The file's problems, above everything else when it has errors; each one links to its source.

import { h } from '../common/dom';
import type { RenderContext } from './context';

/** The list of diagnostics, or null when there are none. */
export function diagnosticsSection(ctx: RenderContext): HTMLElement | null {
  const { diagnostics, hasErrors } = ctx.model;
  if (diagnostics.length === 0) return null;
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const counts = [errors ? `${errors} error${errors > 1 ? 's' : ''}` : '', warnings ? `${warnings} warning${warnings > 1 ? 's' : ''}` : ''].filter(Boolean).join(', ');
  return h(
    'div',
    { class: `diagnostics ${hasErrors ? 'has-errors' : ''}`, role: 'alert' },
    h('div', { class: 'diagnostics-title' }, hasErrors ? `The file has ${counts}: results below may be incomplete.` : counts),
    h(
      'ul',
      null,
      diagnostics.map((d) =>
        h(
          'li',
          { class: `diagnostic ${d.severity}` },
          h('span', { class: 'diagnostic-icon', 'aria-label': d.severity }, d.severity === 'error' ? '✗' : '⚠'),
          h('span', { class: 'diagnostic-message' }, d.message),
          h('span', { class: 'diagnostic-code' }, d.code),
          h(
            'button',
            { class: 'link', type: 'button', title: 'Show in the editor', onclick: () => ctx.reveal(d.range) },
            `line ${d.line}, column ${d.column}`,
          ),
        ),
      ),
    ),
  );
}
