// Messages between the extension host and its worker threads. The host never runs the engine on its
// own thread: analysis and training both happen in workers, which it can terminate at any time.

import type { RunReport } from '../program/report';
import type { AnalysisModel, OptimizerInfo } from '../shared/model';
import type { TrainingStatus } from '../shared/protocol';
import type { TensorStats } from '../shared/tensorStats';

/** Gradient-check settings from the user's configuration (a gradcheck line in the file wins). */
export interface EngineSettings {
  readonly eps: number;
  readonly atol: number;
  readonly rtol: number;
}

/** Host → analysis worker: analyse a source; with `train`, also run its train directive. */
export interface AnalyzeRequest {
  readonly type: 'analyze';
  readonly id: number;
  readonly source: string;
  readonly settings: EngineSettings;
  readonly train: boolean;
}

/** Analysis worker → host. */
export type AnalyzeResponse =
  | { readonly type: 'analysis'; readonly id: number; readonly model: AnalysisModel; readonly report: RunReport }
  | { readonly type: 'failure'; readonly id: number; readonly message: string };

/** Host → training worker. */
export type ToTrainingWorker =
  | { readonly type: 'load'; readonly source: string; readonly settings: EngineSettings }
  | { readonly type: 'run' }
  | { readonly type: 'pause' }
  | { readonly type: 'step' }
  | { readonly type: 'reset' };

/** Values and gradients of every node at the current parameters, by node id (leading elements, and statistics of the whole). */
export interface TrainedSnapshot {
  readonly step: number;
  readonly values: number[][];
  readonly grads: number[][];
  readonly stats: { value: TensorStats; grad: TensorStats }[];
}

/** Training worker → host. */
export type FromTrainingWorker =
  | {
      readonly type: 'loaded';
      /** Null when the file cannot be trained; `message` says why. */
      readonly optimizer: OptimizerInfo | null;
      readonly totalSteps: number;
      readonly message: string;
    }
  | { readonly type: 'progress'; readonly firstStep: number; readonly losses: number[]; readonly step: number; readonly stepsPerSecond: number }
  | { readonly type: 'status'; readonly status: TrainingStatus; readonly step: number; readonly message: string; readonly snapshot: TrainedSnapshot | null };
