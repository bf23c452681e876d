import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTensor, hoverCard, nodeAt } from '../../../src/host/hoverCard';
import { analyze } from '../../../src/program/analyze';
import { summarize } from '../../../src/program/summarize';

const root = join(__dirname, '..', '..', '..');
const source = readFileSync(join(root, 'examples', 'training.grad'), 'utf8');
// numpy's initial parameters and gradients, made by scripts/numpy_reference.py.
const numpy = JSON.parse(readFileSync(join(root, 'test', 'unit', 'program', 'fixtures', 'numpy-training.json'), 'utf8'));

const model = summarize(analyze(source), null, 0);
const cardAt = (offset: number) => {
  const hit = nodeAt(model, offset)!;
  return { hit, text: hoverCard(model, hit.node, source, 6) };
};

describe('hover cards', () => {
  it('show W1 at its definition and at a use, with numpy-equal value and gradient', () => {
    for (const offset of [source.indexOf('W1 ='), source.indexOf('W1 @') + 1]) {
      const { hit, text } = cardAt(offset);
      expect(hit.node.name).toBe('W1');
      expect(text).toContain('**W1** · `param` · shape `[2, 2]`');
      expect(text).toContain('param W1 = randn(2, 2) * 0.5');
      // Each row of the value, columns aligned: [[0.248357  -0.0691322]\n [0.323844    0.761515]]
      const [v00, v01, v10, v11] = (numpy.initialParams.W1.values as number[]).map((v) => v.toPrecision(6).replace('.', '\\.'));
      expect(text).toMatch(new RegExp(`\\[\\[${v00} +${v01}\\]\\n \\[${v10} +${v11}\\]\\]`));
      const g00 = (numpy.initialGrads.W1.values as number[])[0];
      expect(g00.toPrecision(6)).toBe('-0.239981');
      expect(text).toContain('-0.239981');
      expect(text).toMatch(/gradient check\*\* ✓ passed: max rel error \d\.\d\de-\d\d/);
    }
  });

  it('show the innermost unnamed node under an operator', () => {
    const { hit, text } = cardAt(source.indexOf('@ x + b1'));
    expect(hit.node.op).toBe('matmul');
    expect(source.slice(hit.range.start, hit.range.end)).toBe('W1 @ x');
    expect(text).toContain('**matmul** (unnamed) · shape `[2]`');
  });

  it('say that a target carries no gradient', () => {
    const { text } = cardAt(source.indexOf('y = 1.0'));
    expect(text).toContain('A target: no gradient flows into it.');
  });

  it('summarise large tensors by shape, min, max, mean and norm', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    // 1..100: mean 50.5, norm sqrt(sum k^2) = sqrt(338350) = 581.6786...
    expect(formatTensor(values, [10, 10], 6)).toBe('shape [10, 10]: min 1, max 100, mean 50.5, norm 581.679\nfirst: 1, 2, 3, 4, 5, 6, …');
  });

  it('print small matrices as aligned rows', () => {
    expect(formatTensor([1, -0.5, 10, 2], [2, 2], 6)).toBe('[[ 1  -0.5]\n [10     2]]');
    expect(formatTensor([3], [], 6)).toBe('3');
  });
});
