import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InputError, InputNote } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import type { FrameworkRef } from '../core/frameworks.js';
import type { AttackPath, AttackPathStep, Report } from '../core/report.js';
import { refKey, type ResourceRef } from '../core/resource.js';
import type { RuleMeta } from '../core/rule.js';
import { severityRank, type Severity } from '../core/severity.js';
import { activeFindings, escapeHtml, nothingChecked, outsideCodeSpans, pathTitle, reportScore, ruleLookup } from './common.js';
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
 * The directory `%SRCROOT%` stands for (code scanning reads relative URIs from the repository root) and
 * the directory the report's relative paths are relative to; both absolute.
 */
export interface SourceRoot {
  root: string;
  cwd: string;
}

/** What `%SRCROOT%` stands for, as `originalUriBaseIds` describes it. */
const SRCROOT_DESCRIPTION = 'The root of the git repository holding the scanned files (the working directory when none is in one).';

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/**
 * Where a file sits: a path relative to `%SRCROOT%` with forward slashes, or an absolute path for a
 * file outside it. Without a source root, paths are taken as relative to `%SRCROOT%` as given.
 */
function sourcePath(file: string, root: SourceRoot | undefined): { relative: string } | { absolute: string } {
  const path = file.replace(/\\/g, '/');
  if (root === undefined) {
    if (path.startsWith('/') || /^[A-Za-z]:\//.test(path)) return { absolute: path };
    return { relative: path.replace(/^(\.\/)+/, '') };
  }
  const absolute = resolve(root.cwd, file);
  const inRoot = relative(root.root, absolute);
  if (inRoot === '' || inRoot === '..' || inRoot.startsWith('../') || inRoot.startsWith('..\\') || isAbsolute(inRoot)) return { absolute: absolute.replace(/\\/g, '/') };
  return { relative: inRoot.replace(/\\/g, '/') };
}

/**
 * An artifact URI for a file: relative to `%SRCROOT%` (the repository root, so code scanning can map
 * it onto the repository) when it is under it; otherwise an absolute `file:` URI.
 */
export function artifactLocation(file: string, root?: SourceRoot): Json | undefined {
  if (file === '' || file === '-') return undefined;
  const where = sourcePath(file, root);
  if ('relative' in where) return { uri: encodePath(where.relative), uriBaseId: SRCROOT };
  const drive = /^([A-Za-z]):\//.exec(where.absolute);
  if (drive) return { uri: `file:///${drive[1]}:/${encodePath(where.absolute.slice(3))}` };
  return { uri: `file://${encodePath(where.absolute)}` };
}

/** An Azure Resource Manager id, which `--aks` reads give as their objects' file. */
const ARM_ID = /^\/(subscriptions|providers)\//i;
/** What a live read gives as its objects' file: `cluster:<context>`. */
const LIVE_SOURCE = 'cluster:';
/** Images are `ContainerImage` resources of Palisade's own API group (analyses/images); their file is a scanner report or the reference. */
const IMAGE = { apiVersion: 'palisade.io/v1', kind: 'ContainerImage' };

/**
 * The file in the repository a finding is written in, or undefined when none is: an object read from a
 * live cluster (`cluster:<context>`) or Azure (its resource id), an image (the report that named its
 * vulnerabilities is not where the image is chosen), stdin.
 */
export function repositoryFile(f: Finding): string | undefined {
  const file = f.location?.file;
  if (file === undefined || file === '' || file === '-') return undefined;
  if (file.startsWith(LIVE_SOURCE) || ARM_ID.test(file)) return undefined;
  // An image's own source is its reference or the report it was imported from; only a workload that runs it is a place in the repository.
  if (f.resource.kind === IMAGE.kind && f.resource.apiVersion === IMAGE.apiVersion && f.location?.field === undefined) return undefined;
  return file;
}

function physicalLocation(file: string | undefined, line: number | undefined, root: SourceRoot | undefined): Json | undefined {
  const artifact = file === undefined ? undefined : artifactLocation(file, root);
  if (!artifact) return undefined;
  return { artifactLocation: artifact, ...(line !== undefined && line > 0 ? { region: { startLine: line } } : {}) };
}

/** The Azure resource id of a finding read from Azure, else undefined. */
function azureId(f: Finding): string | undefined {
  const file = f.location?.file;
  return file !== undefined && ARM_ID.test(file) ? file : undefined;
}

/** The resource a finding is about: its Azure resource id, or `ns/Kind/name` as exceptions name it. */
function findingLogicalLocation(f: Finding): Json {
  const id = azureId(f);
  return { name: f.resource.name, fullyQualifiedName: id ?? refKey(f.resource), kind: 'resource' };
}

/**
 * Where a result is written: its file in the repository, with the resource as logical location.
 * GitHub code scanning refuses a whole log when one result location has no artifact (GH1016, GH1017),
 * so a result without a repository file still names one: `stdin` for what was piped in, else the
 * resource itself (its Azure resource id or `ns/Kind/name`), described as not being a file.
 */
function resultLocation(f: Finding, root: SourceRoot | undefined): Json {
  const logical = findingLogicalLocation(f);
  const file = repositoryFile(f);
  const physical = file === undefined ? undefined : physicalLocation(file, f.location?.line, root);
  if (physical) return { physicalLocation: physical, logicalLocations: [logical] };
  const stdin = f.location?.file === '-';
  const line = stdin ? f.location?.line : undefined;
  const artifactLocation = stdin
    ? { uri: 'stdin', uriBaseId: SRCROOT }
    : { uri: encodePath(String(logical.fullyQualifiedName).replace(/^\/+/, '')), uriBaseId: SRCROOT, description: { text: 'not a file: the resource the result is about' } };
  return { physicalLocation: { artifactLocation, region: { startLine: line !== undefined && line > 0 ? line : 1 } }, logicalLocations: [logical] };
}

/**
 * The finding's id names the rule, resource and field; the same resource written in two files (an
 * overlay per environment) is two alerts, so the fingerprint adds the file, as a path from the
 * repository root so that it does not change with the directory Palisade ran in. An Azure resource
 * adds its resource id: two clusters of one name in two subscriptions are two alerts.
 */
function fingerprint(f: Finding, root: SourceRoot | undefined): string {
  const file = repositoryFile(f);
  const where = file !== undefined ? sourcePath(file, root) : undefined;
  const key = where ? ('relative' in where ? where.relative : where.absolute) : f.location?.file === '-' ? '-' : azureId(f);
  return key === undefined ? f.id : `${f.id}:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
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

/** Markdown from the catalog: `<digest>` outside a code span would be read as an HTML tag and vanish. */
function helpMarkdown(text: string): string {
  return outsideCodeSpans(text, escapeHtml);
}

/**
 * The reporting descriptor for a rule's findings at one severity. GitHub reads a result's severity only
 * from its rule's `security-severity`, so findings of one rule at several severities (a LOW and a
 * CRITICAL CVE) get a descriptor per severity: the rule's own id for its default severity, the id
 * followed by `/severity` for the others.
 */
interface Descriptor {
  id: string;
  meta: RuleMeta;
  severity: Severity;
}

function descriptorId(meta: RuleMeta, severity: Severity): string {
  return severity === meta.severity ? meta.id : `${meta.id}/${severity}`;
}

function ruleDescriptor({ id, meta, severity }: Descriptor): Json {
  const variant = severity !== meta.severity;
  const text = [meta.description, `Remediation: ${meta.remediation}`];
  const markdown = [helpMarkdown(meta.description), `**Remediation:** ${helpMarkdown(meta.remediation)}`];
  if (variant) {
    text.unshift(`Findings of ${meta.id} at ${severity} severity (the rule's default is ${meta.severity}).`);
    markdown.unshift(`Findings of \`${meta.id}\` at **${severity}** severity (the rule's default is ${meta.severity}).`);
  }
  if (meta.frameworks.length > 0) {
    text.push(`Frameworks: ${meta.frameworks.map(frameworkLine).join('; ')}`);
    markdown.push(`**Frameworks:** ${helpMarkdown(meta.frameworks.map(frameworkLine).join('; '))}`);
  }
  if (meta.references.length > 0) {
    text.push(`References: ${meta.references.join(' ')}`);
    markdown.push(`**References:**\n\n${meta.references.map((r) => `- <${r}>`).join('\n')}`);
  }
  const tags = [...new Set(['security', meta.pillar, ...meta.frameworks.map(frameworkTag)])];
  return {
    id,
    name: variant ? `${ruleName(meta.id)}${severity[0]!.toUpperCase()}${severity.slice(1)}` : ruleName(meta.id),
    shortDescription: { text: variant ? `${meta.title} (${severity})` : meta.title },
    fullDescription: { text: meta.description },
    help: { text: text.join('\n\n'), markdown: markdown.join('\n\n') },
    ...(meta.references[0] !== undefined ? { helpUri: meta.references[0] } : {}),
    defaultConfiguration: { level: LEVEL[severity] },
    properties: { tags, 'security-severity': SECURITY_SEVERITY[severity], ...(variant ? { rule: meta.id } : {}) },
  };
}

function logicalLocation(r: ResourceRef): Json {
  return { name: r.name, fullyQualifiedName: refKey(r), kind: 'resource' };
}

/** Code flows a result carries at most: one per path, the most likely first; the rest are in `properties.attackPaths`. */
const MAX_FLOWS = 3;
/** Related locations a result carries at most, so a finding on many paths keeps the log small. */
const MAX_RELATED = 20;

/** What SARIF says of the attack paths through a finding: the other steps' findings and each path's steps in order. */
interface PathContext {
  paths: ReadonlyMap<string, AttackPath>;
  findings: ReadonlyMap<string, Finding>;
  root: SourceRoot | undefined;
}

function stepName(p: AttackPath, j: number): string {
  return `step ${j + 1} of ${p.steps.length} of attack path ${p.id} (${p.severity}: ${pathTitle(p)})`;
}

/** Where a step is written: its first finding in the report, else the resource that enables it, else nowhere. */
function stepLocation(s: AttackPathStep, ctx: PathContext): { physical?: Json; logical?: Json } {
  const f = s.findings.map((id) => ctx.findings.get(id)).find((x) => x !== undefined);
  const file = f ? repositoryFile(f) : undefined;
  const physical = f && file !== undefined ? physicalLocation(file, f.location?.line, ctx.root) : undefined;
  const logical = f ? findingLogicalLocation(f) : s.resource ? logicalLocation(s.resource) : undefined;
  return { ...(physical ? { physical } : {}), ...(logical ? { logical } : {}) };
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
        const file = repositoryFile(other);
        const physical = file === undefined ? undefined : physicalLocation(file, other.location?.line, ctx.root);
        related.push({
          id: related.length + 1,
          ...(physical ? { physicalLocation: physical } : {}),
          logicalLocations: [findingLogicalLocation(other)],
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

interface ResultContext {
  root: SourceRoot | undefined;
  paths: PathContext | undefined;
}

function result(f: Finding, descriptor: { id: string; index: number }, baselineState: 'new' | 'unchanged' | undefined, ctx: ResultContext): Json {
  const properties: Json = { rule: f.rule, severity: f.severity, pillar: f.pillar, resource: f.resource };
  if (Array.isArray(f.evidence.onPaths)) properties.attackPaths = f.evidence.onPaths;
  if (f.container !== undefined) properties.container = f.container;
  if (f.field !== undefined) properties.field = f.field;
  if (f.frameworks.length > 0) properties.frameworks = f.frameworks;
  if (f.verify !== undefined) properties.verify = f.verify;
  return {
    ruleId: descriptor.id,
    ruleIndex: descriptor.index,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [resultLocation(f, ctx.root)],
    partialFingerprints: { [FINGERPRINT]: fingerprint(f, ctx.root) },
    ...(ctx.paths ? pathParts(f, ctx.paths) : {}),
    ...(baselineState ? { baselineState } : {}),
    properties,
  };
}

function notification(e: InputError | InputNote, level: Level, root: SourceRoot | undefined): Json {
  const physical = physicalLocation(e.source, e.line, root);
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
  const fixed = report.baseline?.fixed ?? [];
  const active = activeFindings(report);
  const shown = mostSevere(active, MAX_SARIF_RESULTS);
  const left = active.length - shown.length;
  const root = options.sourceRoot;

  const descriptors = descriptorsOf(shown, ruleLookup(options.rules));
  const state = (f: Finding): 'new' | 'unchanged' | undefined =>
    report.baseline === undefined || f.baseline === undefined ? undefined : f.baseline === 'new' ? 'new' : 'unchanged';
  const paths: PathContext | undefined = report.paths?.length
    ? { paths: new Map(report.paths.map((p) => [p.id, p])), findings: new Map(report.findings.map((f) => [f.id, f])), root }
    : undefined;
  const results = shown.map((f) => result(f, descriptors.of(f), state(f), { root, paths }));

  const notifications = [
    ...report.errors.map((e) => notification(e, 'error', root)),
    ...report.notes.map((n) => notification(n, isWarning(n, options.warnings) ? 'warning' : 'note', root)),
  ];
  if (left > 0) {
    notifications.push({
      level: 'warning',
      message: { text: `${left} less severe findings left out: GitHub code scanning accepts ${MAX_SARIF_RESULTS} results in a run (the JSON report has them all)` },
    });
  }
  const score = reportScore(report);

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            rules: descriptors.list.map(ruleDescriptor),
          },
        },
        automationDetails: { id: automationId(options.sarifCategory ?? DEFAULT_CATEGORY) },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            endTimeUtc: report.generatedAt,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        originalUriBaseIds: {
          [SRCROOT]: { ...(root ? { uri: directoryUri(root.root) } : {}), description: { text: SRCROOT_DESCRIPTION } },
        },
        results,
        columnKind: 'utf16CodeUnits',
        properties: {
          schema: report.schema,
          // No score when nothing was checked, or not all of it: 100 would call an estate nobody looked at clean.
          ...(score !== undefined ? { score } : nothingChecked(report) ? { nothingChecked: true } : { scanIncomplete: true }),
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

/** The descriptors the results use, sorted by id, and the one each finding points at. */
function descriptorsOf(findings: readonly Finding[], meta: (f: Finding) => RuleMeta): { list: Descriptor[]; of(f: Finding): { id: string; index: number } } {
  // A rule missing from the catalog takes its first finding's severity as its default.
  const rules = new Map<string, RuleMeta>();
  const used = new Map<string, Descriptor>();
  for (const f of findings) {
    let m = rules.get(f.rule);
    if (m === undefined) rules.set(f.rule, (m = meta(f)));
    const id = descriptorId(m, f.severity);
    if (!used.has(id)) used.set(id, { id, meta: m, severity: f.severity });
  }
  const list = [...used.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const index = new Map(list.map((d, i) => [d.id, i]));
  return {
    list,
    of(f) {
      const id = descriptorId(rules.get(f.rule)!, f.severity);
      return { id, index: index.get(id)! };
    },
  };
}

/** The category code scanning keeps a log's alerts under when none is given (`--sarif-category`). */
export const DEFAULT_CATEGORY = 'palisade/scan';

/** `runAutomationDetails.id`: code scanning takes what precedes the last `/` as the category, so a category ends with one. */
export function automationId(category: string): string {
  return category.endsWith('/') ? category : `${category}/`;
}

/** A directory as the absolute `file:` URI `originalUriBaseIds` wants: ending with `/`. */
function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** Notes that stderr gives as warnings (an expired exception, ...) are warnings in the log too. */
function isWarning(n: InputNote, warnings: readonly InputNote[] | undefined): boolean {
  return warnings?.some((w) => w === n || (w.source === n.source && w.line === n.line && w.message === n.message)) ?? false;
}
