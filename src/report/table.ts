import pc from 'picocolors';
import type { Finding } from '../core/finding.js';
import type { AttackPath, Report } from '../core/report.js';
import { PILLARS, SEVERITIES, type Severity } from '../core/severity.js';
import {
  activeFindings,
  errorLabel,
  inputErrorsText,
  locationLabel,
  nothingChecked,
  nothingCheckedText,
  onPathsLabel,
  pathFixLine,
  pathsLine,
  pathTitle,
  PATHS_SHOWN,
  printable,
  resourceLabel,
  scanIncomplete,
  suppressedLine,
} from './common.js';
import type { RenderOptions } from './options.js';

type Colors = ReturnType<typeof pc.createColors>;

function severityColor(c: Colors, s: Severity): (t: string) => string {
  switch (s) {
    case 'critical':
      return (t) => c.bold(c.red(t));
    case 'high':
      return c.red;
    case 'medium':
      return c.yellow;
    case 'low':
      return c.cyan;
    case 'info':
      return c.dim;
  }
}

interface Group {
  label: string;
  file: string;
  line: number;
  findings: Finding[];
}

/** Findings of one resource in one file, in report order of first appearance. */
function groupByResource(findings: readonly Finding[]): Group[] {
  const groups = new Map<string, Group>();
  for (const f of findings) {
    const r = f.resource;
    const file = f.location?.file ?? '';
    const key = [r.kind, r.namespace ?? '', r.name, file].join('\u0000');
    let g = groups.get(key);
    if (!g) {
      g = { label: resourceLabel(r), file, line: f.location?.line ?? 0, findings: [] };
      groups.set(key, g);
    }
    const line = f.location?.line ?? 0;
    if (line > 0 && (g.line === 0 || line < g.line)) g.line = line;
    g.findings.push(f);
  }
  return [...groups.values()];
}

function where(file: string, line: number): string {
  if (!file) return '';
  return line > 0 ? `${file}:${line}` : file;
}

/** Right-aligned numeric columns after a left-aligned label column. */
function grid(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** The first paths step by step, then how many there are: the scan's shortest way to what matters. */
function pathLines(c: Colors, paths: readonly AttackPath[]): string[] {
  const out = [c.bold(`Attack paths (${paths.length})`)];
  paths.slice(0, PATHS_SHOWN).forEach((p, i) => {
    out.push(`  #${i + 1} ${severityColor(c, p.severity)(p.severity.toUpperCase())} score ${p.score}: ${printable(pathTitle(p))}`);
    p.steps.forEach((s, j) => {
      const to = p.nodes[j + 1]?.label ?? s.to;
      out.push(`     ${j + 1}. ${printable(s.text)} → ${printable(to)}${s.rule ? c.dim(` (${s.rule})`) : ''}`);
    });
    const fix = pathFixLine(p);
    if (fix) out.push(`     ${c.green(printable(fix))}`);
  });
  const more = paths.length > PATHS_SHOWN ? `; the first ${PATHS_SHOWN} shown (palisade paths for all)` : '';
  out.push(`  ${pathsLine(paths)}${more}`, '');
  return out;
}

export function renderTable(report: Report, options: RenderOptions): string {
  const c = pc.createColors(options.color);
  const out: string[] = [];
  const active = activeFindings(report);
  const withBaseline = report.baseline !== undefined;

  // A reduce, not a spread: a large estate has hundreds of thousands of findings, past the call stack.
  const ruleWidth = active.reduce((w, f) => Math.max(w, f.rule.length), 0);
  const sevWidth = Math.max(...SEVERITIES.map((s) => s.length));

  for (const g of groupByResource(active)) {
    const loc = where(printable(g.file), g.line);
    out.push(`${c.bold(printable(g.label))}${loc ? `  ${c.dim(loc)}` : ''}`);
    for (const f of g.findings) {
      const line = f.location?.line ?? 0;
      const elsewhere = line > 0 && line !== g.line ? c.dim(` (line ${line})`) : '';
      const mark = withBaseline && f.baseline === 'new' ? `${c.bold(c.magenta('NEW'))} ` : '';
      const sev = severityColor(c, f.severity)(f.severity.padEnd(sevWidth));
      const on = onPathsLabel(f);
      out.push(`  ${sev}  ${f.rule.padEnd(ruleWidth)}  ${mark}${printable(f.message)}${elsewhere}${on ? `  ${c.bold(c.magenta(`[${on}]`))}` : ''}`);
      if (f.remediation) out.push(`  ${' '.repeat(sevWidth)}  ${c.dim(`↳ ${printable(f.remediation)}`)}`);
    }
    out.push('');
  }

  const suppressed = suppressedLine(report.findings);
  // Nothing read, or nothing in what was read: not a clean estate, and no score to give it.
  const nothingRead = nothingChecked(report);
  const incomplete = scanIncomplete(report);
  if (active.length === 0 && !nothingRead && incomplete) out.push(suppressed ? `No findings in what could be read (${suppressed}).` : 'No findings in what could be read.', '');
  else if (active.length === 0 && !nothingRead) out.push(c.green(suppressed ? `No findings (${suppressed}).` : 'No findings.'), '');
  else if (suppressed) out.push(c.dim(`${suppressed}.`), '');

  if (report.baseline) {
    const b = report.baseline;
    out.push(c.bold(`Baseline ${printable(b.file)}: ${b.new} new, ${b.existing} existing, ${b.fixed.length} fixed`));
    const fixedRuleWidth = b.fixed.reduce((w, f) => Math.max(w, f.rule.length), 0);
    for (const f of b.fixed) {
      const loc = locationLabel(f);
      out.push(
        `  ${c.green('fixed')}  ${f.severity.padEnd(sevWidth)}  ${f.rule.padEnd(fixedRuleWidth)}  ${printable(resourceLabel(f.resource))}  ${printable(f.message)}${loc ? c.dim(`  ${printable(loc)}`) : ''}`,
      );
    }
    out.push('');
  }

  if (active.length > 0) {
    const counts = new Map<string, number>();
    for (const f of active) counts.set(`${f.pillar}/${f.severity}`, (counts.get(`${f.pillar}/${f.severity}`) ?? 0) + 1);
    const rows: string[][] = [['pillar', ...SEVERITIES, 'total']];
    for (const p of PILLARS) {
      const row = SEVERITIES.map((s) => counts.get(`${p}/${s}`) ?? 0);
      const total = row.reduce((a, b) => a + b, 0);
      if (total > 0) rows.push([p, ...row.map(String), String(total)]);
    }
    const totals = SEVERITIES.map((s) => active.filter((f) => f.severity === s).length);
    rows.push(['total', ...totals.map(String), String(active.length)]);
    const lines = grid(rows);
    out.push(c.bold(lines[0]!), ...lines.slice(1, -1), c.bold(lines[lines.length - 1]!), '');
  }

  if (report.paths && report.paths.length > 0) out.push(...pathLines(c, report.paths));

  const s = report.summary;
  const scoreColor = s.score >= 90 ? c.green : s.score >= 70 ? c.yellow : c.red;
  const resources = `${s.resources} resource${s.resources === 1 ? '' : 's'}`;
  const findings = `${s.findings} finding${s.findings === 1 ? '' : 's'}`;
  if (nothingRead) out.push(c.bold((incomplete ? c.red : c.yellow)(nothingCheckedText(report))));
  else if (incomplete) out.push(`${c.bold(c.red(`Scan incomplete (${inputErrorsText(report)}, see below)`))}: what could not be read was not checked. No score.  ${resources} read, ${findings}`);
  else out.push(`Score ${c.bold(scoreColor(`${s.score}/100`))}  ${resources}, ${findings}`);

  if (report.errors.length > 0) {
    out.push('', c.bold(c.red(`Input errors (${report.errors.length})`)));
    for (const e of report.errors) out.push(`  ${c.red(printable(errorLabel(e)))}  ${printable(e.message)}`);
  }
  if (report.notes.length > 0) {
    out.push('', c.bold(`Notes (${report.notes.length})`));
    for (const n of report.notes) out.push(`  ${c.dim(printable(errorLabel(n)))}  ${printable(n.message)}`);
  }
  return `${out.join('\n')}\n`;
}
