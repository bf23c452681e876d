import { describe, expect, it } from 'vitest';
import { parseFromResultsPanel, parseFromTrainingView } from '../../../src/shared/protocol';

describe('messages from webviews are validated before the host acts', () => {
  it('accepts well-formed results-panel messages, copying only known fields', () => {
    expect(parseFromResultsPanel({ type: 'ready', extra: 1 })).toEqual({ type: 'ready' });
    expect(parseFromResultsPanel({ type: 'revealRange', range: { start: 3, end: 9, x: 1 } })).toEqual({ type: 'revealRange', range: { start: 3, end: 9 } });
    expect(parseFromResultsPanel({ type: 'rendered', documentVersion: 2, nodes: 19, collapsed: false, error: null })).toEqual({
      type: 'rendered',
      documentVersion: 2,
      nodes: 19,
      collapsed: false,
      error: null,
    });
  });

  it('rejects malformed or unknown ones', () => {
    for (const bad of [
      null,
      'ready',
      { type: 'revealRange', range: { start: -1, end: 2 } },
      { type: 'revealRange', range: { start: 5, end: 2 } },
      { type: 'revealRange', range: { start: 1.5, end: 2 } },
      { type: 'revealRange' },
      { type: 'rendered', documentVersion: '2', nodes: 1, collapsed: false, error: null },
      { type: 'rendered', documentVersion: 2, nodes: 1, collapsed: false, error: 7 },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
    ]) {
      expect(parseFromResultsPanel(bad)).toBeNull();
    }
  });

  it('accepts only the five training actions', () => {
    for (const action of ['train', 'pause', 'resume', 'step', 'reset']) {
      expect(parseFromTrainingView({ type: 'trainingAction', action })).toEqual({ type: 'trainingAction', action });
    }
    expect(parseFromTrainingView({ type: 'trainingAction', action: 'delete' })).toBeNull();
    expect(parseFromTrainingView({ type: 'trainingAction' })).toBeNull();
    expect(parseFromTrainingView({ type: 'ready' })).toEqual({ type: 'ready' });
  });
});
