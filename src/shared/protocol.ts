// The typed wire between the extension host and the webviews: one interface per message, tagged by
// `type`, grouped into unions per direction. Both sides `switch (msg.type)`; the host validates
// every message from a webview with the guards below before acting on it.

import type { LossCurve } from './lossCurve';
import type { AnalysisModel, OffsetRange, OptimizerInfo } from './model';

/** Display settings the webviews honour. */
export interface ViewSettings {
  /** Significant digits for numbers in tables. */
  readonly precision: number;
  /** Above this many nodes the graph collapses to named nodes. */
  readonly graphNodeLimit: number;
}

// ---- results panel ----

/** Host → results panel: a new analysis to show. */
export interface ShowResultsMessage {
  readonly type: 'showResults';
  /** The document's URI, so a restored panel knows what it showed. */
  readonly documentUri: string;
  readonly fileName: string;
  readonly documentVersion: number;
  readonly model: AnalysisModel;
  readonly settings: ViewSettings;
}

/** Host → results panel: a run is in progress (or failed before producing a model). */
export interface ResultsStatusMessage {
  readonly type: 'status';
  readonly busy: boolean;
  readonly message: string;
}

/** Everything the host sends to the results panel. */
export type ToResultsPanel = ShowResultsMessage | ResultsStatusMessage;

/** Results panel → host: the panel's script loaded and listens (the handshake before any post). */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Results panel → host: select this source range in the editor (a click on a graph node or a row). */
export interface RevealRangeMessage {
  readonly type: 'revealRange';
  readonly range: OffsetRange;
}

/** Results panel → host: the graph finished rendering (or failed), for tests and logs. */
export interface RenderedMessage {
  readonly type: 'rendered';
  readonly documentVersion: number;
  readonly nodes: number;
  readonly collapsed: boolean;
  readonly error: string | null;
}

/** Results panel → host: the user asked for a fresh run. */
export interface RerunMessage {
  readonly type: 'rerun';
}

/** Everything the results panel sends to the host. */
export type FromResultsPanel = ReadyMessage | RevealRangeMessage | RenderedMessage | RerunMessage;

// ---- training view ----

/** Where a training session stands. */
export type TrainingStatus = 'no-file' | 'not-trainable' | 'idle' | 'running' | 'paused' | 'done' | 'diverged' | 'error';

/** The whole state of the training view; sent on every change of status and when the view reappears. */
export interface TrainingState {
  readonly fileName: string | null;
  readonly status: TrainingStatus;
  /** Why the file cannot be trained, or the error; empty otherwise. */
  readonly message: string;
  readonly optimizer: OptimizerInfo | null;
  readonly totalSteps: number;
  readonly step: number;
  readonly loss: number | null;
  readonly stepsPerSecond: number;
  /** The loss history so far, thinned for drawing (at most about a thousand points). */
  readonly curve: LossCurve;
}

/** Host → training view: the full state (the view redraws from it). */
export interface TrainingStateMessage {
  readonly type: 'trainingState';
  readonly state: TrainingState;
  readonly settings: ViewSettings;
}

/**
 * Host → training view: progress, about 25 times a second while training runs. It carries the
 * thinned curve (a bounded size, whatever the number of steps), never one message per step.
 */
export interface TrainingProgressMessage {
  readonly type: 'trainingProgress';
  readonly curve: LossCurve;
  readonly step: number;
  readonly loss: number | null;
  readonly stepsPerSecond: number;
}

/** Everything the host sends to the training view. */
export type ToTrainingView = TrainingStateMessage | TrainingProgressMessage;

/** The buttons of the training view. */
export type TrainingAction = 'train' | 'pause' | 'resume' | 'step' | 'reset';

/** Training view → host: a button was pressed. */
export interface TrainingActionMessage {
  readonly type: 'trainingAction';
  readonly action: TrainingAction;
}

/** Everything the training view sends to the host. */
export type FromTrainingView = ReadyMessage | TrainingActionMessage;

// ---- validation ----

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isOffset = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

/** The message if it is a well-formed FromResultsPanel, else null. */
export function parseFromResultsPanel(msg: unknown): FromResultsPanel | null {
  if (!isObject(msg)) return null;
  switch (msg.type) {
    case 'ready':
    case 'rerun':
      return { type: msg.type };
    case 'revealRange': {
      const r = msg.range;
      if (!isObject(r) || !isOffset(r.start) || !isOffset(r.end) || r.end < r.start) return null;
      return { type: 'revealRange', range: { start: r.start, end: r.end } };
    }
    case 'rendered':
      if (typeof msg.documentVersion !== 'number' || typeof msg.nodes !== 'number' || typeof msg.collapsed !== 'boolean') return null;
      if (msg.error !== null && typeof msg.error !== 'string') return null;
      return { type: 'rendered', documentVersion: msg.documentVersion, nodes: msg.nodes, collapsed: msg.collapsed, error: msg.error as string | null };
    default:
      return null;
  }
}

const TRAINING_ACTIONS: readonly TrainingAction[] = ['train', 'pause', 'resume', 'step', 'reset'];

/** The message if it is a well-formed FromTrainingView, else null. */
export function parseFromTrainingView(msg: unknown): FromTrainingView | null {
  if (!isObject(msg)) return null;
  if (msg.type === 'ready') return { type: 'ready' };
  if (msg.type === 'trainingAction' && TRAINING_ACTIONS.includes(msg.action as TrainingAction)) {
    return { type: 'trainingAction', action: msg.action as TrainingAction };
  }
  return null;
}
