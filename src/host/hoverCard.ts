import { FUNCTIONS } from '../program/functions';
import type { AnalysisModel, NodeInfo, OffsetRange } from '../shared/model';
import { alignColumns, formatNumber, formatScientific, toRows } from '../shared/numberFormat';
import { statsOf, type TensorStats } from '../shared/tensorStats';
import type { TrainedSnapshot } from './workerProtocol';

// The Markdown of a hover card. Pure (no `vscode`), so the unit tests read exactly what users see.

/** Tensors with more elements than this are summarised instead of printed whole. */
const PRINT_LIMIT = 36;
const PREVIEW = 6;

/** The node a hover at `offset` describes: the name under the cursor, or the innermost expression. */
export function nodeAt(model: AnalysisModel, offset: number): { node: NodeInfo; range: OffsetRange } | null {
  let best: { nodeId: number; range: OffsetRange } | null = null;
  for (const b of model.bindings) {
    if (offset < b.range.start || offset >= b.range.end) continue;
    if (!best || b.range.end - b.range.start < best.range.end - best.range.start) best = b;
  }
  return best ? { node: model.nodes[best.nodeId], range: best.range } : null;
}

/**
 * A tensor as aligned rows, or a summary of a large one. `values` may hold only the leading
 * elements of the tensor; `stats` then describe all of it.
 */
export function formatTensor(values: readonly number[], shape: readonly number[], digits: number, stats: TensorStats = statsOf(values)): string {
  const size = shape.reduce((p, d) => p * d, 1);
  if (size <= PRINT_LIMIT && values.length === size) {
    if (shape.length === 0) return formatNumber(values[0], digits);
    const rows = alignColumns(toRows(values, shape.length > 2 ? [values.length / shape[shape.length - 1], shape[shape.length - 1]] : shape, (x) => formatNumber(x, digits)));
    const lines = rows.map((r) => `[${r.join('  ')}]`);
    return shape.length === 1 ? lines[0] : `[${lines.join('\n ')}]`;
  }
  const f = (x: number) => formatNumber(x, digits);
  const head = values.slice(0, PREVIEW).map(f).join(', ');
  return `shape [${shape.join(', ')}]: min ${f(stats.min)}, max ${f(stats.max)}, mean ${f(stats.mean)}, norm ${f(stats.norm)}\nfirst: ${head}, …`;
}

function block(text: string): string {
  return '```text\n' + text + '\n```';
}

/** The hover card of a node, as Markdown. `source` is the document text the model was made from. */
export function hoverCard(model: AnalysisModel, node: NodeInfo, source: string, digits: number, trained?: TrainedSnapshot): string {
  const lossName = model.loss?.name ?? 'L';
  const shape = `[${node.shape.join(', ')}]`;
  const out: string[] = [];
  if (node.name) {
    const kind = node.declKind === 'node' ? 'node' : node.declKind;
    out.push(`**${node.name}** · \`${kind}\` · shape \`${shape}\``);
    out.push('```gradscope\n' + `${node.declKind === 'node' ? '' : `${node.declKind} `}${node.name} = ${node.expression ?? ''}` + '\n```');
  } else {
    const text = source.slice(node.range.start, node.range.end);
    out.push(`**${node.op}** (unnamed) · shape \`${shape}\``);
    const fn = FUNCTIONS.get(node.op);
    if (fn) out.push(`\`${fn.signature}\`: ${fn.summary}`);
    out.push('```gradscope\n' + (text.length > 120 ? text.slice(0, 117) + '…' : text) + '\n```');
  }
  out.push(`**value**\n${block(formatTensor(node.value, node.shape, digits, node.valueStats))}`);
  if (node.grad && node.gradStats) {
    out.push(`**∂${lossName}/∂${node.name ?? node.op}**  (‖∇‖ = ${formatNumber(node.gradStats.norm, digits)})\n${block(formatTensor(node.grad, node.shape, digits, node.gradStats))}`);
    if (!node.feedsLoss) out.push(`_Does not feed the loss \`${lossName}\`: its gradient is 0._`);
  } else if (node.role === 'target' || node.role === 'const') {
    out.push(`_A ${node.role}: no gradient flows into it._`);
  } else if (!model.loss) {
    out.push('_No gradient: the file declares no `loss`._');
  }
  const check = model.gradcheck.find((g) => g.nodeId === node.id);
  if (check) {
    const verdict = check.passed ? '✓ passed' : '✗ FAILED';
    const sampled = check.elements.length < check.totalElements ? ` (${check.elements.length} of ${check.totalElements} elements)` : '';
    out.push(`**gradient check** ${verdict}: max rel error ${formatScientific(check.maxRelError)}, max |a−n| ${formatScientific(check.maxAbsDiff)}${sampled}`);
  }
  const training = model.training;
  const after = trained ?? (training ? { step: training.loss.length, values: training.trainedValues, grads: training.trainedGrads, stats: training.trainedStats } : undefined);
  if (after && after.values[node.id]) {
    const stats = after.stats[node.id];
    out.push(`**after training** (${after.step} steps)\n${block(formatTensor(after.values[node.id], node.shape, digits, stats?.value))}`);
    if (node.grad && after.grads[node.id]) out.push(`**∂${lossName}/∂${node.name ?? node.op} after training**\n${block(formatTensor(after.grads[node.id], node.shape, digits, stats?.grad))}`);
  }
  return out.join('\n\n');
}
