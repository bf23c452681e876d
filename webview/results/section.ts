// A foldable section of the results panel; whether it is folded survives re-renders.

import { h } from '../common/dom';
import type { RenderContext } from './context';

/** A `<details>` section with a heading, an optional summary beside it, and a body. */
export function section(ctx: RenderContext, key: string, title: string, aside: string | Node | null, ...body: (Node | null)[]): HTMLElement {
  const details = h(
    'details',
    { class: `section section-${key}`, open: !ctx.prefs.closed.includes(key) },
    h('summary', null, h('h2', null, title), aside === null ? null : h('span', { class: 'section-aside' }, aside)),
    h('div', { class: 'section-body' }, ...body),
  );
  details.addEventListener('toggle', () => {
    const closed = ctx.prefs.closed.filter((k) => k !== key);
    ctx.prefs.closed = details.open ? closed : [...closed, key];
    ctx.savePrefs();
  });
  return details;
}
