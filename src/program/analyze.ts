import { defaultGradcheckOptions, gradcheck, type GradcheckOptions, type GradcheckResult } from '../engine/gradcheck';
import { analyticJacobian, maxAbsDifference, numericJacobian, type Matrix } from '../engine/jacobian';
import type { GraphNode } from '../engine/node';
import type { Diagnostic } from '../language/diagnostics';
import { parse } from '../language/parser';
import { compile, type CompiledProgram, type JacobianPlan } from './compile';

/** Settings a caller (CLI flags, the extension's settings) may give; the file's own options win. */
export interface AnalyzeOptions {
  readonly gradcheck?: Partial<GradcheckOptions>;
}

/** A Jacobian, both ways, and how far apart they are. */
export interface JacobianResult {
  readonly plan: JacobianPlan;
  readonly analytic: Matrix;
  readonly numeric: Matrix;
  readonly maxAbsDiff: number;
}

/** The values and gradients of every node at one point (a copy, so training cannot change it). */
export interface GraphState {
  readonly values: Float64Array[];
  /** d loss / d node, or null for every node when there is no loss. */
  readonly grads: Float64Array[] | null;
}

/** Everything one look at a file finds, before any training. */
export interface Analysis {
  readonly program: CompiledProgram;
  /** Parser, compiler and run-time diagnostics, in source order. */
  readonly diagnostics: Diagnostic[];
  readonly hasErrors: boolean;
  readonly loss: number | null;
  /** Values and gradients at the initial parameters. */
  readonly initial: GraphState;
  readonly jacobians: JacobianResult[];
  readonly gradcheck: GradcheckResult[];
  /** The gradient-check settings used. */
  readonly gradcheckOptions: GradcheckOptions;
}

/**
 * Parses, compiles and runs a `.grad` source: forward and backward at the initial parameters, the
 * Jacobians and the gradient check the file asks for. Never throws: every problem is a diagnostic.
 */
export function analyze(source: string, options: AnalyzeOptions = {}): Analysis {
  const parsed = parse(source);
  const program = compile(source, parsed.program);
  const diagnostics = [...parsed.diagnostics, ...program.diagnostics];
  const { graph, loss } = program;
  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  const gradcheckOptions: GradcheckOptions = {
    ...defaultGradcheckOptions,
    ...options.gradcheck,
    ...definedOnly({ eps: program.gradcheck?.eps, atol: program.gradcheck?.atol, rtol: program.gradcheck?.rtol }),
  };

  // Values are already computed (the compiler evaluates as it builds), so only gradients remain.
  if (loss) graph.backward(loss.node);
  diagnostics.push(...nonFiniteWarnings(program, loss !== null));
  const initial: GraphState = {
    values: graph.nodes.map((n) => Float64Array.from(n.value)),
    grads: loss ? graph.nodes.map((n) => Float64Array.from(n.grad)) : null,
  };

  let jacobians: JacobianResult[] = [];
  let checks: GradcheckResult[] = [];
  if (!hasErrors) {
    jacobians = program.jacobians.map((plan) => {
      const analytic = analyticJacobian(graph, plan.rows, plan.columns);
      const numeric = numericJacobian(graph, plan.rows, plan.columns, gradcheckOptions.eps);
      return { plan, analytic, numeric, maxAbsDiff: maxAbsDifference(analytic, numeric) };
    });
    if (program.gradcheck && loss) {
      const leaves = [...program.params, ...program.inputs].sort((a, b) => a.node.id - b.node.id).map((n) => n.node);
      checks = gradcheck(graph, loss.node, leaves, gradcheckOptions);
    }
    // Leave the graph holding the gradients of the loss, whatever the Jacobians seeded last.
    if (loss) graph.backward(loss.node);
  }
  diagnostics.sort((a, b) => a.range.start - b.range.start);
  return { program, diagnostics, hasErrors, loss: loss ? loss.node.value[0] : null, initial, jacobians, gradcheck: checks, gradcheckOptions };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * NaN or Inf is reported once, at the node that first produced it: for values, a node whose inputs
 * are finite but whose value is not; for gradients, a node whose own gradient is finite but which
 * passed a non-finite one to an input.
 */
function nonFiniteWarnings(program: CompiledProgram, withGradients: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const what = (n: GraphNode) => (n.name ? `'${n.name}'` : `this ${n.rule.op}`);
  for (const node of program.graph.nodes) {
    if (node.role === 'op' && !allFinite(node.value) && node.inputs.every((i) => allFinite(i.value))) {
      out.push({ severity: 'warning', code: 'non-finite', message: `The value of ${what(node)} contains NaN or Inf`, range: node.span });
    }
  }
  if (withGradients) {
    for (const node of program.graph.nodes) {
      if (node.role !== 'op' || !allFinite(node.grad)) continue;
      node.partials.forEach((p, i) => {
        if (p && !allFinite(p)) {
          out.push({ severity: 'warning', code: 'non-finite-gradient', message: `The gradient that ${what(node)} passes to ${node.inputs[i].name ? `'${node.inputs[i].name}'` : `its input ${i + 1}`} contains NaN or Inf`, range: node.span });
        }
      });
    }
  }
  return out;
}
