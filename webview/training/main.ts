// The training side view: the file being trained, its optimizer, the buttons, progress and a live
// loss curve. `trainingState` redraws everything; `trainingProgress` replaces the (thinned) curve
// without re-creating the chart. The state survives the view being hidden.

import './training.css';
import { formatNumber } from '../../src/shared/numberFormat';
import type { FromTrainingView, ToTrainingView, TrainingAction, TrainingState, TrainingStatus, ViewSettings } from '../../src/shared/protocol';
import { baseName, h } from '../common/dom';
import { LineChart } from '../common/lineChart';
import { onThemeChange } from '../common/theme';
import { connectToHost } from '../common/vscodeApi';
import type { LossCurve } from '../../src/shared/lossCurve';

/** What the view keeps across reloads: the last state with the progress applied to it. */
interface SavedState {
  readonly state: TrainingState;
  readonly settings: ViewSettings;
}

const STATUS_TEXT: Record<TrainingStatus, string> = {
  'no-file': 'No .grad file',
  'not-trainable': 'Not trainable',
  idle: 'Ready',
  running: 'Training…',
  paused: 'Paused',
  done: 'Done',
  diverged: 'Diverged',
  error: 'Error',
};

const host = connectToHost<FromTrainingView, SavedState>();
const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));

// The view's parts, made once; render() fills them from the state.
const title = h('h1', { class: 'file' });
const badge = h('span', { class: 'badge' });
const message = h('p', { class: 'message', hidden: true });
const optimizer = h('dl', { class: 'facts' });
const buttons = {
  train: button('Train', 'train', 'primary', 'Train from the current step to the end'),
  pause: button('Pause', 'pause', 'secondary', 'Pause training'),
  step: button('Step', 'step', 'secondary', 'Take one optimizer step'),
  reset: button('Reset', 'reset', 'secondary', 'Back to the initial parameters'),
};
const progressBar = h('div', { class: 'progress-fill' });
const progress = h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': '0' }, progressBar);
const stats = {
  step: h('dd', { class: 'num' }),
  loss: h('dd', { class: 'num' }),
  speed: h('dd', { class: 'num' }),
};
const chartBox = h('div', { class: 'chart' });
const chartEmpty = h('p', { class: 'chart-empty' }, 'The loss curve appears here once training starts.');
const chartWrap = h('div', { class: 'chart-wrap' }, chartEmpty, chartBox);

app.replaceChildren(
  h('header', { class: 'head' }, title, badge),
  message,
  optimizer,
  h('div', { class: 'buttons' }, Object.values(buttons)),
  progress,
  h('dl', { class: 'stats' }, h('dt', null, 'Step'), stats.step, h('dt', null, 'Loss'), stats.loss, h('dt', null, 'Speed'), stats.speed),
  chartWrap,
);

let current: SavedState | null = host.savedState() ?? null;
let curve: LossCurve = current?.state.curve ?? { steps: [], losses: [] };
let chart: LineChart | null = null;
let saveTimer: number | undefined;

window.addEventListener('message', (event: MessageEvent<ToTrainingView>) => {
  const msg = event.data;
  switch (msg?.type) {
    case 'trainingState':
      current = { state: msg.state, settings: msg.settings };
      curve = msg.state.curve;
      render(true);
      save(true);
      break;
    case 'trainingProgress':
      if (!current) return;
      // The host sends the whole thinned curve each time (a bounded size): replace, do not append.
      curve = msg.curve;
      current = { ...current, state: { ...current.state, curve, step: msg.step, stepsPerSecond: msg.stepsPerSecond, loss: msg.loss } };
      render(false);
      save(false);
      break;
  }
});

onThemeChange(() => {
  chart?.destroy();
  chart = null;
  render(true);
});

render(true);
host.post({ type: 'ready' });

/** Fills the view from `current`; `rebuild` re-creates the chart (else only its data changes). */
function render(rebuild: boolean): void {
  const s = current?.state ?? null;
  const fmt = (x: number) => formatNumber(x, current?.settings.precision ?? 6);
  const status: TrainingStatus = s?.status ?? 'no-file';
  document.body.dataset.status = status;

  title.textContent = s?.fileName ? baseName(s.fileName) : 'No .grad file';
  title.title = s?.fileName ?? '';
  badge.textContent = STATUS_TEXT[status];
  badge.className = `badge status-${status}`;

  const text = s?.message || (status === 'no-file' ? 'Open a .grad file with a train line to train it here.' : '');
  message.hidden = !text;
  message.textContent = text;
  message.className = `message ${status === 'error' || status === 'diverged' ? 'error' : ''}`;

  optimizer.replaceChildren(
    ...(s?.optimizer
      ? [
          h('dt', null, 'Optimizer'),
          h('dd', null, s.optimizer.kind.toUpperCase()),
          ...Object.entries(s.optimizer.settings).flatMap(([k, v]) => [h('dt', null, k), h('dd', { class: 'num' }, formatNumber(v, 4))]),
          h('dt', null, 'Steps'),
          h('dd', { class: 'num' }, String(s.totalSteps)),
        ]
      : []),
  );

  const trainable = s !== null && !['no-file', 'not-trainable'].includes(status);
  const running = status === 'running';
  const finished = status === 'done' || status === 'diverged';
  setButton(buttons.train, trainable && (status === 'idle' || status === 'error'));
  buttons.pause.textContent = status === 'paused' ? 'Resume' : 'Pause';
  buttons.pause.dataset.action = status === 'paused' ? 'resume' : 'pause';
  buttons.pause.title = status === 'paused' ? 'Resume training' : 'Pause training';
  setButton(buttons.pause, running || status === 'paused');
  setButton(buttons.step, trainable && !running && !finished && status !== 'error');
  setButton(buttons.reset, trainable && (running || status === 'paused' || finished || status === 'error' || (s?.step ?? 0) > 0));

  const total = s?.totalSteps ?? 0;
  const step = s?.step ?? 0;
  const fraction = total > 0 ? Math.min(1, step / total) : 0;
  progressBar.style.width = `${(fraction * 100).toFixed(2)}%`;
  progress.setAttribute('aria-valuemax', String(total));
  progress.setAttribute('aria-valuenow', String(step));
  progress.hidden = !trainable;
  stats.step.textContent = trainable ? `${step.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}` : '—';
  stats.loss.textContent = s?.loss !== null && s?.loss !== undefined ? fmt(s.loss) : '—';
  stats.speed.textContent = s && s.stepsPerSecond > 0 ? `${Math.round(s.stepsPerSecond).toLocaleString('en-US')} steps/s` : '—';

  chartWrap.hidden = !trainable && curve.steps.length === 0;
  drawChart(rebuild);
}

function drawChart(rebuild: boolean): void {
  const hasData = curve.steps.length > 0;
  chartEmpty.hidden = hasData;
  chartBox.hidden = !hasData;
  if (!hasData) {
    chart?.destroy();
    chart = null;
    return;
  }
  const x = curve.steps;
  const series = [{ label: 'loss', values: curve.losses }];
  if (!chart || rebuild) {
    chart?.destroy();
    const total = current?.state.totalSteps ?? 0;
    chart = new LineChart(chartBox, { xLabel: 'Step', yLabel: 'Loss (log)', logY: true, height: 180, legend: true, xRange: total > 0 ? [0, total] : undefined }, x, series);
  } else {
    chart.setData(x, series);
  }
}

/** Saves the state (the curve is small, so this is cheap); during a run at most once a second. */
function save(now: boolean): void {
  const write = () => {
    saveTimer = undefined;
    if (current) host.saveState(current);
  };
  if (now) {
    window.clearTimeout(saveTimer);
    write();
  } else if (saveTimer === undefined) {
    saveTimer = window.setTimeout(write, 1000);
  }
}

function button(text: string, action: TrainingAction, kind: 'primary' | 'secondary', tip: string): HTMLButtonElement {
  const b = h('button', { type: 'button', class: `button ${kind}`, title: tip, 'data-action': action, disabled: true }, text);
  b.addEventListener('click', () => host.post({ type: 'trainingAction', action: b.dataset.action as TrainingAction }));
  return b;
}

function setButton(b: HTMLButtonElement, enabled: boolean): void {
  b.disabled = !enabled;
}
