import type { TensorStats } from './tensorStats';

// The results of analysing (and training) one `.grad` document, as plain data: made in the worker
// thread, kept by the extension host for hovers and diagnostics, and sent to the webviews. Every
// field survives structured cloning (postMessage) and JSON.

/** A half-open offset range in the document. */
export interface OffsetRange {
  readonly start: number;
  readonly end: number;
}

/** How a node came to be: a declared leaf, or an operation. */
export type NodeRoleName = 'input' | 'param' | 'target' | 'const' | 'op';

/** The declaration keyword of a named node; `node` is a plain `NAME = EXPR`. */
export type DeclKindName = 'input' | 'target' | 'param' | 'const' | 'node' | 'loss';

/** One node of the computational graph, at the initial parameters. */
export interface NodeInfo {
  readonly id: number;
  readonly name: string | null;
  readonly declKind: DeclKindName | null;
  readonly role: NodeRoleName;
  /** `tanh`, `matmul`, `leaf`... */
  readonly op: string;
  readonly shape: number[];
  /** Number of elements; `value` and `grad` hold at most PREVIEW_LIMIT of them. */
  readonly size: number;
  /** The source that made it: the expression, or for a leaf its whole declaration. */
  readonly range: OffsetRange;
  /** For a named node: the range of the name in its declaration. */
  readonly nameRange: OffsetRange | null;
  /** For a named node: the defining expression's source text. */
  readonly expression: string | null;
  readonly inputs: number[];
  /** The leading elements of the value (all of them up to PREVIEW_LIMIT). */
  readonly value: number[];
  readonly valueStats: TensorStats;
  /** d loss / d node (leading elements); null without a loss, or for targets and consts. */
  readonly grad: number[] | null;
  readonly gradStats: TensorStats | null;
  /** True when the node lies upstream of the loss. */
  readonly feedsLoss: boolean;
}

/** One element of a gradient check. */
export interface GradcheckElementInfo {
  readonly label: string;
  readonly analytic: number;
  readonly numeric: number;
  readonly absDiff: number;
  readonly relError: number;
  readonly passed: boolean;
}

/** The gradient check of one param or input. */
export interface GradcheckInfo {
  readonly name: string;
  readonly nodeId: number;
  readonly shape: number[];
  readonly maxAbsDiff: number;
  readonly maxRelError: number;
  readonly passed: boolean;
  readonly totalElements: number;
  readonly elements: GradcheckElementInfo[];
}

/** A requested Jacobian with labelled rows and columns. */
export interface JacobianInfo {
  readonly of: string[];
  readonly wrt: string[];
  readonly rowLabels: string[];
  readonly columnLabels: string[];
  readonly analytic: number[][];
  readonly numeric: number[][];
  readonly maxAbsDiff: number;
  readonly range: OffsetRange;
}

/** The optimizer a file asks for, with every setting filled in. */
export interface OptimizerInfo {
  readonly kind: 'sgd' | 'adam';
  readonly settings: Record<string, number>;
}

/** A file's `train` line. */
export interface TrainPlanInfo {
  readonly optimizer: OptimizerInfo;
  readonly steps: number;
  readonly logEvery: number;
  readonly range: OffsetRange;
}

/** How one parameter moved during training: one series per element (capped), sampled at `steps`. */
export interface ParamTrajectory {
  readonly name: string;
  readonly labels: string[];
  /** series[e][i] is element e's value after step steps[i] (step 0 is the initial value). */
  readonly series: number[][];
}

/** The outcome of a training run. */
export interface TrainingInfo {
  /** Loss before each step's update; the first entry is the initial loss. */
  readonly loss: number[];
  /** Step numbers at which trajectories were sampled. */
  readonly steps: number[];
  readonly trajectories: ParamTrajectory[];
  readonly log: { step: number; loss: number; watched: Record<string, number> }[];
  readonly initialLoss: number;
  readonly finalLoss: number;
  /** (1 - final/initial) * 100. */
  readonly reductionPercent: number;
  /** The named nodes feeding the loss, after the last update. */
  readonly finals: { name: string; value: number }[];
  /** Values and gradients of every node at the trained parameters, by node id (leading elements). */
  readonly trainedValues: number[][];
  readonly trainedGrads: number[][];
  /** Statistics of the whole trained values and gradients, by node id. */
  readonly trainedStats: { value: TensorStats; grad: TensorStats }[];
  readonly diverged: boolean;
  readonly optimizer: OptimizerInfo;
}

/** A diagnostic with offsets (the host converts them to positions with the document). */
export interface DiagnosticInfo {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly range: OffsetRange;
  /** 1-based line and column of the range's start, for display. */
  readonly line: number;
  readonly column: number;
}

/** Everything about one version of a document. */
export interface AnalysisModel {
  readonly diagnostics: DiagnosticInfo[];
  readonly hasErrors: boolean;
  readonly loss: { name: string; nodeId: number; value: number } | null;
  readonly nodes: NodeInfo[];
  /** Source ranges and the nodes they evaluate to, for hovers. */
  readonly bindings: { range: OffsetRange; nodeId: number }[];
  readonly jacobians: JacobianInfo[];
  readonly gradcheck: GradcheckInfo[];
  readonly gradcheckOptions: { eps: number; atol: number; rtol: number };
  readonly train: TrainPlanInfo | null;
  readonly training: TrainingInfo | null;
  /** Milliseconds the analysis (and training) took in the worker. */
  readonly elapsedMs: number;
}
