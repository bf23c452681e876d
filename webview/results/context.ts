// What every section of the results panel draws from, and how it talks back.

import type { AnalysisModel, OffsetRange } from '../../src/shared/model';
import type { ShowResultsMessage } from '../../src/shared/protocol';

/** View choices that survive a re-render and a reload. */
export interface ViewPrefs {
  /** Graph labels at the trained parameters rather than the initial ones. */
  useTrained: boolean;
  /** Graph shrunk to the panel's width (else drawn at full size, scrolling). */
  fitGraph: boolean;
  /** Sections the user folded away, by key. */
  closed: string[];
}

export const defaultPrefs = (): ViewPrefs => ({ useTrained: false, fitGraph: true, closed: [] });

/** The input of one render of the panel. */
export interface RenderContext {
  readonly message: ShowResultsMessage;
  readonly model: AnalysisModel;
  /** A number to `settings.precision` significant digits. */
  readonly fmt: (x: number) => string;
  readonly prefs: ViewPrefs;
  /** Persists `prefs` after a change. */
  savePrefs(): void;
  /** Asks the host to select this range in the editor. */
  reveal(range: OffsetRange): void;
  /** Runs `cleanup` before the next render (charts, observers). */
  onDispose(cleanup: () => void): void;
}
