import type { Shape } from '../engine/shape';
import type { Diagnostic } from '../language/diagnostics';
import type { LineMap } from '../language/lineMap';
import type { Analysis } from './analyze';
import type { Trainer } from './trainer';

// The JSON contract of `gradscope run --json` and of the `gradscope.runBackprop` command: a stable
// shape that tests and other tools read. Change it only by adding fields.

/** A tensor as JSON: a number for a scalar, nested arrays otherwise. */
export type NestedArray = number | NestedArray[];

/** A diagnostic with 1-based lines and columns. */
export interface ReportDiagnostic {
  severity: 'error' | 'warning';
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** One named node at the initial parameters. */
export interface ReportNode {
  shape: number[];
  value: NestedArray;
  grad: NestedArray | null;
}

/** The whole report. */
export interface RunReport {
  loss: number | null;
  nodes: Record<string, ReportNode>;
  jacobians: { of: string[]; wrt: string[]; analytic: number[][]; numeric: number[][]; maxAbsDiff: number }[];
  gradcheck: { name: string; maxAbsDiff: number; maxRelError: number; passed: boolean }[];
  training: null | { loss: number[]; params: Record<string, NestedArray> };
  diagnostics: ReportDiagnostic[];
}

/** Row-major values as nested arrays of the given shape. */
export function toNested(values: ArrayLike<number>, shape: Shape): NestedArray {
  if (shape.length === 0) return values[0];
  const build = (axis: number, offset: number, stride: number): NestedArray[] => {
    const inner = stride / shape[axis];
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[axis]; i++) {
      out.push(axis === shape.length - 1 ? values[offset + i] : build(axis + 1, offset + i * inner, inner));
    }
    return out;
  };
  return build(0, 0, Array.from(shape).reduce((p, d) => p * d, 1));
}

/** A diagnostic's range as 1-based line and column numbers. */
export function toReportDiagnostic(d: Diagnostic, lines: LineMap): ReportDiagnostic {
  const start = lines.positionAt(d.range.start);
  const end = lines.positionAt(d.range.end);
  return { severity: d.severity, message: d.message, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

/** Builds the report from an analysis and, if training ran, its trainer. */
export function buildReport(analysis: Analysis, trainer: Trainer | null): RunReport {
  const { program, initial } = analysis;
  const nodes: Record<string, ReportNode> = {};
  for (const named of program.names.values()) {
    const id = named.node.id;
    const noGrad = initial.grads === null || named.declKind === 'target' || named.declKind === 'const';
    nodes[named.name] = {
      shape: [...named.node.shape],
      value: toNested(initial.values[id], named.node.shape),
      grad: noGrad ? null : toNested(initial.grads![id], named.node.shape),
    };
  }
  return {
    loss: analysis.loss,
    nodes,
    jacobians: analysis.jacobians.map((j) => ({ of: [...j.plan.of], wrt: [...j.plan.wrt], analytic: j.analytic, numeric: j.numeric, maxAbsDiff: j.maxAbsDiff })),
    gradcheck: analysis.gradcheck.map((g) => ({ name: g.node.name ?? g.node.label, maxAbsDiff: g.maxAbsDiff, maxRelError: g.maxRelError, passed: g.passed })),
    training: trainer
      ? {
          loss: [...trainer.losses],
          params: Object.fromEntries(program.params.map((p) => [p.name, toNested(p.node.value, p.node.shape)])),
        }
      : null,
    diagnostics: analysis.diagnostics.map((d) => toReportDiagnostic(d, program.lines)),
  };
}
