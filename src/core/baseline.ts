import { isActive, type Finding } from './finding.js';
import type { BaselineSummary } from './report.js';
import { isObj } from './resource.js';
import { isSeverity } from './severity.js';

/** Does a baseline entry have what reporters read from a finding? */
function looksLikeFinding(f: unknown): f is Finding {
  if (!isObj(f) || !isObj(f.resource)) return false;
  const strings = [f.id, f.rule, f.title, f.message, f.resource.kind, f.resource.name];
  return strings.every((v) => typeof v === 'string') && isSeverity(f.severity);
}

/**
 * Reads the findings of a previous `--format json` report; throws with a readable message when it is
 * not one, or when an entry is not a finding (a hand-edited or truncated baseline must not crash the
 * reporters later, nor silently lose entries).
 */
export function baselineFindings(raw: unknown): Finding[] {
  if (!isObj(raw) || raw.schema !== 'palisade.report/v1' || !Array.isArray(raw.findings))
    throw new Error('not a palisade JSON report (schema palisade.report/v1)');
  const bad = raw.findings.findIndex((f) => !looksLikeFinding(f));
  if (bad !== -1) throw new Error(`findings[${bad}] is not a finding (needs id, rule, title, severity, message and resource kind and name)`);
  return raw.findings as Finding[];
}

/**
 * Marks each finding `new` or `existing` by its stable id, and lists the baseline's active findings
 * that are gone. Only new findings count toward the exit code.
 *
 * An id names the rule, the object (kind, namespace, name) and the field, not the file: one object
 * written in two overlays (`overlays/dev`, `overlays/prod`) is two findings with one id. Each baseline
 * finding therefore stands for one current finding at most: first the one in the same file, then any
 * (a renamed or moved file, or another form of its path), so a second copy of a problem is new.
 */
export function applyBaseline(findings: Finding[], previous: readonly Finding[], file: string, inScope: (f: Finding) => boolean = () => true): BaselineSummary {
  const unmatched = new Map<string, Finding[]>();
  for (const f of previous) {
    if (!isActive(f)) continue;
    const list = unmatched.get(f.id);
    if (list) list.push(f);
    else unmatched.set(f.id, [f]);
  }
  const take = (f: Finding, sameFile: boolean): boolean => {
    const list = unmatched.get(f.id);
    if (!list || list.length === 0) return false;
    const i = sameFile ? list.findIndex((p) => p.location?.file === f.location?.file) : 0;
    if (i === -1) return false;
    list.splice(i, 1);
    return true;
  };
  for (const f of findings) f.baseline = take(f, true) ? 'existing' : 'new';
  for (const f of findings) if (f.baseline === 'new' && take(f, false)) f.baseline = 'existing';
  let fresh = 0;
  let existing = 0;
  for (const f of findings) {
    if (!isActive(f)) continue;
    if (f.baseline === 'new') fresh++;
    else existing++;
  }
  // Gone only counts as fixed where this scan looked: same rules, same inputs.
  const gone = new Set([...unmatched.values()].flat());
  const fixed = previous.filter((f) => gone.has(f) && inScope(f));
  return { file, new: fresh, existing, fixed };
}
