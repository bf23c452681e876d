// The computational graph, drawn by Mermaid: nodes labelled with values and gradients, coloured by
// gradient size (legend below), clickable to reveal their source. Errors are shown in place.

import mermaid from 'mermaid';
import { buildMermaidGraph, GRAD_BIN_EDGES, gradBinLabel, gradClass, NO_GRAD_CLASS, type MermaidGraph } from '../../src/shared/mermaidGraph';
import type { NodeInfo } from '../../src/shared/model';
import { h, shapeText } from '../common/dom';
import { cssVar, themeKind } from '../common/theme';
import type { RenderContext } from './context';
import { section } from './section';

/** What one render of the graph produced (the `rendered` message's content). */
export interface GraphOutcome {
  readonly nodes: number;
  readonly collapsed: boolean;
  readonly error: string | null;
}

// Mermaid keeps global state: one render at a time, each with a fresh id.
let queue: Promise<unknown> = Promise.resolve();
let renderCount = 0;
// The last graph's height: a new canvas keeps it until its graph is drawn, so a live update does not
// make the page shrink and lose the reader's scroll position.
let lastHeight = 0;

/** The graph section, and a promise of how its first render went. */
export function graphSection(ctx: RenderContext): { element: HTMLElement; outcome: Promise<GraphOutcome> } {
  const { model } = ctx;
  if (model.nodes.length === 0) {
    const element = section(ctx, 'graph', 'Computational graph', null, h('p', { class: 'empty' }, model.hasErrors ? 'No graph: fix the errors above first.' : 'The file defines no nodes yet.'));
    return { element, outcome: Promise.resolve({ nodes: 0, collapsed: false, error: null }) };
  }

  const canvas = h('div', { class: `graph-canvas ${ctx.prefs.fitGraph ? 'fit' : ''}` });
  if (lastHeight > 0) canvas.style.minHeight = `${lastHeight}px`;
  const note = h('p', { class: 'note', hidden: true });
  const aside = h('span', null);
  const toolbar = h('div', { class: 'toolbar' });
  if (model.training) {
    toolbar.append(
      segmented(
        'Values at',
        [
          ['initial', 'Initial parameters'],
          ['trained', 'Trained parameters'],
        ],
        ctx.prefs.useTrained ? 'trained' : 'initial',
        (v) => {
          ctx.prefs.useTrained = v === 'trained';
          ctx.savePrefs();
          void draw();
        },
      ),
    );
  }
  toolbar.append(
    segmented(
      'Size',
      [
        ['fit', 'Fit width'],
        ['actual', 'Actual size'],
      ],
      ctx.prefs.fitGraph ? 'fit' : 'actual',
      (v) => {
        ctx.prefs.fitGraph = v === 'fit';
        ctx.savePrefs();
        canvas.classList.toggle('fit', ctx.prefs.fitGraph);
      },
    ),
  );

  const draw = (): Promise<GraphOutcome> => {
    const graph = buildMermaidGraph(model, { nodeLimit: ctx.message.settings.graphNodeLimit, precision: ctx.message.settings.precision, useTrained: ctx.prefs.useTrained });
    note.hidden = graph.note === null;
    note.textContent = graph.note ?? '';
    aside.textContent = `${graph.shown} node${graph.shown === 1 ? '' : 's'}${graph.collapsed ? ` of ${graph.total}` : ''}`;
    canvas.classList.add('loading');
    const run = queue
      .then(() => renderInto(canvas, graph, ctx))
      .then((outcome) => {
        canvas.style.minHeight = '';
        if (canvas.isConnected) lastHeight = canvas.offsetHeight;
        return outcome;
      });
    queue = run.catch(() => undefined);
    return run;
  };

  const element = section(ctx, 'graph', 'Computational graph', aside, toolbar, note, canvas, legend(model.loss !== null));
  return { element, outcome: draw() };
}

/** Parses, renders and wires up one graph; never throws (errors are drawn in place and returned). */
async function renderInto(canvas: HTMLElement, graph: MermaidGraph, ctx: RenderContext): Promise<GraphOutcome> {
  const kind = themeKind();
  try {
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: kind === 'light' || kind === 'high-contrast-light' ? 'default' : 'dark',
      fontFamily: cssVar('--vscode-font-family', 'system-ui, sans-serif'),
      htmlLabels: false,
      flowchart: { htmlLabels: false, useMaxWidth: false, curve: 'basis', nodeSpacing: 28, rankSpacing: 36, padding: 10 },
      themeVariables: { fontSize: '13px' },
    });
    await mermaid.parse(graph.text);
    const { svg } = await mermaid.render(`gradscope-graph-${++renderCount}`, graph.text);
    canvas.innerHTML = svg;
    const svgEl = canvas.querySelector('svg');
    if (!svgEl) throw new Error('Mermaid produced no SVG');
    sizeSvg(svgEl);
    wireNodes(svgEl, graph, ctx);
    canvas.classList.remove('loading');
    return { nodes: graph.shown, collapsed: graph.collapsed, error: null };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    canvas.classList.remove('loading');
    canvas.replaceChildren(
      h(
        'div',
        { class: 'graph-error', role: 'alert' },
        h('strong', null, 'The graph could not be drawn.'),
        h('pre', null, message),
        h('details', null, h('summary', null, 'Mermaid source'), h('pre', null, graph.text)),
      ),
    );
    // Mermaid leaves its scratch element behind when rendering fails.
    document.querySelectorAll(`[id^="dgradscope-graph-"]`).forEach((el) => el.remove());
    return { nodes: graph.shown, collapsed: graph.collapsed, error: message };
  }
}

/** Gives the SVG its natural size, so "fit" can only shrink it and "actual size" scrolls. */
function sizeSvg(svg: SVGSVGElement): void {
  const box = svg.viewBox.baseVal;
  svg.removeAttribute('style');
  if (box && box.width > 0) {
    svg.setAttribute('width', String(Math.ceil(box.width)));
    svg.setAttribute('height', String(Math.ceil(box.height)));
  }
}

/** The Mermaid id (`n12`) of a drawn node: from `data-id`, or from its element id `<svg id>-flowchart-n12-3`. */
function mermaidId(el: SVGGElement): string | null {
  return el.dataset.id ?? /-flowchart-(n\d+)-\d+$/.exec(el.id)?.[1] ?? null;
}

/**
 * Hands the nodes' colours to the panel's CSS (Mermaid writes classDef styles inline, with
 * !important, which no stylesheet can override), and makes each node reveal its source on click
 * or Enter, with its full value and gradient as a tooltip.
 */
function wireNodes(svg: SVGSVGElement, graph: MermaidGraph, ctx: RenderContext): void {
  const byId = new Map(ctx.model.nodes.map((n) => [n.id, n]));
  for (const el of svg.querySelectorAll<SVGGElement>('g.node')) {
    for (const shape of el.querySelectorAll(':scope > [style], :scope > g > [style]')) shape.removeAttribute('style');
    const node = byId.get(graph.nodeIds.get(mermaidId(el) ?? '') ?? -1);
    if (!node) continue;
    const range = node.nameRange ?? node.range;
    el.classList.add('clickable');
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'button');
    el.setAttribute('aria-label', node.name ?? node.op);
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = tooltip(node, ctx);
    el.prepend(title);
    el.addEventListener('click', () => ctx.reveal(range));
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        ctx.reveal(range);
      }
    });
  }
}

function tooltip(node: NodeInfo, ctx: RenderContext): string {
  const t = ctx.prefs.useTrained ? ctx.model.training : null;
  const value = t?.trainedValues[node.id] ?? node.value;
  const grad = node.grad === null || !node.feedsLoss ? null : (t?.trainedGrads[node.id] ?? node.grad);
  const list = (xs: readonly number[]) => (node.size === 1 ? ctx.fmt(xs[0]) : `[${xs.slice(0, 12).map(ctx.fmt).join(', ')}${node.size > 12 ? `, … (${node.size})` : ''}]`);
  const what = node.name ? `${node.name} (${node.declKind ?? node.role})` : node.op;
  return [
    `${what}  ${shapeText(node.shape)}`,
    node.expression && node.expression !== node.name ? node.expression : null,
    `value: ${list(value)}`,
    grad ? `gradient: ${list(grad)}` : 'no gradient',
    'Click to show in the editor',
  ]
    .filter((l) => l !== null)
    .join('\n');
}

/** The colour bins of gradient norms, and the shapes of the kinds of node. */
function legend(hasLoss: boolean): HTMLElement {
  const bins = Array.from({ length: GRAD_BIN_EDGES.length + 1 }, (_, bin) => h('span', { class: 'legend-item' }, h('span', { class: `swatch ${gradClass(bin)}` }), gradBinLabel(bin)));
  const shapes = h(
    'div',
    { class: 'legend-shapes' },
    SHAPE_ICONS.map(([role, points]) => h('span', { class: 'legend-shape' }, shapeIcon(points), role)),
    h('span', { class: 'dim' }, '· Click a node to show its source; hover for its full value.'),
  );
  return h(
    'div',
    { class: 'legend' },
    h('div', { class: 'legend-bins' }, h('span', { class: 'legend-title' }, hasLoss ? '‖∇ loss‖' : 'No loss, so no gradients'), hasLoss ? bins : null, h('span', { class: 'legend-item' }, h('span', { class: `swatch ${NO_GRAD_CLASS}` }), 'no gradient')),
    shapes,
  );
}

/** Outlines (SVG paths in a 20×12 box) of the node shapes mermaidGraph gives each kind of node. */
const SHAPE_ICONS: [string, string][] = [
  ['input', 'M4 1 H19 L16 11 H1 Z'],
  ['target', 'M1 1 H16 L19 11 H4 Z'],
  ['param', 'M1 1 H19 V11 H1 Z M4 1 V11 M16 1 V11'],
  ['const', 'M4 1 H16 L19 6 L16 11 H4 L1 6 Z'],
  ['op', 'M4 1 H16 Q19 1 19 4 V8 Q19 11 16 11 H4 Q1 11 1 8 V4 Q1 1 4 1 Z'],
  ['loss', 'M6 1 H14 A5 5 0 0 1 14 11 H6 A5 5 0 0 1 6 1 Z'],
];

function shapeIcon(d: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 20 12');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '12');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  svg.append(path);
  return svg;
}

/** A small labelled group of toggle buttons. */
function segmented(label: string, options: [string, string][], selected: string, onSelect: (value: string) => void): HTMLElement {
  const buttons = options.map(([value, text]) =>
    h(
      'button',
      {
        type: 'button',
        class: `segment ${value === selected ? 'selected' : ''}`,
        'aria-pressed': String(value === selected),
        onclick: () => {
          for (const b of buttons) {
            const on = b.dataset.value === value;
            b.classList.toggle('selected', on);
            b.setAttribute('aria-pressed', String(on));
          }
          onSelect(value);
        },
        'data-value': value,
      },
      text,
    ),
  );
  return h('div', { class: 'segmented', role: 'group', 'aria-label': label }, h('span', { class: 'segmented-label' }, label), buttons);
}
