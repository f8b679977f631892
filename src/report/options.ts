import type { RuleMeta } from '../core/rule.js';

export interface RenderOptions {
  /** Catalog metadata: descriptions, remediation and references for the rules that have findings. */
  rules: readonly RuleMeta[];
  /** ANSI colours; decided by the caller (TTY, NO_COLOR), never detected here. */
  color: boolean;
}
