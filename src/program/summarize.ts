import type { GraphNode } from '../engine/node';
import type { AnalysisModel, NodeInfo, ParamTrajectory, TrainingInfo } from '../shared/model';
import { preview, statsOf } from '../shared/tensorStats';
import type { Analysis } from './analyze';
import { elementLabel, upstreamOf } from './compile';
import type { Trainer } from './trainer';

// Turns an analysis (and a training run) into the plain-data model the extension shows.

/** At most this many elements of a param get a trajectory line, and this many points per line. */
const MAX_TRAJECTORY_ELEMENTS = 16;
const MAX_TRAJECTORY_POINTS = 2000;

/** Records parameter values during training at evenly spaced steps, within fixed bounds. */
export class TrajectoryRecorder {
  readonly steps: number[] = [];
  private readonly series: number[][][];
  private readonly every: number;

  constructor(private readonly trainer: Trainer) {
    this.every = Math.max(1, Math.ceil(trainer.plan.steps / MAX_TRAJECTORY_POINTS));
    this.series = trainer.program.params.map((p) => Array.from({ length: Math.min(p.node.size, MAX_TRAJECTORY_ELEMENTS) }, () => []));
    this.sample();
  }

  /** Call after each training step. */
  afterStep(): void {
    const n = this.trainer.stepCount;
    if (n % this.every === 0 || this.trainer.done) this.sample();
  }

  trajectories(): ParamTrajectory[] {
    return this.trainer.program.params.map((p, i) => ({
      name: p.name,
      labels: this.series[i].map((_, e) => elementLabel(p.name, p.node.shape, e)),
      series: this.series[i],
    }));
  }

  private sample(): void {
    this.steps.push(this.trainer.stepCount);
    this.trainer.program.params.forEach((p, i) => this.series[i].forEach((line, e) => line.push(p.node.value[e])));
  }
}

/** Trains to the end (or divergence, or until `shouldStop`), recording trajectories. */
export function trainRecording(trainer: Trainer, shouldStop: () => boolean = () => false): TrajectoryRecorder {
  const recorder = new TrajectoryRecorder(trainer);
  while (!trainer.done && !trainer.diverged && !shouldStop()) {
    trainer.step();
    recorder.afterStep();
  }
  return recorder;
}

/** The plain-data model of an analysis, with the training outcome when a trainer ran. */
export function summarize(analysis: Analysis, training: { trainer: Trainer; recorder: TrajectoryRecorder } | null, elapsedMs: number): AnalysisModel {
  const { program, initial } = analysis;
  const source = program.source;
  const feeding = program.loss ? upstreamOf(program.loss.node) : new Set<GraphNode>();
  const namedById = new Map([...program.names.values()].map((n) => [n.node.id, n]));
  const nodes: NodeInfo[] = program.graph.nodes.map((node) => {
    const named = namedById.get(node.id);
    const noGrad = initial.grads === null || node.role === 'target' || node.role === 'const';
    return {
      id: node.id,
      name: node.name,
      declKind: named?.declKind ?? null,
      role: node.role,
      op: node.rule.op,
      shape: [...node.shape],
      size: node.size,
      range: { start: node.span.start, end: node.span.end },
      nameRange: named ? { ...named.declaration.nameRange } : null,
      expression: named ? source.slice(named.declaration.value.range.start, named.declaration.value.range.end) : null,
      inputs: node.inputs.map((i) => i.id),
      value: preview(initial.values[node.id]),
      valueStats: statsOf(initial.values[node.id]),
      grad: noGrad ? null : preview(initial.grads![node.id]),
      gradStats: noGrad ? null : statsOf(initial.grads![node.id]),
      feedsLoss: feeding.has(node),
    };
  });
  return {
    diagnostics: analysis.diagnostics.map((d) => {
      const at = program.lines.positionAt(d.range.start);
      return { severity: d.severity, code: d.code, message: d.message, range: { ...d.range }, line: at.line + 1, column: at.character + 1 };
    }),
    hasErrors: analysis.hasErrors,
    loss: program.loss && analysis.loss !== null ? { name: program.loss.name, nodeId: program.loss.node.id, value: analysis.loss } : null,
    nodes,
    bindings: program.bindings.map((b) => ({ range: { start: b.range.start, end: b.range.end }, nodeId: b.node.id })),
    jacobians: analysis.jacobians.map((j) => ({
      of: [...j.plan.of],
      wrt: [...j.plan.wrt],
      rowLabels: j.plan.rows.map((r) => r.label),
      columnLabels: j.plan.columns.map((c) => c.label),
      analytic: j.analytic,
      numeric: j.numeric,
      maxAbsDiff: j.maxAbsDiff,
      range: { ...j.plan.directive.range },
    })),
    gradcheck: analysis.gradcheck.map((g) => ({
      name: g.node.name ?? g.node.label,
      nodeId: g.node.id,
      shape: [...g.node.shape],
      maxAbsDiff: g.maxAbsDiff,
      maxRelError: g.maxRelError,
      passed: g.passed,
      totalElements: g.totalElements,
      elements: g.elements.map((e) => ({
        label: elementLabel(g.node.name ?? 'x', g.node.shape, e.index),
        analytic: e.analytic,
        numeric: e.numeric,
        absDiff: e.absDiff,
        relError: e.relError,
        passed: e.passed,
      })),
    })),
    gradcheckOptions: { eps: analysis.gradcheckOptions.eps, atol: analysis.gradcheckOptions.atol, rtol: analysis.gradcheckOptions.rtol },
    train: program.train
      ? {
          optimizer: optimizerInfo(program.train.optimizer),
          steps: program.train.steps,
          logEvery: program.train.logEvery,
          range: { ...program.train.directive.range },
        }
      : null,
    training: training ? trainingInfo(training.trainer, training.recorder) : null,
    elapsedMs,
  };
}

function optimizerInfo(o: NonNullable<Analysis['program']['train']>['optimizer']): TrainingInfo['optimizer'] {
  const { kind, ...settings } = o;
  return { kind, settings };
}

function trainingInfo(trainer: Trainer, recorder: TrajectoryRecorder): TrainingInfo {
  const losses = trainer.losses;
  const initialLoss = losses[0] ?? NaN;
  const finalLoss = losses[losses.length - 1] ?? NaN;
  // Values and gradients at the trained parameters (the gradient the next step would use).
  trainer.settle();
  const graph = trainer.program.graph;
  return {
    loss: [...losses],
    steps: [...recorder.steps],
    trajectories: recorder.trajectories(),
    log: trainer.log.map((e) => ({ step: e.step, loss: e.loss, watched: { ...e.watched } })),
    initialLoss,
    finalLoss,
    reductionPercent: (1 - finalLoss / initialLoss) * 100,
    finals: trainer.watched.map((w) => ({ name: w.name, value: w.node.value[0] })),
    trainedValues: graph.nodes.map((n) => preview(n.value)),
    trainedGrads: graph.nodes.map((n) => preview(n.grad)),
    trainedStats: graph.nodes.map((n) => ({ value: statsOf(n.value), grad: statsOf(n.grad) })),
    diverged: trainer.diverged,
    optimizer: optimizerInfo(trainer.plan.optimizer),
  };
}
