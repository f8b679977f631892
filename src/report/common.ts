import type { Finding, Suppression } from '../core/finding.js';
import { pathCount, type AttackPath, type Report } from '../core/report.js';
import type { ResourceRef } from '../core/resource.js';
import type { RuleMeta } from '../core/rule.js';
import { SEVERITIES, severityRank } from '../core/severity.js';

/** Catalog metadata for a rule id; a finding of a rule missing from the catalog still renders from what it carries. */
export function ruleLookup(rules: readonly RuleMeta[]): (f: Finding) => RuleMeta {
  const byId = new Map(rules.map((r) => [r.id, r]));
  return (f) =>
    byId.get(f.rule) ?? {
      id: f.rule,
      title: f.title,
      severity: f.severity,
      pillar: f.pillar,
      frameworks: f.frameworks,
      description: f.title,
      remediation: f.remediation,
      references: [],
    };
}

/** `Deployment shop/web`, or `ClusterRole admin` when the manifest names no namespace. */
export function resourceLabel(r: ResourceRef): string {
  return r.namespace === null ? `${r.kind} ${r.name}` : `${r.kind} ${r.namespace}/${r.name}`;
}

export function locationLabel(f: Finding): string {
  if (!f.location) return '';
  return f.location.line > 0 ? `${f.location.file}:${f.location.line}` : f.location.file;
}

export function errorLabel(e: { source: string; line?: number }): string {
  return e.line !== undefined && e.line > 0 ? `${e.source}:${e.line}` : e.source;
}

export const SUPPRESSION_KINDS: readonly Suppression['kind'][] = ['exception', 'annotation', 'provider-managed'];

const SUPPRESSION_WORDS: Record<Suppression['kind'], string> = {
  exception: 'by exception',
  annotation: 'by annotation',
  'provider-managed': 'provider-managed',
};

/** `5 suppressed: 3 by exception, 2 provider-managed`, or '' when nothing is suppressed. */
export function suppressedLine(findings: readonly Finding[]): string {
  const counts = new Map<Suppression['kind'], number>();
  for (const f of findings) if (f.suppressed) counts.set(f.suppressed.kind, (counts.get(f.suppressed.kind) ?? 0) + 1);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return '';
  const parts = SUPPRESSION_KINDS.filter((k) => counts.has(k)).map((k) => `${counts.get(k)} ${SUPPRESSION_WORDS[k]}`);
  return `${total} suppressed: ${parts.join(', ')}`;
}

/** Most severe first; equal severities keep their report order. */
export function bySeverity<T extends { severity: Finding['severity'] }>(items: readonly T[]): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => severityRank(a.item.severity) - severityRank(b.item.severity) || a.i - b.i)
    .map((x) => x.item);
}

/**
 * Priority order: most severe first and, within a severity, the findings that open more attack paths
 * first (they rise in priority); equal ones keep their report order.
 */
export function byPriority(findings: readonly Finding[]): Finding[] {
  return findings
    .map((item, i) => ({ item, i, paths: pathCount(item) }))
    .sort((a, b) => severityRank(a.item.severity) - severityRank(b.item.severity) || b.paths - a.paths || a.i - b.i)
    .map((x) => x.item);
}

/** `on 3 attack paths`, or '' for a finding on none. */
export function onPathsLabel(f: Finding): string {
  const n = pathCount(f);
  return n === 0 ? '' : `on ${n} attack path${n === 1 ? '' : 's'}`;
}

/** `the internet → a node`: where a path starts and what it reaches. */
export function pathTitle(p: AttackPath): string {
  return `${p.entry.label} → ${p.target.label}${p.providerManaged ? ' (AKS-managed components only)' : ''}`;
}

/** `15 attack paths: 2 critical, 3 high, 6 medium, 4 low` (severities with none left out). */
export function pathsLine(paths: readonly AttackPath[]): string {
  const counts = SEVERITIES.map((s) => [s, paths.filter((p) => p.severity === s).length] as const).filter(([, n]) => n > 0);
  const managed = paths.filter((p) => p.providerManaged).length;
  // A scan's --fail-on counts findings, not paths: the note says whose the paths are, nothing more.
  const which = managed === paths.length ? (managed === 1 ? 'it is' : `all ${managed} are`) : `${managed} of them ${managed === 1 ? 'is' : 'are'}`;
  const aks = managed === 0 ? '' : `; ${which} AKS-managed components only (nothing on them is yours to change)`;
  return `${paths.length} attack path${paths.length === 1 ? '' : 's'}: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}${aks}`;
}

/** `fix: … (closes 5 paths)`; on a path of AKS's components, what the owner can do instead; else ''. */
export function pathFixLine(p: AttackPath): string {
  if (p.fix) return `fix: ${p.fix.text} (closes ${p.fix.closes} path${p.fix.closes === 1 ? '' : 's'})`;
  return p.ownerAction ? `yours to do: ${p.ownerAction}` : '';
}

/** Paths shown in the table and markdown reports; the JSON, SARIF and HTML reports carry all. */
export const PATHS_SHOWN = 5;

/**
 * Nothing was checked: no input could be read, or what was read held no Kubernetes object or Azure
 * setting. A report like that has no findings because nothing was looked at, so it has no score either.
 */
export function nothingChecked(report: Report): boolean {
  return report.summary.resources === 0 && report.findings.length === 0;
}

/**
 * Why a report where nothing was checked says nothing: every input failed, or none held anything to
 * check. `notesBelow`: the notes follow in the same output, and the sentence points at them.
 */
export function nothingCheckedText(report: Report, notesBelow = true): string {
  return report.errors.length > 0
    ? 'Nothing was scanned: no input could be read (see the input errors below). No score.'
    : `Nothing was checked: no Kubernetes object or Azure setting was found in the input (see the notes${notesBelow ? ' below' : ''}). No score.`;
}

/** With input errors, what could not be read was not checked: no line may read as a clean result, and there is no score to show. */
export function scanIncomplete(report: Report): boolean {
  return report.errors.length > 0;
}

/** `3 input errors`. */
export function inputErrorsText(report: Report): string {
  const n = report.errors.length;
  return `${n} input error${n === 1 ? '' : 's'}`;
}

/**
 * The report's score, or undefined when there is none to give: nothing was checked (see nothingChecked),
 * or input errors left part of the input unchecked (see scanIncomplete), as the table and Markdown say.
 */
export function reportScore(report: Report): number | undefined {
  return nothingChecked(report) || scanIncomplete(report) ? undefined : report.summary.score;
}

/** `&`, `<` and `>` as entities: in Markdown, GitHub would otherwise read `<digest>` as an HTML tag and drop it. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Applies `escape` to the text outside Markdown code spans and keeps the spans as written: inside one,
 * `<digest>` is shown as is and `&lt;` would show as typed. A span opens with a run of backticks and
 * closes at the next run of the same length (CommonMark); a run with no partner is text.
 */
export function outsideCodeSpans(s: string, escape: (text: string) => string): string {
  let out = '';
  let text = 0;
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '`') {
      i++;
      continue;
    }
    const open = backtickRun(s, i);
    const close = closingRun(s, i + open, open);
    if (close === undefined) {
      i += open;
      continue;
    }
    out += escape(s.slice(text, i)) + s.slice(i, close + open);
    i = text = close + open;
  }
  return out + escape(s.slice(text));
}

function backtickRun(s: string, at: number): number {
  let n = 0;
  while (s[at + n] === '`') n++;
  return n;
}

/** Where the next run of exactly `length` backticks from `from` starts, if there is one. */
function closingRun(s: string, from: number, length: number): number | undefined {
  for (let i = from; i < s.length; ) {
    if (s[i] !== '`') {
      i++;
      continue;
    }
    const n = backtickRun(s, i);
    if (n === length) return i;
    i += n;
  }
  return undefined;
}

export function activeFindings(report: Report): Finding[] {
  return report.findings.filter((f) => f.suppressed === undefined);
}

// The renderers take it from here with the rest of what they share.
export { printable } from '../core/printable.js';
