import { isActive, type Finding } from './finding.js';
import type { BaselineSummary } from './report.js';
import { isObj } from './resource.js';

/** Reads the findings of a previous `--format json` report; throws with a readable message when it is not one. */
export function baselineFindings(raw: unknown): Finding[] {
  if (!isObj(raw) || raw.schema !== 'palisade.report/v1' || !Array.isArray(raw.findings))
    throw new Error('not a palisade JSON report (schema palisade.report/v1)');
  return raw.findings.filter((f): f is Finding => isObj(f) && typeof f.id === 'string' && typeof f.rule === 'string');
}

/**
 * Marks each finding `new` or `existing` by its stable id, and lists the baseline's active findings
 * that are gone. Only new findings count toward the exit code.
 */
export function applyBaseline(findings: Finding[], previous: readonly Finding[], file: string): BaselineSummary {
  const before = new Set(previous.filter(isActive).map((f) => f.id));
  const now = new Set(findings.map((f) => f.id));
  let fresh = 0;
  let existing = 0;
  for (const f of findings) {
    f.baseline = before.has(f.id) ? 'existing' : 'new';
    if (isActive(f)) {
      if (f.baseline === 'new') fresh++;
      else existing++;
    }
  }
  const fixed = previous.filter((f) => isActive(f) && !now.has(f.id));
  return { file, new: fresh, existing, fixed };
}
