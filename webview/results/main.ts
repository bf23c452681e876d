// The results panel: restores what it last showed (so a reloaded panel is never blank), says
// `ready`, then draws each `showResults` from the host: header, problems, graph, Jacobians,
// gradient check and training.

import './results.css';
import type { OffsetRange } from '../../src/shared/model';
import { formatNumber } from '../../src/shared/numberFormat';
import type { FromResultsPanel, ShowResultsMessage, ToResultsPanel } from '../../src/shared/protocol';
import { h } from '../common/dom';
import { onThemeChange } from '../common/theme';
import { connectToHost } from '../common/vscodeApi';
import { defaultPrefs, type RenderContext, type ViewPrefs } from './context';
import { diagnosticsSection } from './diagnosticsSection';
import { gradcheckSection } from './gradcheckSection';
import { graphSection } from './graphSection';
import { header } from './header';
import { jacobianSection } from './jacobianSection';
import { trainingSection } from './trainingSection';

/** What the panel keeps across reloads. */
interface SavedState {
  readonly results: ShowResultsMessage | null;
  readonly prefs: ViewPrefs;
}

const host = connectToHost<FromResultsPanel, SavedState>();
const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
const statusBar = h('div', { class: 'status', role: 'status', hidden: true });
const content = h('main', { class: 'content' });
app.replaceChildren(statusBar, content);

const saved = host.savedState();
let results: ShowResultsMessage | null = saved?.results?.type === 'showResults' ? saved.results : null;
const prefs: ViewPrefs = { ...defaultPrefs(), ...(saved?.prefs ?? {}) };
let disposers: (() => void)[] = [];

const save = () => host.saveState({ results, prefs });

window.addEventListener('message', (event: MessageEvent<ToResultsPanel>) => {
  const msg = event.data;
  switch (msg?.type) {
    case 'showResults':
      results = msg;
      save();
      showStatus(false, '');
      render(msg, true);
      break;
    case 'status':
      showStatus(msg.busy, msg.message);
      break;
  }
});

// A theme switch changes Mermaid's theme and the canvas colours: draw again.
onThemeChange(() => {
  if (results) render(results, false);
});

if (results) render(results, false);
else content.replaceChildren(h('p', { class: 'placeholder' }, 'Waiting for results… Run “Gradscope: Run Backprop” on a .grad file.'));
host.post({ type: 'ready' });

/** Draws everything for one message; `announce` posts `rendered` once the graph is drawn. */
function render(msg: ShowResultsMessage, announce: boolean): void {
  for (const dispose of disposers) dispose();
  disposers = [];
  const digits = Math.max(1, Math.min(17, Math.round(msg.settings.precision) || 6));
  const ctx: RenderContext = {
    message: msg,
    model: msg.model,
    fmt: (x) => formatNumber(x, digits),
    prefs,
    savePrefs: save,
    reveal: (range: OffsetRange) => host.post({ type: 'revealRange', range: { start: range.start, end: range.end } }),
    onDispose: (cleanup) => disposers.push(cleanup),
  };
  const graph = safely('graph', () => graphSection(ctx));
  const scroll = window.scrollY;
  content.replaceChildren(
    ...[
      safely('header', () =>
        header(ctx, () => {
          showStatus(true, 'Running…');
          host.post({ type: 'rerun' });
        }),
      ),
      safely('problems', () => diagnosticsSection(ctx)),
      graph instanceof HTMLElement ? graph : graph.element,
      safely('Jacobians', () => jacobianSection(ctx)),
      safely('gradient check', () => gradcheckSection(ctx)),
      safely('training', () => trainingSection(ctx)),
    ].filter((x): x is HTMLElement => x !== null),
  );
  window.scrollTo(0, scroll);
  if (!announce) return;
  const outcome = graph instanceof HTMLElement ? Promise.resolve({ nodes: 0, collapsed: false, error: graph.textContent }) : graph.outcome;
  void outcome.then((o) => host.post({ type: 'rendered', documentVersion: msg.documentVersion, nodes: o.nodes, collapsed: o.collapsed, error: o.error }));
}

/** Builds one section; a bug in one shows in place of it instead of blanking the panel. */
function safely<T>(name: string, build: () => T): T | HTMLElement {
  try {
    return build();
  } catch (e) {
    console.warn(`Gradscope: the ${name} section failed`, e);
    return h('div', { class: 'section-error', role: 'alert' }, `The ${name} section could not be shown: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function showStatus(busy: boolean, message: string): void {
  statusBar.hidden = !busy && message === '';
  statusBar.classList.toggle('busy', busy);
  statusBar.replaceChildren(busy ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : '', message);
  document.body.classList.toggle('is-busy', busy);
  if (!results && !busy && message) content.replaceChildren(h('p', { class: 'placeholder' }, message));
}
