import type { RuleMeta } from '../core/rule.js';
import type { Severity } from '../core/severity.js';

export interface RenderOptions {
  /** Catalog metadata: descriptions, remediation and references for the rules that have findings. */
  rules: readonly RuleMeta[];
  /** ANSI colours; decided by the caller (TTY, NO_COLOR), never detected here. */
  color: boolean;
  /** The gate the exit code followed (`--fail-on`), for formats that mark what fails it (JUnit). */
  failOn?: Severity | 'none';
}
