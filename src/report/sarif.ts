import { createHash } from 'node:crypto';
import type { InputError, InputNote } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import type { FrameworkRef } from '../core/frameworks.js';
import type { AttackPath, AttackPathStep, Report } from '../core/report.js';
import { refKey, type ResourceRef } from '../core/resource.js';
import type { RuleMeta } from '../core/rule.js';
import { severityRank, type Severity } from '../core/severity.js';
import { activeFindings, pathTitle, ruleLookup } from './common.js';
import type { RenderOptions } from './options.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const FINGERPRINT = 'palisade/v1';

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** The scale GitHub code scanning reads from `security-severity` (≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low). */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

type Json = Record<string, unknown>;

/**
 * An artifact URI for a path as Palisade was given it. Relative paths stay relative to `%SRCROOT%`
 * (so code scanning can map them onto the repository); absolute ones become `file:` URIs.
 */
export function artifactLocation(file: string): Json | undefined {
  if (file === '' || file === '-') return undefined;
  const path = file.replace(/\\/g, '/');
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  if (path.startsWith('/')) return { uri: `file://${encode(path)}` };
  const drive = /^([A-Za-z]):\//.exec(path);
  if (drive) return { uri: `file:///${drive[1]}:/${encode(path.slice(3))}` };
  return { uri: encode(path.replace(/^(\.\/)+/, '')), uriBaseId: SRCROOT };
}

function physicalLocation(file: string | undefined, line: number | undefined): Json | undefined {
  const artifact = file === undefined ? undefined : artifactLocation(file);
  if (!artifact) return undefined;
  return { artifactLocation: artifact, ...(line !== undefined && line > 0 ? { region: { startLine: line } } : {}) };
}

/**
 * Where a result is written. GitHub code scanning refuses a whole log when one result has no artifact,
 * so what was read from stdin is written to `stdin`, and a finding without a source to its resource.
 */
function resultLocation(f: Finding): Json {
  const physical = physicalLocation(f.location?.file, f.location?.line);
  if (physical) return physical;
  const uri = f.location?.file === '-' ? 'stdin' : refKey(f.resource).split('/').map(encodeURIComponent).join('/');
  const line = f.location?.line;
  return { artifactLocation: { uri, uriBaseId: SRCROOT }, region: { startLine: line !== undefined && line > 0 ? line : 1 } };
}

/**
 * The finding's id names the rule, resource and field; the same resource written in two files (an
 * overlay per environment) is two alerts, so the fingerprint adds the file.
 */
function fingerprint(f: Finding): string {
  const file = f.location?.file;
  return file === undefined || file === '' ? f.id : `${f.id}:${createHash('sha256').update(file).digest('hex').slice(0, 12)}`;
}

/** GitHub code scanning accepts at most this many results in a run; the most severe are kept. */
export const MAX_SARIF_RESULTS = 25_000;

/** The `max` most severe findings, in the report's order. */
function mostSevere(findings: readonly Finding[], max: number): readonly Finding[] {
  if (findings.length <= max) return findings;
  const kept = new Set([...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity)).slice(0, max));
  return findings.filter((f) => kept.has(f));
}

function frameworkTag(ref: FrameworkRef): string {
  return ref.framework === 'pss' && ref.level ? `pss-${ref.level}` : ref.framework;
}

/** `workload/privileged-container` → `PrivilegedContainer`: SARIF wants a readable identifier as the name. */
function ruleName(id: string): string {
  const last = id.slice(id.lastIndexOf('/') + 1);
  return last
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function frameworkLine(ref: FrameworkRef): string {
  return ref.framework === 'pss' && ref.level ? `pss (${ref.level}): ${ref.id}` : `${ref.framework}: ${ref.id}`;
}

function ruleDescriptor(meta: RuleMeta): Json {
  const text = [meta.description, `Remediation: ${meta.remediation}`];
  const markdown = [meta.description, `**Remediation:** ${meta.remediation}`];
  if (meta.frameworks.length > 0) {
    text.push(`Frameworks: ${meta.frameworks.map(frameworkLine).join('; ')}`);
    markdown.push(`**Frameworks:** ${meta.frameworks.map(frameworkLine).join('; ')}`);
  }
  if (meta.references.length > 0) {
    text.push(`References: ${meta.references.join(' ')}`);
    markdown.push(`**References:**\n\n${meta.references.map((r) => `- <${r}>`).join('\n')}`);
  }
  const tags = [...new Set(['security', meta.pillar, ...meta.frameworks.map(frameworkTag)])];
  return {
    id: meta.id,
    name: ruleName(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    help: { text: text.join('\n\n'), markdown: markdown.join('\n\n') },
    ...(meta.references[0] !== undefined ? { helpUri: meta.references[0] } : {}),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: { tags, 'security-severity': SECURITY_SEVERITY[meta.severity] },
  };
}

function logicalLocation(r: ResourceRef): Json {
  return { name: r.name, fullyQualifiedName: refKey(r) };
}

/** Code flows a result carries at most: one per path, the most likely first; the rest are in `properties.attackPaths`. */
const MAX_FLOWS = 3;
/** Related locations a result carries at most, so a finding on many paths keeps the log small. */
const MAX_RELATED = 20;

/** What SARIF says of the attack paths through a finding: the other steps' findings and each path's steps in order. */
interface PathContext {
  paths: ReadonlyMap<string, AttackPath>;
  findings: ReadonlyMap<string, Finding>;
}

function stepName(p: AttackPath, j: number): string {
  return `step ${j + 1} of ${p.steps.length} of attack path ${p.id} (${p.severity}: ${pathTitle(p)})`;
}

/** Where a step is written: its first finding in the report, else the resource that enables it, else nowhere. */
function stepLocation(s: AttackPathStep, ctx: PathContext): { physical?: Json; logical?: Json } {
  const f = s.findings.map((id) => ctx.findings.get(id)).find((x) => x !== undefined);
  const physical = f ? physicalLocation(f.location?.file, f.location?.line) : undefined;
  const resource = f?.resource ?? s.resource;
  return { ...(physical ? { physical } : {}), ...(resource ? { logical: logicalLocation(resource) } : {}) };
}

function pathParts(f: Finding, ctx: PathContext): Json {
  const on = f.evidence.onPaths;
  const paths = (Array.isArray(on) ? on : []).map((id) => ctx.paths.get(String(id))).filter((p): p is AttackPath => p !== undefined);
  if (paths.length === 0) return {};
  const related: Json[] = [];
  const seen = new Set([f.id]);
  for (const p of paths) {
    p.steps.forEach((s, j) => {
      for (const id of s.findings) {
        const other = ctx.findings.get(id);
        if (!other || seen.has(id) || related.length >= MAX_RELATED) continue;
        seen.add(id);
        const physical = physicalLocation(other.location?.file, other.location?.line);
        related.push({
          id: related.length + 1,
          ...(physical ? { physicalLocation: physical } : {}),
          logicalLocations: [logicalLocation(other.resource)],
          message: { text: `${stepName(p, j)}: ${s.text} (${other.rule})` },
        });
      }
    });
  }
  const codeFlows = paths.slice(0, MAX_FLOWS).map((p) => ({
    message: { text: `attack path ${p.id} (${p.severity}, score ${p.score}): ${pathTitle(p)}${p.fix ? `. Fix: ${p.fix.text} (closes ${p.fix.closes} path${p.fix.closes === 1 ? '' : 's'})` : ''}` },
    threadFlows: [
      {
        locations: p.steps.map((s, j) => {
          const where = stepLocation(s, ctx);
          const to = p.nodes[j + 1]?.label ?? s.to;
          return {
            location: {
              ...(where.physical ? { physicalLocation: where.physical } : {}),
              ...(where.logical ? { logicalLocations: [where.logical] } : {}),
              message: { text: `${s.text} → ${to}${s.rule ? ` (${s.rule})` : ''}` },
            },
            executionOrder: j + 1,
            ...(s.findings.includes(f.id) ? { importance: 'essential' } : {}),
          };
        }),
      },
    ],
  }));
  return { ...(related.length > 0 ? { relatedLocations: related } : {}), codeFlows };
}

function result(f: Finding, ruleIndex: number, baselineState: 'new' | 'unchanged' | undefined, ctx?: PathContext): Json {
  const physical = resultLocation(f);
  const logical = logicalLocation(f.resource);
  const properties: Json = { severity: f.severity, pillar: f.pillar, resource: f.resource };
  if (Array.isArray(f.evidence.onPaths)) properties.attackPaths = f.evidence.onPaths;
  if (f.container !== undefined) properties.container = f.container;
  if (f.field !== undefined) properties.field = f.field;
  if (f.frameworks.length > 0) properties.frameworks = f.frameworks;
  if (f.verify !== undefined) properties.verify = f.verify;
  return {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{ physicalLocation: physical, logicalLocations: [logical] }],
    partialFingerprints: { [FINGERPRINT]: fingerprint(f) },
    ...(ctx ? pathParts(f, ctx) : {}),
    ...(baselineState ? { baselineState } : {}),
    properties,
  };
}

function notification(e: InputError | InputNote, level: 'error' | 'note'): Json {
  const physical = physicalLocation(e.source, e.line);
  return {
    level,
    message: { text: e.message },
    ...(physical ? { locations: [{ physicalLocation: physical }] } : {}),
  };
}

/**
 * SARIF 2.1.0, one run: what code scanning (GitHub, Azure DevOps) and SARIF viewers read. Only active
 * findings are results: GitHub code scanning ignores `suppressions` and `baselineState`, so a suppressed
 * or fixed finding written as a result would show as an open alert. Their counts are in the run's
 * properties, and the JSON report has them all.
 */
export function renderSarif(report: Report, options: RenderOptions): string {
  const meta = ruleLookup(options.rules);
  const fixed = report.baseline?.fixed ?? [];
  const active = activeFindings(report);
  const shown = mostSevere(active, MAX_SARIF_RESULTS);
  const left = active.length - shown.length;

  const rules = new Map<string, RuleMeta>();
  for (const f of shown) if (!rules.has(f.rule)) rules.set(f.rule, meta(f));
  const ids = [...rules.keys()].sort();
  const index = new Map(ids.map((id, i) => [id, i]));

  const state = (f: Finding): 'new' | 'unchanged' | undefined =>
    report.baseline === undefined || f.baseline === undefined ? undefined : f.baseline === 'new' ? 'new' : 'unchanged';
  const ctx: PathContext | undefined = report.paths?.length
    ? { paths: new Map(report.paths.map((p) => [p.id, p])), findings: new Map(report.findings.map((f) => [f.id, f])) }
    : undefined;
  const results = shown.map((f) => result(f, index.get(f.rule)!, state(f), ctx));

  const notifications = [...report.errors.map((e) => notification(e, 'error')), ...report.notes.map((n) => notification(n, 'note'))];
  if (left > 0) {
    notifications.push({
      level: 'warning',
      message: { text: `${left} less severe findings left out: GitHub code scanning accepts ${MAX_SARIF_RESULTS} results in a run (the JSON report has them all)` },
    });
  }

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            rules: ids.map((id) => ruleDescriptor(rules.get(id)!)),
          },
        },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            endTimeUtc: report.generatedAt,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results,
        columnKind: 'utf16CodeUnits',
        properties: {
          schema: report.schema,
          score: report.summary.score,
          resources: report.summary.resources,
          ...(report.baseline ? { baseline: report.baseline.file, fixed: fixed.length } : {}),
          suppressed: report.findings.length - active.length,
          ...(left > 0 ? { leftOut: left } : {}),
          ...(report.paths ? { attackPaths: report.paths.length } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
