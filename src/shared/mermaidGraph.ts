// The computational graph of an AnalysisModel as Mermaid flowchart text: one node per graph node,
// labelled with its value and gradient, shaped by role and coloured by the size of its gradient.
// Pure and DOM-free, so the results panel renders it and the unit tests read it.

import type { AnalysisModel, NodeInfo } from './model';
import { formatNumber } from './numberFormat';

/** How to draw the graph. */
export interface MermaidGraphOptions {
  /** Above this many visible nodes, only named nodes are drawn. */
  readonly nodeLimit: number;
  /** Significant digits of values and gradients. */
  readonly precision: number;
  /** Label with the values and gradients at the trained parameters (when the model was trained). */
  readonly useTrained?: boolean;
}

/** Mermaid text and how to map what it draws back to the model. */
export interface MermaidGraph {
  readonly text: string;
  /** Mermaid node id (`n12`) → model node id. */
  readonly nodeIds: Map<string, number>;
  /** True when unnamed nodes were left out because the graph has more than `nodeLimit` nodes. */
  readonly collapsed: boolean;
  /** What the reader should know about what is not drawn; null when everything is. */
  readonly note: string | null;
  /** Nodes drawn. */
  readonly shown: number;
  /** Nodes the whole graph has (unnamed scalar constants folded into their ops). */
  readonly total: number;
}

/** Upper bounds of gradient-norm bins 0..4; bin 5 holds everything from the last bound up (and NaN/Inf). */
export const GRAD_BIN_EDGES: readonly number[] = [1e-4, 1e-3, 1e-2, 1e-1, 1];

/** The class of a node by its gradient norm: `grad0` (vanishing) … `grad5` (large), or NO_GRAD_CLASS. */
export const gradClass = (bin: number): string => `grad${bin}`;
export const NO_GRAD_CLASS = 'noGrad';

/** The bin of a gradient norm (see GRAD_BIN_EDGES). */
export function gradBin(norm: number): number {
  if (!Number.isFinite(norm)) return GRAD_BIN_EDGES.length;
  const i = GRAD_BIN_EDGES.findIndex((edge) => norm < edge);
  return i < 0 ? GRAD_BIN_EDGES.length : i;
}

/** A bin's range for a legend: `< 1e-4`, `1e-4 – 1e-3`, …, `≥ 1`. */
export function gradBinLabel(bin: number): string {
  const e = (x: number) => (x >= 1 ? String(x) : `1e${Math.round(Math.log10(x))}`);
  if (bin <= 0) return `< ${e(GRAD_BIN_EDGES[0])}`;
  if (bin >= GRAD_BIN_EDGES.length) return `≥ ${e(GRAD_BIN_EDGES[GRAD_BIN_EDGES.length - 1])}`;
  return `${e(GRAD_BIN_EDGES[bin - 1])} – ${e(GRAD_BIN_EDGES[bin])}`;
}

// Standalone colours (cool to hot), so the text renders sensibly anywhere; the results panel
// restyles these classes with the theme's colours.
const BIN_COLOURS = ['#8c8c8c', '#3794ff', '#4db6ac', '#89d185', '#d7ba7d', '#f14c4c'];

/** The Mermaid shape of each kind of node: [open, close] around the quoted label. */
const SHAPES: Record<'input' | 'target' | 'param' | 'const' | 'op' | 'loss', readonly [string, string]> = {
  input: ['[/', '/]'], // parallelogram
  target: ['[\\', '\\]'], // parallelogram leaning the other way
  param: ['[[', ']]'], // subroutine: a box with side bars
  const: ['{{', '}}'], // hexagon
  op: ['(', ')'], // rounded box
  loss: ['([', '])'], // stadium
};

const ROLE_CLASS = { input: 'roleInput', target: 'roleTarget', param: 'roleParam', const: 'roleConst', op: 'roleOp', loss: 'roleLoss' } as const;

/** Binary ops whose scalar-constant operand folds into the label: `mul ×0.5`, `pow ^2`. */
const SYMBOLS: Record<string, { symbol: string; commutative: boolean }> = {
  add: { symbol: '+', commutative: true },
  sub: { symbol: '−', commutative: false },
  mul: { symbol: '×', commutative: true },
  div: { symbol: '÷', commutative: false },
  pow: { symbol: '^', commutative: false },
};

/** The Mermaid flowchart of a model's graph. */
export function buildMermaidGraph(model: AnalysisModel, options: MermaidGraphOptions): MermaidGraph {
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const digits = Math.max(1, Math.min(17, Math.round(options.precision)));
  const fmt = (x: number) => formatNumber(x, digits);
  const trained = options.useTrained ? model.training : null;
  // Statistics cover whole tensors, whose elements may be sent only in part.
  const valueOf = (n: NodeInfo): ShownTensor => ({ values: trained?.trainedValues[n.id] ?? n.value, norm: trained?.trainedStats[n.id]?.value.norm ?? n.valueStats.norm });
  // Targets, consts and nodes off the path to the loss have no gradient to show.
  const gradOf = (n: NodeInfo): ShownTensor | null =>
    n.grad === null || n.gradStats === null || !n.feedsLoss ? null : { values: trained?.trainedGrads[n.id] ?? n.grad, norm: trained?.trainedStats[n.id]?.grad.norm ?? n.gradStats.norm };

  // Unnamed scalar constants (the 0.5 of `0.5 * x`) become part of their consumer's label.
  const folded = (n: NodeInfo | undefined) => n !== undefined && n.role === 'const' && n.name === null && n.value.length === 1 && n.shape.length === 0;
  const visible = model.nodes.filter((n) => !folded(n));
  const collapsed = visible.length > options.nodeLimit;
  const drawn = collapsed ? visible.filter((n) => n.name !== null) : visible;
  const drawnIds = new Set(drawn.map((n) => n.id));

  const lines: string[] = ['flowchart TB'];
  const nodeIds = new Map<string, number>();
  const classes = new Map<string, string[]>();
  const addClass = (cls: string, id: string) => classes.set(cls, [...(classes.get(cls) ?? []), id]);

  for (const n of drawn) {
    const id = `n${n.id}`;
    nodeIds.set(id, n.id);
    const kind = n.declKind === 'loss' || n.id === model.loss?.nodeId ? 'loss' : n.role;
    const [open, close] = SHAPES[kind];
    lines.push(`  ${id}${open}"${nodeLabel(n, byId, folded, valueOf(n), gradOf(n), fmt, collapsed)}"${close}`);
    const grad = gradOf(n);
    addClass(grad === null ? NO_GRAD_CLASS : gradClass(gradBin(grad.norm)), id);
    addClass(ROLE_CLASS[kind], id);
  }

  const edges = new Set<string>();
  for (const n of drawn) {
    const sources = collapsed ? namedSources(n, byId, drawnIds) : n.inputs.filter((i) => drawnIds.has(i));
    for (const s of sources) edges.add(`  n${s} --> n${n.id}`);
  }
  lines.push(...edges);

  BIN_COLOURS.forEach((colour, bin) => lines.push(`  classDef ${gradClass(bin)} fill:${colour}44,stroke:${colour},stroke-width:1.5px`));
  lines.push(`  classDef ${NO_GRAD_CLASS} fill:none,stroke:#8c8c8c,stroke-dasharray:4 3`);
  lines.push(`  classDef ${ROLE_CLASS.loss} stroke-width:3px`);
  for (const [cls, ids] of classes) lines.push(`  class ${ids.join(',')} ${cls}`);

  const hidden = visible.length - drawn.length;
  const note = collapsed
    ? `Showing the ${drawn.length} named nodes of ${visible.length}: the graph has more than ${options.nodeLimit} nodes, so the ${hidden} unnamed intermediate nodes are hidden and edges pass through them.`
    : null;
  return { text: lines.join('\n'), nodeIds, collapsed, note, shown: drawn.length, total: visible.length };
}

/** A tensor as a label shows it: its leading elements and the norm of all of it. */
interface ShownTensor {
  readonly values: readonly number[];
  readonly norm: number;
}

/**
 * Up to three lines: what the node is (and its shape), its value, its gradient. A named op shows its
 * op (`a1 = tanh`), or in the collapsed graph, where the ops inside it are hidden, its expression.
 */
function nodeLabel(
  n: NodeInfo,
  byId: Map<number, NodeInfo>,
  folded: (n: NodeInfo | undefined) => boolean,
  value: ShownTensor,
  grad: ShownTensor | null,
  fmt: (x: number) => string,
  collapsed: boolean,
): string {
  const op = n.op === 'leaf' ? null : collapsed && n.expression ? shorten(n.expression, 36) : opLabel(n, byId, folded, fmt);
  const title = n.name !== null ? (op ? `${n.name} = ${op}` : n.name) : (op ?? (n.role === 'const' ? 'const' : n.role));
  const scalar = n.size === 1;
  const shape = n.shape.length > 0 ? `  [${n.shape.join('×')}]` : '';
  const lines = [title + shape];
  if (scalar) {
    lines.push(`v = ${fmt(value.values[0])}`);
    if (grad !== null) lines.push(`∇ = ${fmt(grad.values[0])}`);
  } else {
    lines.push(`‖v‖ = ${fmt(value.norm)}`);
    if (grad !== null) lines.push(`‖∇‖ = ${fmt(grad.norm)}`);
  }
  return lines.map(escapeLabel).join('<br/>');
}

/** The op's name, with scalar constants folded in: `mul ×0.5`, `pow ^2`, `sub 1−·`, `clip(·, 0, 1)`. */
function opLabel(n: NodeInfo, byId: Map<number, NodeInfo>, folded: (n: NodeInfo | undefined) => boolean, fmt: (x: number) => string): string {
  const args = n.inputs.map((i) => {
    const input = byId.get(i);
    return input && folded(input) ? fmt(input.value[0]) : null;
  });
  if (args.every((a) => a === null)) return n.op;
  const binary = SYMBOLS[n.op];
  if (binary && args.length === 2) {
    const [a, b] = args;
    if (a !== null && b !== null) return `${n.op} ${a}${binary.symbol}${b}`;
    if (b !== null || binary.commutative) return `${n.op} ${binary.symbol}${a ?? b}`;
    return `${n.op} ${a}${binary.symbol}·`;
  }
  return `${n.op}(${args.map((a) => a ?? '·').join(', ')})`;
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** The named nodes whose values reach `n` through unnamed ones only (for the collapsed graph). */
function namedSources(n: NodeInfo, byId: Map<number, NodeInfo>, drawnIds: Set<number>): number[] {
  const found: number[] = [];
  const seen = new Set<number>();
  const stack = [...n.inputs];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    if (drawnIds.has(id)) found.push(id);
    else stack.push(...(byId.get(id)?.inputs ?? []));
  }
  return found.sort((a, b) => a - b);
}

/**
 * Text safe inside a Mermaid `"..."` label: everything but letters, digits, spaces and a few harmless
 * marks becomes a Mermaid entity code (`#35;`), which Mermaid turns back into the character after
 * parsing, so no name can close the quote, start markup or markdown, or inject a statement.
 */
export function escapeLabel(text: string): string {
  let out = '';
  // Line breaks and tabs inside a name would not survive as such: they read as spaces.
  for (const ch of text.replace(/\s/g, ' ')) {
    out += /^[A-Za-z0-9 .,=+\-−×÷^·‖∇…]$/u.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  }
  return out;
}
