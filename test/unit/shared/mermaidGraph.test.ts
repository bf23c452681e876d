import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMermaidGraph, escapeLabel, gradBin, gradBinLabel } from '../../../src/shared/mermaidGraph';
import type { AnalysisModel, NodeInfo } from '../../../src/shared/model';
import { statsOf } from '../../../src/shared/tensorStats';

// Small hand-built models: just the fields the graph reads, the rest filled with defaults.

type NodeSpec = Partial<NodeInfo> & Pick<NodeInfo, 'id'>;

function node(spec: NodeSpec): NodeInfo {
  const leaf = (spec.op ?? 'leaf') === 'leaf';
  const value = spec.value ?? [0];
  const grad = spec.grad === undefined ? [0] : spec.grad;
  return {
    name: null,
    declKind: null,
    role: leaf ? 'param' : 'op',
    op: 'leaf',
    shape: [],
    range: { start: spec.id * 10, end: spec.id * 10 + 5 },
    nameRange: null,
    expression: null,
    inputs: [],
    feedsLoss: true,
    ...spec,
    value,
    grad,
    size: spec.size ?? value.length,
    valueStats: spec.valueStats ?? statsOf(value),
    gradStats: spec.gradStats !== undefined ? spec.gradStats : grad === null ? null : statsOf(grad),
  };
}

const named = (id: number, name: string, rest: Partial<NodeInfo> = {}): NodeInfo =>
  node({ id, name, declKind: rest.role === 'input' ? 'input' : rest.op && rest.op !== 'leaf' ? 'node' : 'param', nameRange: { start: id * 10, end: id * 10 + name.length }, ...rest });

function model(nodes: NodeInfo[], extra: Partial<AnalysisModel> = {}): AnalysisModel {
  return {
    diagnostics: [],
    hasErrors: false,
    loss: null,
    nodes,
    bindings: [],
    jacobians: [],
    gradcheck: [],
    gradcheckOptions: { eps: 1e-6, atol: 1e-5, rtol: 1e-3 },
    train: null,
    training: null,
    elapsedMs: 1,
    ...extra,
  };
}

/** `L = 0.5 * (tanh(w * x) - y)^2`, the shape of the book's loss. */
function smallNetwork(): AnalysisModel {
  return model(
    [
      named(0, 'x', { role: 'input', value: [2], grad: [0.25] }),
      named(1, 'w', { value: [0.5], grad: [-1.5] }),
      node({ id: 2, op: 'mul', inputs: [1, 0], value: [1], grad: [-0.75] }),
      named(3, 'h', { op: 'tanh', inputs: [2], value: [0.76], grad: [-1.2], expression: 'tanh(w * x)' }),
      named(4, 'y', { role: 'target', declKind: 'target', value: [1], grad: null }),
      node({ id: 5, op: 'sub', inputs: [3, 4], value: [-0.24], grad: [-0.24] }),
      node({ id: 6, role: 'const', value: [2], grad: null }),
      node({ id: 7, op: 'pow', inputs: [5, 6], value: [0.0576], grad: [0.5] }),
      node({ id: 8, role: 'const', value: [0.5], grad: null }),
      named(9, 'L', { op: 'mul', declKind: 'loss', inputs: [8, 7], value: [0.0288], grad: [1], expression: '0.5 * (h - y)^2' }),
    ],
    { loss: { name: 'L', nodeId: 9, value: 0.0288 } },
  );
}

const options = { nodeLimit: 50, precision: 4 };

/** The node definition line of a mermaid id. */
const lineOf = (text: string, id: string) => text.split('\n').find((l) => l.trimStart().startsWith(`${id}[`) || l.trimStart().startsWith(`${id}(`) || l.trimStart().startsWith(`${id}{`)) ?? '';

/** Mermaid's entity codes decoded, and line breaks as newlines: what the reader sees. */
const shown = (line: string) =>
  (/"(.*)"/.exec(line)?.[1] ?? '').replace(/<br\/>/g, '\n').replace(/#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)));

/** Class name → mermaid ids, from the `class a,b name` lines. */
function classesOf(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of text.matchAll(/^\s*class ([\w,]+) (\w+)$/gm)) out.set(m[2], [...(out.get(m[2]) ?? []), ...m[1].split(',')]);
  return out;
}

describe('buildMermaidGraph', () => {
  it('labels scalars with value and gradient, and tensors with their norms', () => {
    const g = buildMermaidGraph(
      model([named(0, 'b', { value: [0.5], grad: [-1.25] }), named(1, 'W', { shape: [1, 2], value: [3, 4], grad: [0.6, 0.8] })], { loss: { name: 'b', nodeId: 0, value: 0.5 } }),
      options,
    );
    expect(g.text.startsWith('flowchart TB\n')).toBe(true);
    expect(shown(lineOf(g.text, 'n0'))).toBe('b\nv = 0.5\n∇ = -1.25');
    expect(shown(lineOf(g.text, 'n1'))).toBe('W  [1×2]\n‖v‖ = 5\n‖∇‖ = 1');
    expect(g.nodeIds).toEqual(new Map([['n0', 0], ['n1', 1]]));
    expect(g.shown).toBe(2);
  });

  it('rounds to the requested precision', () => {
    const g = buildMermaidGraph(model([named(0, 'p', { value: [Math.PI], grad: [1 / 3] })]), { nodeLimit: 10, precision: 3 });
    expect(shown(lineOf(g.text, 'n0'))).toBe('p\nv = 3.14\n∇ = 0.333');
  });

  it('folds unnamed scalar constants into the label of the op that uses them', () => {
    const g = buildMermaidGraph(smallNetwork(), options);
    expect(shown(lineOf(g.text, 'n9')).split('\n')[0]).toBe('L = mul ×0.5');
    expect(shown(lineOf(g.text, 'n7')).split('\n')[0]).toBe('pow ^2');
    expect(lineOf(g.text, 'n6')).toBe('');
    expect(lineOf(g.text, 'n8')).toBe('');
    expect(g.text).not.toMatch(/n[68] -->/);
    expect(g.shown).toBe(8);
    expect(g.total).toBe(8);
  });

  it('keeps the order of a non-commutative op with a constant on the left', () => {
    const g = buildMermaidGraph(
      model([named(0, 'x', { role: 'input' }), node({ id: 1, role: 'const', value: [1], grad: null }), node({ id: 2, op: 'sub', inputs: [1, 0] }), node({ id: 3, op: 'clip', inputs: [0, 1, 1] })]),
      options,
    );
    expect(shown(lineOf(g.text, 'n2')).split('\n')[0]).toBe('sub 1−·');
    expect(shown(lineOf(g.text, 'n3')).split('\n')[0]).toBe('clip(·, 1, 1)');
  });

  it('gives each kind of node its own shape', () => {
    const text = buildMermaidGraph(smallNetwork(), options).text;
    expect(lineOf(text, 'n0')).toMatch(/^ {2}n0\[\/".*"\/\]$/); // input: parallelogram
    expect(lineOf(text, 'n1')).toMatch(/^ {2}n1\[\[".*"\]\]$/); // param: subroutine
    expect(lineOf(text, 'n4')).toMatch(/^ {2}n4\[\\".*"\\\]$/); // target: the other parallelogram
    expect(lineOf(text, 'n3')).toMatch(/^ {2}n3\(".*"\)$/); // op: rounded
    expect(lineOf(text, 'n9')).toMatch(/^ {2}n9\(\[".*"\]\)$/); // loss: stadium
  });

  it('draws the edges between drawn nodes', () => {
    const text = buildMermaidGraph(smallNetwork(), options).text;
    for (const edge of ['n1 --> n2', 'n0 --> n2', 'n2 --> n3', 'n3 --> n5', 'n4 --> n5', 'n5 --> n7', 'n7 --> n9']) expect(text).toContain(edge);
  });

  it('colours nodes by the decade of their gradient norm, and marks nodes without one', () => {
    const grads = [1e-5, 5e-4, 5e-3, 0.05, 0.5, 50, NaN];
    const nodes = grads.map((g, i) => named(i, `p${i}`, { value: [1], grad: [g] }));
    nodes.push(named(7, 't', { role: 'target', declKind: 'target', grad: null }));
    nodes.push(named(8, 'off', { grad: [3], feedsLoss: false }));
    nodes.push(named(9, 'v', { shape: [2], value: [1, 1], grad: [3e-3, 4e-3] })); // ‖∇‖ = 5e-3
    const classes = classesOf(buildMermaidGraph(model(nodes), options).text);
    expect(classes.get('grad0')).toEqual(['n0']);
    expect(classes.get('grad1')).toEqual(['n1']);
    expect(classes.get('grad2')).toEqual(['n2', 'n9']);
    expect(classes.get('grad3')).toEqual(['n3']);
    expect(classes.get('grad4')).toEqual(['n4']);
    expect(classes.get('grad5')).toEqual(['n5', 'n6']);
    expect(classes.get('noGrad')).toEqual(['n7', 'n8']);
  });

  it('labels and colours with the trained values when asked', () => {
    const m = smallNetwork();
    const trainedValues = m.nodes.map((n) => n.value.map(() => 7));
    const trainedGrads = m.nodes.map((n) => n.value.map(() => 1e-6));
    const trainedStats = m.nodes.map((_, i) => ({ value: statsOf(trainedValues[i]), grad: statsOf(trainedGrads[i]) }));
    const trained = model(m.nodes, { loss: m.loss, training: { trainedValues, trainedGrads, trainedStats } as unknown as AnalysisModel['training'] });
    const g = buildMermaidGraph(trained, { ...options, useTrained: true });
    expect(shown(lineOf(g.text, 'n1'))).toBe('w\nv = 7\n∇ = 1e-6');
    expect(classesOf(g.text).get('grad0')).toContain('n1');
    expect(shown(lineOf(g.text, 'n4'))).toBe('y\nv = 7'); // a target stays without a gradient
  });

  it('escapes names so they cannot break out of the label', () => {
    const odd = ['a"b', 'x"]-->y["', '%%{init}%%', '<script>alert(1)</script>', 'click n0 call f()', '#quot;', '`md`', 'a;b|c{d}', 'é∂', 'tab\tand\nnewline'];
    const g = buildMermaidGraph(model(odd.map((name, i) => named(i, name, { value: [1], grad: [1] }))), options);
    const lines = g.text.split('\n');
    odd.forEach((name, i) => {
      const line = lineOf(g.text, `n${i}`);
      expect(line.match(/"/g)?.length).toBe(2);
      expect(shown(line).split('\n')[0]).toBe(name.replace(/\s/g, ' '));
    });
    expect(g.text).not.toMatch(/<script|%%|-->\s*y/);
    expect(lines.some((l) => /^\s*(click|style|classDef|%%)/.test(l) && !l.includes('classDef grad') && !/classDef (noGrad|roleLoss)/.test(l))).toBe(false);
    // One line per node, then edges and classes: no name added a statement.
    expect(lines.filter((l) => /^ {2}n\d+[[({]/.test(l))).toHaveLength(odd.length);
  });

  it('escapes everything but plain text and our own symbols', () => {
    expect(escapeLabel('W1 = mul ×0.5')).toBe('W1 = mul ×0.5');
    expect(escapeLabel('a_b[0]')).toBe('a#95;b#91;0#93;');
    expect(escapeLabel('"#;<>&')).toBe('#34;#35;#59;#60;#62;#38;');
  });

  it('collapses a graph over the limit to its named nodes, with edges through the unnamed ones', () => {
    const g = buildMermaidGraph(smallNetwork(), { nodeLimit: 5, precision: 4 });
    expect(g.collapsed).toBe(true);
    expect([...g.nodeIds.values()].sort((a, b) => a - b)).toEqual([0, 1, 3, 4, 9]);
    expect(g.shown).toBe(5);
    expect(g.total).toBe(8);
    expect(g.note).toMatch(/5 named nodes of 8/);
    expect(g.note).toMatch(/more than 5 nodes/);
    for (const edge of ['n0 --> n3', 'n1 --> n3', 'n3 --> n9', 'n4 --> n9']) expect(g.text).toContain(edge);
    expect(g.text).not.toMatch(/n[2578]\b/);
    // With the ops inside it hidden, a named node shows its expression.
    expect(shown(lineOf(g.text, 'n3')).split('\n')[0]).toBe('h = tanh(w * x)');
  });

  it('does not collapse at or under the limit', () => {
    const g = buildMermaidGraph(smallNetwork(), { nodeLimit: 8, precision: 4 });
    expect(g.collapsed).toBe(false);
    expect(g.note).toBeNull();
    expect(g.shown).toBe(8);
  });

  it('handles an empty model', () => {
    const g = buildMermaidGraph(model([]), options);
    expect(g.shown).toBe(0);
    expect(g.text.split('\n')[0]).toBe('flowchart TB');
  });
});

describe('gradient bins', () => {
  it('bins by decade, with the ends open', () => {
    expect([0, 9e-5, 1e-4, 2e-3, 0.02, 0.2, 1, 1e6, Infinity, NaN].map(gradBin)).toEqual([0, 0, 1, 2, 3, 4, 5, 5, 5, 5]);
    expect([0, 1, 2, 3, 4, 5].map(gradBinLabel)).toEqual(['< 1e-4', '1e-4 – 1e-3', '1e-3 – 1e-2', '1e-2 – 1e-1', '1e-1 – 1', '≥ 1']);
  });
});

// Mermaid needs a DOM (its sanitizer, DOMPurify, does not load in Node, and no jsdom is installed),
// so its parser runs in Chromium when one is available, as in the webview.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What the test page offers (typed here, since this project has no DOM library). */
interface PageGlobals {
  mermaid: { initialize(config: object): void; parse(text: string): Promise<unknown>; render(id: string, text: string): Promise<{ svg: string }> };
  document: { createElement(tag: 'div'): { innerHTML: string; textContent: string | null; querySelectorAll(selector: string): { length: number } } };
}

describe.skipIf(!existsSync(chromiumPath))('Mermaid accepts the output (in Chromium)', () => {
  type Page = import('playwright-core').Page;
  type Browser = import('playwright-core').Browser;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage();
    await page.setContent('<!DOCTYPE html><html><body></body></html>');
    await page.addScriptTag({ path: path.join(__dirname, '../../../node_modules/mermaid/dist/mermaid.min.js') });
    await page.evaluate(() => (globalThis as unknown as PageGlobals).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', htmlLabels: false }));
  }, 30000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Parses and renders; returns the SVG's text and its number of nodes. */
  const render = (text: string) =>
    page.evaluate(async (t) => {
      const { mermaid, document } = globalThis as unknown as PageGlobals;
      await mermaid.parse(t);
      const { svg } = await mermaid.render(`g${Math.random().toString(36).slice(2)}`, t);
      const div = document.createElement('div');
      div.innerHTML = svg;
      return { text: div.textContent ?? '', nodes: div.querySelectorAll('g.node').length };
    }, text);
  it('parses and renders a full graph, a collapsed one and a trained one', async () => {
    const m = smallNetwork();
    const full = buildMermaidGraph(m, options);
    const collapsed = buildMermaidGraph(m, { nodeLimit: 3, precision: 6 });
    const trained = buildMermaidGraph(model(m.nodes, { loss: m.loss, training: { trainedValues: m.nodes.map((n) => n.value), trainedGrads: m.nodes.map((n) => n.value), trainedStats: m.nodes.map((n) => ({ value: statsOf(n.value), grad: statsOf(n.value) })) } as unknown as AnalysisModel['training'] }), { ...options, useTrained: true });
    const texts = await Promise.all([full, collapsed, trained].map((g) => render(g.text)));
    expect(texts.map((t) => t.nodes)).toEqual([8, 5, 8]);
    expect(texts[0].text).toContain('L = mul ×0.5');
    expect(texts[1].text).toContain('L = 0.5 * (h - y)^2');
  }, 30000);

  it('shows odd names literally, without breaking the diagram', async () => {
    const odd = ['a"b', 'x"]-->y["', '%%{init}%%', '<b>bold</b>', 'a_b*c*', 'click n0', '`md`', 'a;b|c{d}', 'line\nbreak'];
    const g = buildMermaidGraph(model(odd.map((name, i) => named(i, name, { value: [1], grad: [1] }))), options);
    const out = await render(g.text);
    expect(out.nodes).toBe(odd.length);
    for (const name of odd) expect(out.text.replace(/\s+/g, ' ')).toContain(name.replace(/\s+/g, ' '));
  }, 30000);
});
