import { isActive, type Finding } from './finding.js';
import type { FrameworkRef } from './frameworks.js';
import type { BaselineSummary } from './report.js';
import { isObj } from './resource.js';
import { isSeverity, type Pillar } from './severity.js';

/**
 * Reads the findings of a previous `--format json` report; throws with a readable message when it is
 * not one, or when an entry is not a finding (a hand-edited or truncated baseline must not crash the
 * reporters later, nor silently lose entries). A trimmed entry is enough: see baselineFinding.
 */
export function baselineFindings(raw: unknown): Finding[] {
  if (!isObj(raw) || raw.schema !== 'palisade.report/v1' || !Array.isArray(raw.findings))
    throw new Error('not a palisade JSON report (schema palisade.report/v1)');
  return raw.findings.map((entry, i) => {
    const f = baselineFinding(entry);
    if (!f) throw new Error(`findings[${i}] is not a finding (needs id, rule, title, severity, message and resource kind and name)`);
    return f;
  });
}

/**
 * A baseline entry as a finding, undefined when it lacks what a finding cannot do without (id, rule,
 * title, severity, message, resource kind and name). What else reporters read is filled in when it is
 * absent or malformed: evidence `{}`, no references, no namespace, no remediation, an API version of
 * `''`; a location without a file is dropped (such a finding is never called fixed), one without a line
 * is at line 0.
 */
function baselineFinding(entry: unknown): Finding | undefined {
  if (!isObj(entry) || !isObj(entry.resource)) return undefined;
  const { id, rule, title, severity, message, resource, location } = entry;
  const { kind, name } = resource;
  if (typeof id !== 'string' || typeof rule !== 'string' || typeof title !== 'string' || typeof message !== 'string' || !isSeverity(severity)) return undefined;
  if (typeof kind !== 'string' || typeof name !== 'string') return undefined;
  const f = {
    ...entry,
    id,
    rule,
    title,
    severity,
    message,
    // As written, even absent: nothing reads a baseline finding's pillar.
    pillar: entry.pillar as Pillar,
    resource: {
      ...resource,
      apiVersion: typeof resource.apiVersion === 'string' ? resource.apiVersion : '',
      kind,
      namespace: typeof resource.namespace === 'string' ? resource.namespace : null,
      name,
    },
    remediation: typeof entry.remediation === 'string' ? entry.remediation : '',
    frameworks: Array.isArray(entry.frameworks) ? entry.frameworks.filter(isFrameworkRef) : [],
    evidence: isObj(entry.evidence) ? entry.evidence : {},
  } as Finding;
  if (isObj(location) && typeof location.file === 'string') f.location = { ...location, file: location.file, line: typeof location.line === 'number' ? location.line : 0 };
  else delete f.location;
  if (typeof f.container !== 'string') delete f.container;
  if (typeof f.field !== 'string') delete f.field;
  return f;
}

function isFrameworkRef(ref: unknown): ref is FrameworkRef {
  return isObj(ref) && typeof ref.framework === 'string' && typeof ref.id === 'string';
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
  const counts = baselineCounts(findings);
  // Gone only counts as fixed where this scan looked: same rules, same inputs.
  const gone = new Set([...unmatched.values()].flat());
  const fixed = previous.filter((f) => gone.has(f) && inScope(f));
  return { file, ...counts, fixed };
}

/** The new and existing counts of the active findings of a report, as applyBaseline marked them. */
export function baselineCounts(findings: readonly Finding[]): { new: number; existing: number } {
  let fresh = 0;
  let existing = 0;
  for (const f of findings) {
    if (!isActive(f)) continue;
    if (f.baseline === 'new') fresh++;
    else existing++;
  }
  return { new: fresh, existing };
}
