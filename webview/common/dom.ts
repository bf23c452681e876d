// A small element builder: user text always goes in as text nodes, never as HTML.

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/** `h('td', { class: 'num', title: 'exact' }, '0.25')`; `on…` props are listeners, `false`/null props are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'class') el.className = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children.flat());
  return el;
}

/** Appends children, skipping null/false. */
export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** A table from a header row and body rows of cells. */
export function table(className: string, head: (Node | string)[], rows: (Node | string)[][]): HTMLTableElement {
  return h(
    'table',
    { class: className },
    h('thead', null, h('tr', null, head.map((c) => (c instanceof HTMLTableCellElement ? c : h('th', null, c))))),
    h('tbody', null, rows.map((r) => h('tr', null, r.map((c) => (c instanceof HTMLTableCellElement ? c : h('td', null, c)))))),
  );
}

/** A shape as `2×3`, or `scalar`. */
export const shapeText = (shape: readonly number[]): string => (shape.length === 0 ? 'scalar' : shape.join('×'));

/** The last segment of a file path (either separator). */
export const baseName = (fileName: string): string => fileName.split(/[\\/]/).pop() || fileName;
