import { formatShape } from '../engine/shape';
import type { Analysis } from '../program/analyze';
import type { Trainer } from '../program/trainer';
import { formatNumber, formatNumpyArray, formatScientific } from '../shared/numberFormat';

// The human-readable report of `gradscope run`, in the forms the book recap prints.

const RULE = '='.repeat(60);

/** The Jacobians, the gradient check, the training log and summary, as text. */
export function textReport(analysis: Analysis, trainer: Trainer | null): string {
  const out: string[] = [];
  const { program } = analysis;
  if (analysis.loss !== null && program.loss) out.push(`Loss ${program.loss.name} = ${analysis.loss.toFixed(6)} at the initial parameters`, '');

  for (const j of analysis.jacobians) {
    const of = j.plan.of.length === 1 && j.plan.rows.length > 1 ? j.plan.of[0] : `[${j.plan.of.join(', ')}]`;
    const wrt = j.plan.wrt.length === 1 && j.plan.columns.length > 1 ? j.plan.wrt[0] : `[${j.plan.wrt.join(', ')}]`;
    const shape = [j.plan.rows.length, j.plan.columns.length];
    out.push(RULE, '', `∂${of}/∂${wrt} (Analytical):`, formatNumpyArray(j.analytic.flat(), shape), '');
    out.push(`∂${of}/∂${wrt} (Numerical):`, formatNumpyArray(j.numeric.flat(), shape), '');
    out.push(`Difference: ${formatScientific(j.maxAbsDiff)}`, '');
  }

  if (analysis.gradcheck.length > 0) {
    const o = analysis.gradcheckOptions;
    out.push(RULE, `GRADIENT CHECK (central differences, eps=${formatNumber(o.eps)}; passes when |a-n| <= ${formatNumber(o.atol)} + ${formatNumber(o.rtol)}*|n|)`, RULE);
    const header = ['name', 'shape', 'max |a-n|', 'max rel error', 'verdict'];
    const rows = analysis.gradcheck.map((g) => [
      g.node.name ?? g.node.label,
      formatShape(g.node.shape),
      formatScientific(g.maxAbsDiff),
      formatScientific(g.maxRelError),
      (g.passed ? 'passed' : 'FAILED') + (g.elements.length < g.totalElements ? ` (${g.elements.length} of ${g.totalElements} elements)` : ''),
    ]);
    out.push(...table([header, ...rows]), '');
  }

  if (trainer) {
    const widest = String(trainer.plan.steps).length;
    for (const entry of trainer.log) {
      const watched = Object.entries(entry.watched).map(([name, v]) => `, ${name} = ${v.toFixed(6)}`).join('');
      out.push(`Iteration ${String(entry.step).padStart(Math.max(4, widest))}: Loss = ${entry.loss.toFixed(6)}${watched}`);
    }
    out.push('', trainer.diverged ? `Training stopped at step ${trainer.stepCount}: the loss is ${trainer.losses[trainer.stepCount - 1]}` : 'Training completed!', '');
    const first = trainer.losses[0];
    const last = trainer.losses[trainer.losses.length - 1];
    out.push(RULE, 'TRAINING SUMMARY', RULE);
    out.push(`Optimizer: ${describeOptimizer(trainer)}, ${trainer.stepCount} steps`);
    out.push(`Initial Loss: ${first.toFixed(6)}`, `Final Loss: ${last.toFixed(6)}`, `Loss Reduction: ${((1 - last / first) * 100).toFixed(2)}%`);
    // The recap's "Final Prediction": the watched nodes after the last update.
    trainer.settle();
    for (const w of trainer.watched) out.push(`Final ${w.name}: ${w.node.value[0].toFixed(6)}`);
    out.push('');
  }
  return out.join('\n');
}

function describeOptimizer(trainer: Trainer): string {
  const o = trainer.plan.optimizer;
  return o.kind === 'sgd' ? `sgd(lr=${o.lr}, momentum=${o.momentum})` : `adam(lr=${o.lr}, beta1=${o.beta1}, beta2=${o.beta2}, eps=${o.eps})`;
}

/** Left-aligned columns separated by two spaces. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) => '  ' + r.map((c, j) => c.padEnd(widths[j])).join('  ').trimEnd());
}
