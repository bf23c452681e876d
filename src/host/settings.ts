import * as vscode from 'vscode';
import type { ViewSettings } from '../shared/protocol';
import type { EngineSettings } from './workerProtocol';

/** The user's `gradscope.*` settings, read fresh each time so changes apply at once. */
export interface Settings {
  readonly engine: EngineSettings;
  readonly liveAnalysis: boolean;
  readonly debounceMs: number;
  readonly view: ViewSettings;
}

const clampInt = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)));
const positive = (v: number, fallback: number) => (Number.isFinite(v) && v > 0 ? v : fallback);
const nonNegative = (v: number, fallback: number) => (Number.isFinite(v) && v >= 0 ? v : fallback);

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('gradscope');
  return {
    engine: {
      eps: positive(c.get<number>('gradcheck.eps', 1e-6), 1e-6),
      atol: nonNegative(c.get<number>('gradcheck.atol', 1e-5), 1e-5),
      rtol: nonNegative(c.get<number>('gradcheck.rtol', 1e-3), 1e-3),
    },
    liveAnalysis: c.get<boolean>('liveAnalysis.enabled', true),
    debounceMs: clampInt(c.get<number>('liveAnalysis.debounceMs', 250), 0, 10_000),
    view: {
      precision: clampInt(c.get<number>('display.precision', 6), 1, 17),
      graphNodeLimit: clampInt(c.get<number>('graph.nodeLimit', 60), 1, 2000),
    },
  };
}
