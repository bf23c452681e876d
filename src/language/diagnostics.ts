import type { Range } from './ast';

/** How serious a problem is: errors stop the run, warnings do not. */
export type Severity = 'error' | 'warning';

/** One problem found in a `.grad` file, with the exact source range it concerns. */
export interface Diagnostic {
  readonly severity: Severity;
  /** A stable identifier of the kind of problem, e.g. `unknown-name`, for tests and quick fixes. */
  readonly code: string;
  readonly message: string;
  readonly range: Range;
}

/** Collects diagnostics; every stage appends to one list instead of throwing. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  error(code: string, message: string, range: Range): void {
    this.items.push({ severity: 'error', code, message, range });
  }

  warning(code: string, message: string, range: Range): void {
    this.items.push({ severity: 'warning', code, message, range });
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}
