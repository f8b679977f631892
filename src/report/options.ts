import type { InputNote } from '../core/errors.js';
import type { RuleMeta } from '../core/rule.js';
import type { Severity } from '../core/severity.js';
import type { SourceRoot } from './sarif.js';

export interface RenderOptions {
  /** Catalog metadata: descriptions, remediation and references for the rules that have findings. */
  rules: readonly RuleMeta[];
  /** ANSI colours; decided by the caller (TTY, NO_COLOR), never detected here. */
  color: boolean;
  /** The gate the exit code followed (`--fail-on`), for formats that mark what fails it (JUnit). */
  failOn?: Severity | 'none';
  /** SARIF: the repository root `%SRCROOT%` stands for and the directory relative paths start from; without it, paths are taken as relative to the root. */
  sourceRoot?: SourceRoot;
  /** SARIF: the category code scanning keeps the log's alerts under (`runAutomationDetails.id`); default `palisade/scan`. */
  sarifCategory?: string;
  /** The report's notes that are warnings (expired exceptions, ...), as stderr shows them. */
  warnings?: readonly InputNote[];
}
