import type { Finding } from '../core/finding.js';
import type { AttackPath, Report } from '../core/report.js';
import type { RuleMeta } from '../core/rule.js';
import { SEVERITIES, severityRank } from '../core/severity.js';
import {
  activeFindings,
  byPriority,
  bySeverity,
  errorLabel,
  escapeHtml,
  inputErrorsText,
  locationLabel,
  nothingChecked,
  nothingCheckedText,
  onPathsLabel,
  pathFixLine,
  pathsLine,
  pathTitle,
  PATHS_SHOWN,
  resourceLabel,
  ruleLookup,
  scanIncomplete,
  suppressedLine,
} from './common.js';
import type { RenderOptions } from './options.js';

export const MAX_ROWS = 50;
/** Notes a comment lists at most: they are remarks, and the JSON report has them all. */
export const MAX_NOTES = 10;
/**
 * GitHub refuses a pull-request comment over 65,536 characters; this leaves room for what a CI step
 * adds around the report. Over it, the remediation details, then the rows and the error list shrink.
 */
export const MAX_COMMENT_CHARS = 60_000;

/** How much of each long list a comment shows. */
interface Budget {
  rows: number;
  remediation: number;
  errors: number;
}

/**
 * Text from manifests inside Markdown: nothing in it may close a table cell, open a code span, start
 * HTML or turn into emphasis or a link. Line breaks become spaces so a row stays one line; other
 * control characters are shown as `\u001b`.
 */
export function mdText(s: string): string {
  return s
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[&<>]/g, (c) => escapeHtml(c))
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}

function mdCode(s: string): string {
  return /^[\w./:-]+$/.test(s) ? `\`${s}\`` : mdText(s);
}

function findingRows(findings: readonly Finding[], withBaseline: boolean, max = MAX_ROWS): string[] {
  const head = withBaseline
    ? ['| Severity | Rule | Resource | Location | Message | Baseline |', '| --- | --- | --- | --- | --- | --- |']
    : ['| Severity | Rule | Resource | Location | Message |', '| --- | --- | --- | --- | --- |'];
  const rows = findings.slice(0, max).map((f) => {
    const on = onPathsLabel(f);
    const cells = [`**${f.severity}**`, mdCode(f.rule), mdText(resourceLabel(f.resource)), mdText(locationLabel(f)), `${mdText(f.message)}${on ? ` _(${on})_` : ''}`];
    if (withBaseline) cells.push(f.baseline === 'new' ? '**new**' : (f.baseline ?? ''));
    return `| ${cells.join(' | ')} |`;
  });
  const more = findings.length > max ? ['', `_and ${findings.length - max} more_`] : [];
  return [...head, ...rows, ...more];
}

/** The first paths, each with its route and the change that closes it. */
function pathItems(paths: readonly AttackPath[]): string[] {
  const out = [`${pathsLine(paths)}.${paths.length > PATHS_SHOWN ? ` The first ${PATHS_SHOWN}:` : ''}`, ''];
  paths.slice(0, PATHS_SHOWN).forEach((p, i) => {
    out.push(`${i + 1}. **${p.severity}** (score ${p.score}): ${mdText(pathTitle(p))}`);
    p.steps.forEach((s, j) => {
      const to = p.nodes[j + 1]?.label ?? s.to;
      out.push(`   ${j + 1}. ${mdText(s.text)} → ${mdText(to)}${s.rule ? ` (${mdCode(s.rule)})` : ''}`);
    });
    const fix = pathFixLine(p);
    if (fix) out.push(`   - ${mdText(fix)}`);
  });
  return out;
}

function remediation(meta: RuleMeta, count: number): string[] {
  const refs = meta.references.map((r) => `- <${r}>`);
  return [
    `<details><summary><code>${mdText(meta.id)}</code>: ${mdText(meta.title)} (${count})</summary>`,
    '',
    ...(meta.description !== meta.title ? [mdText(meta.description), ''] : []),
    `**Remediation:** ${mdText(meta.remediation)}`,
    ...(refs.length > 0 ? ['', ...refs] : []),
    '',
    '</details>',
  ];
}

/**
 * A pull-request comment: score and counts, the findings most severe first, remediation per rule,
 * within the length GitHub accepts.
 */
export function renderMarkdown(report: Report, options: RenderOptions): string {
  // One remediation block per rule with active findings.
  const rules = new Set(activeFindings(report).map((f) => f.rule)).size;
  let budget: Budget = { rows: MAX_ROWS, remediation: rules, errors: Number.POSITIVE_INFINITY };
  let text = markdown(report, options, budget);
  // Remediation details go first (the rule ids stay in the rows), then rows and errors halve.
  for (let step = 0; text.length > MAX_COMMENT_CHARS && step < 20; step++) {
    budget = budget.remediation > 0 ? { ...budget, remediation: budget.remediation >> 1 } : { ...budget, rows: budget.rows >> 1, errors: Math.min(budget.errors, 40) >> 1 };
    text = markdown(report, options, budget);
  }
  if (text.length <= MAX_COMMENT_CHARS) return text;
  const cut = text.lastIndexOf('\n', MAX_COMMENT_CHARS - 200);
  return `${text.slice(0, cut)}\n\n_The comment is cut here: the full report is in the JSON or HTML output._\n`;
}

/** Why a report with input errors has no score: what could not be read was not checked. */
function incompleteLine(report: Report): string {
  return `${inputErrorsText(report)} (see below): what could not be read was not checked, so there is no score.`;
}

/**
 * The headline and the counts: a score only when something was checked, and everything was read. With
 * input errors the findings of what could not be read are missing: no headline may read as a clean result.
 */
function summaryLines(report: Report, active: readonly Finding[]): string[] {
  const s = report.summary;
  if (nothingChecked(report)) return ['## Palisade: nothing was checked', '', `**${nothingCheckedText(report)}**`];
  const resources = `${s.resources} resource${s.resources === 1 ? '' : 's'}`;
  const incomplete = scanIncomplete(report);
  const out = incomplete ? ['## Palisade: scan incomplete', '', `**${incompleteLine(report)}**`, ''] : [`## Palisade: score ${s.score}/100`, ''];
  const where = incomplete ? `the ${resources} that could be read` : resources;
  if (active.length === 0) return [...out, `No findings in ${where}.`];
  out.push(`**${s.findings} finding${s.findings === 1 ? '' : 's'}** in ${where}.`, '');
  out.push(`| ${SEVERITIES.join(' | ')} |`, `| ${SEVERITIES.map(() => '---:').join(' | ')} |`);
  out.push(`| ${SEVERITIES.map((sev) => (s.bySeverity[sev] > 0 ? `**${s.bySeverity[sev]}**` : '0')).join(' | ')} |`);
  return out;
}

function markdown(report: Report, options: RenderOptions, budget: Budget): string {
  const meta = ruleLookup(options.rules);
  const active = activeFindings(report);
  const baseline = report.baseline;
  const out: string[] = summaryLines(report, active);
  const suppressed = suppressedLine(report.findings);
  if (suppressed) out.push('', `${suppressed}.`);
  if (baseline) out.push('', `Compared with baseline ${mdCode(baseline.file)}: **${baseline.new} new**, ${baseline.existing} existing, ${baseline.fixed.length} fixed.`);

  if (report.paths && report.paths.length > 0) out.push('', '### Attack paths', '', ...pathItems(report.paths));

  if (active.length > 0) {
    // New findings first: with a baseline they are what the pull request is about.
    const ordered = byPriority(active).sort((a, b) => Number(b.baseline === 'new') - Number(a.baseline === 'new'));
    out.push('', '### Findings', '', ...findingRows(ordered, baseline !== undefined, budget.rows));

    // A rule's findings can be less severe than the rule (info when it cannot decide): rank rules by what was found.
    const perRule = new Map<string, { meta: RuleMeta; count: number; rank: number }>();
    for (const f of active) {
      const entry = perRule.get(f.rule) ?? { meta: meta(f), count: 0, rank: severityRank(f.severity) };
      entry.count++;
      entry.rank = Math.min(entry.rank, severityRank(f.severity));
      perRule.set(f.rule, entry);
    }
    const rules = [...perRule.values()].sort((a, b) => a.rank - b.rank || (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0));
    out.push('', '### Remediation');
    for (const r of rules.slice(0, budget.remediation)) out.push('', ...remediation(r.meta, r.count));
    const left = rules.length - Math.min(rules.length, budget.remediation);
    if (left > 0) out.push('', `_${left} more ${left === 1 ? 'rule' : 'rules'}: \`palisade explain RULE\` says what each checks and how to fix it._`);
  }

  if (baseline && baseline.fixed.length > 0) {
    out.push('', `### Fixed since the baseline (${baseline.fixed.length})`, '', ...findingRows(bySeverity(baseline.fixed), false, budget.rows));
  }

  if (report.errors.length > 0) {
    out.push('', `### Input errors (${report.errors.length})`, '');
    for (const e of report.errors.slice(0, budget.errors)) out.push(`- ${mdText(errorLabel(e))}: ${mdText(e.message)}`);
    if (report.errors.length > budget.errors) out.push(`- _and ${report.errors.length - budget.errors} more_`);
  }

  // Expired exceptions, annotations without a reason, inputs with nothing to check: short, and worth a look.
  if (report.notes.length > 0) {
    const shown = Math.min(MAX_NOTES, budget.errors);
    out.push('', `### Notes (${report.notes.length})`, '');
    for (const n of report.notes.slice(0, shown)) out.push(`- ${mdText(errorLabel(n))}: ${mdText(n.message)}`);
    if (report.notes.length > shown) out.push(`- _and ${report.notes.length - shown} more_`);
  }
  return `${out.join('\n')}\n`;
}
