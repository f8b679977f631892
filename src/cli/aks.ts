import { dirname, resolve } from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import pc from 'picocolors';
import { driftBetween, type DriftEntry } from '../analyses/aks/drift.js';
import { aksClusterOf, CLUSTER_KINDS, type AksCluster } from '../analyses/aks/index.js';
import { describeFsError, UsageError, type InputError, type InputNote } from '../core/errors.js';
import { Inventory } from '../core/inventory.js';
import { asObj, asString, isObj, type Obj, type Resource } from '../core/resource.js';
import { armTemplateResources, isArmTemplate } from '../ingest/azure/arm-template.js';
import { fetchAksResources } from '../ingest/azure-live.js';
import { ingestPaths } from '../ingest/files.js';
import { DEFAULT_LIMITS } from '../ingest/limits.js';
import { depthExceeds } from '../ingest/decode.js';
import { jsonSyntaxText } from '../core/json-error.js';
import { withoutBom } from '../core/bom.js';
import { sourceReader } from '../ingest/locate-findings.js';
import { printable } from '../report/common.js';
import { mdText } from '../report/markdown.js';
import { printErrors, printWarnings, useColor, writeResult } from './output.js';
import { collectPlaced, terraformAssignments, type Placed } from './inputs.js';
import type { TerraformAssignment } from '../ingest/azure/terraform-module.js';

const DRIFT_FORMATS = ['table', 'json', 'markdown'] as const;
type DriftFormat = (typeof DRIFT_FORMATS)[number];

interface DriftCliOptions {
  format: DriftFormat;
  output?: string;
  aks?: string;
  cluster?: string;
  parameters?: string;
  varFile: Placed[];
  var: Placed[];
  failOnDrift?: boolean;
}

/** One side of the comparison, as the report describes it. */
export interface DriftSource {
  /** The path given on the command line, or the resource id of the live cluster. */
  input: string;
  cluster: string;
  kind: string;
  shape: string;
  file: string;
  line: number;
}

export interface DriftReport {
  schema: 'palisade.aks-drift/v1';
  template: DriftSource;
  live: DriftSource;
  /** `info` differences are not drift: they count toward no exit code. */
  summary: { drift: number; regressions: number; uncomparable: number; info: number };
  drift: Array<Omit<DriftEntry, 'status'>>;
  uncomparable: Array<Omit<DriftEntry, 'status'>>;
  /** Differences in settings the template does not constrain (left to Azure, or not expressible in its format). */
  info: Array<Omit<DriftEntry, 'status'>>;
  errors: InputError[];
}

export function aksCommand(): Command {
  const aks = new Command('aks').description('AKS cluster settings: compare a template with the cluster it deployed');
  aks.addCommand(
    new Command('drift')
      .description('list the security-relevant settings where a live AKS cluster differs from its template')
      .argument('<template>', 'the template: ARM/Bicep JSON, Terraform plan JSON or .tf (file or directory)')
      .argument('[live]', 'the live cluster as a file: az aks show -o json, or an ARM REST GET body (- reads stdin)')
      .option('--aks <resource-id>', 'read the live cluster through Azure Resource Manager instead (Reader role)')
      .addOption(new Option('-f, --format <format>', 'output format').choices([...DRIFT_FORMATS]).default('table'))
      .option('-o, --output <file>', 'write the result to a file instead of stdout')
      .option('--cluster <name>', 'the cluster to compare when a source holds several')
      .option('--parameters <file>', 'ARM parameters file (*.parameters.json) with the values the template was deployed with')
      .option('--var-file <file>', 'Terraform variables file the template was applied with, as terraform -var-file takes it (repeatable)', collectPlaced, [])
      .option('--var <name=value>', 'Terraform variable the template was applied with, as terraform -var takes it (repeatable; in order with --var-file)', collectPlaced, [])
      .option('--fail-on-drift', 'exit 1 when a setting differs')
      .configureOutput({ writeErr: (s) => process.stderr.write(s) })
      .action(async (template: string, live: string | undefined, opts: DriftCliOptions) => {
        process.exitCode = await drift(template, live, opts);
      }),
  );
  return aks;
}

type LiveFetcher = (resourceId: string) => Promise<{ resources: Resource[]; errors: InputError[] }>;

export interface DriftRunOptions {
  template: string;
  /** The live cluster as a file (or `-`); exactly one of `live` and `aks`. */
  live?: string;
  /** The live cluster's resource id, read through Azure Resource Manager. */
  aks?: string;
  cluster?: string;
  /** An ARM parameters file (`{parameters: {name: {value}}}`) whose values the template's parameters take. */
  parameters?: string;
  /** Terraform variables files (`-var-file`) whose values a Terraform template's variables take. */
  varFiles?: readonly string[];
  /** Terraform `-var NAME=VALUE`s for the template's variables, each after the files written before it. */
  vars?: readonly TerraformAssignment[];
  /** Reads a live cluster by resource id (Azure Resource Manager unless replaced). */
  fetchLive?: LiveFetcher;
}

/** Problems met on the way, for stderr: input errors (exit code 2) and warnings. */
export interface DriftProblems {
  errors: InputError[];
  warnings: InputNote[];
}

interface Loaded {
  cluster: AksCluster;
  errors: InputError[];
  texts: ReadonlyMap<string, string>;
}

function names(cluster: AksCluster): string[] {
  const id = asString(cluster.resource.object.id);
  return [cluster.name, cluster.resource.name, ...(id ? [id.split('/').pop() ?? ''] : [])].map((n) => n.toLowerCase());
}

function describe(cluster: AksCluster): string {
  return cluster.resource.name === cluster.name ? cluster.name : `${cluster.name} (${cluster.resource.name})`;
}

/** The one cluster a source describes, or the one `--cluster` names among several. */
function chooseCluster(role: string, input: string, clusters: AksCluster[], wanted: string | undefined, warnings: InputNote[]): AksCluster {
  if (clusters.length === 1) {
    const only = clusters[0] as AksCluster;
    if (wanted !== undefined && !names(only).includes(wanted.toLowerCase()))
      warnings.push({ source: input, message: `the ${role} holds one cluster, ${describe(only)}, not ${wanted}: comparing with it` });
    return only;
  }
  const list = clusters.map(describe).join(', ');
  if (wanted === undefined) throw new UsageError(`${input}: the ${role} holds ${clusters.length} AKS clusters (${list}): choose one with --cluster NAME`);
  const matches = clusters.filter((c) => names(c).includes(wanted.toLowerCase()));
  if (matches.length === 1) return matches[0] as AksCluster;
  if (matches.length === 0) throw new UsageError(`${input}: no AKS cluster named ${wanted} in the ${role} (it holds ${list})`);
  throw new UsageError(`${input}: ${matches.length} AKS clusters in the ${role} are named ${wanted}`);
}

function clustersIn(resources: readonly Resource[]): AksCluster[] {
  const inventory = new Inventory(resources);
  const clusters: AksCluster[] = [];
  for (const kind of CLUSTER_KINDS) {
    for (const r of inventory.byKind(kind)) {
      const c = aksClusterOf(r, inventory);
      if (c) clusters.push(c);
    }
  }
  return clusters;
}

async function loadFile(role: string, input: string, wanted: string | undefined, problems: DriftProblems, varFiles: readonly string[] = [], vars: readonly TerraformAssignment[] = []): Promise<Loaded> {
  const ingest = await ingestPaths([input], { terraformVariablesFiles: varFiles, terraformAssignments: vars });
  problems.errors.push(...ingest.errors);
  const clusters = clustersIn(ingest.resources);
  if (clusters.length === 0) {
    problems.warnings.push(...ingest.notes);
    throw new UsageError(
      `${input}: no AKS cluster in the ${role} (expected az aks show or ARM REST JSON, an ARM/Bicep template, a Terraform plan or .tf)`,
    );
  }
  return { cluster: chooseCluster(role, input, clusters, wanted, problems.warnings), errors: ingest.errors, texts: ingest.texts };
}

async function loadLive(resourceId: string, fetchLive: LiveFetcher, problems: DriftProblems): Promise<Loaded> {
  const fetched = await fetchLive(resourceId);
  problems.errors.push(...fetched.errors);
  const clusters = clustersIn(fetched.resources);
  // Without the cluster there is nothing to compare: the errors above say why.
  if (clusters.length === 0) throw new UsageError(`${resourceId}: the live cluster could not be read`);
  return { cluster: clusters[0] as AksCluster, errors: fetched.errors, texts: new Map() };
}

// ---------------------------------------------------------------------------------------------------
// Which side is which

/** What only a deployed cluster reports (az aks show, ARM GET); a template never writes them. */
const LIVE_ONLY_PROPERTIES = ['provisioningState', 'fqdn', 'privateFQDN', 'azurePortalFQDN', 'powerState', 'currentKubernetesVersion'];

function hasKey(obj: Obj | undefined, key: string): boolean {
  return obj !== undefined && Object.keys(obj).some((k) => k.toLowerCase() === key.toLowerCase());
}

/** Why a cluster description is a live cluster's (`provisioningState`, an ARM resource id), or undefined. */
function liveEvidence(cluster: AksCluster): string | undefined {
  if (cluster.shape !== 'az-cli' && cluster.shape !== 'arm-rest') return undefined;
  const root = cluster.resource.object;
  const props = asObj(root.properties);
  const marker = LIVE_ONLY_PROPERTIES.find((k) => hasKey(root, k) || hasKey(props, k));
  if (marker) return `it has ${marker}`;
  const id = asString(root.id);
  return id && /^\/subscriptions\//i.test(id) ? 'it has an Azure resource id' : undefined;
}

const TEMPLATE_SHAPES: Readonly<Record<string, string>> = { 'arm-template': 'an ARM/Bicep template', 'terraform-plan': 'a Terraform plan', 'terraform-hcl': 'Terraform configuration' };

/** Refuses a comparison whose TEMPLATE is a live cluster or whose LIVE is a template: the verdicts would be backwards. */
function refuseSwappedSides(templateInput: string, template: AksCluster, liveInput: string, live: AksCluster): void {
  const templateIsLive = liveEvidence(template);
  const liveIsTemplate = TEMPLATE_SHAPES[live.shape];
  const order = 'the template comes first: palisade aks drift TEMPLATE LIVE';
  if (templateIsLive && liveIsTemplate)
    throw new UsageError(`the arguments are swapped: ${liveInput} is the template (${liveIsTemplate}) and ${templateInput} the live cluster (${templateIsLive}); ${order}`);
  if (templateIsLive)
    throw new UsageError(`${templateInput} is given as TEMPLATE but describes a live cluster (az aks show or ARM GET output: ${templateIsLive}); ${order}`);
  if (liveIsTemplate) throw new UsageError(`${liveInput} is given as LIVE but is ${liveIsTemplate}, not a live cluster; ${order}`);
}

// ---------------------------------------------------------------------------------------------------
// ARM parameters files

/** A parameter value as a template default: a literal string starting with `[` is escaped, as ARM writes literal brackets (`[[`). */
function asLiteral(v: unknown): unknown {
  if (typeof v === 'string') return v.startsWith('[') ? `[${v}` : v;
  if (Array.isArray(v)) return v.map(asLiteral);
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asLiteral(x)]));
  return v;
}

/** The file's text (without a byte order mark) and its JSON value. */
async function readJson(path: string, what: string): Promise<{ text: string; value: unknown }> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${path}: cannot read the ${what}: ${describeFsError(e)}`);
  }
  // Windows editors save JSON with a byte order mark, which ARM and az accept.
  const text = withoutBom(raw);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    // Where, not what: V8's message quotes the text around the error, which may be a securestring value.
    throw new UsageError(`${path}: the ${what} is not JSON: ${jsonSyntaxText(text)}`);
  }
  if (depthExceeds(value, DEFAULT_LIMITS.maxDepth)) throw new UsageError(`${path}: the ${what} is refused: nesting deeper than ${DEFAULT_LIMITS.maxDepth}`);
  return { text, value };
}

/** A parameter's value from the file, or `unknown` when the file gives none this reader can use (the reason is warned). */
type ParameterValue = { value: unknown } | { unknown: true };

/** Why a parameters file entry has no usable value. */
function noValueReason(entry: unknown): string {
  const e = asObj(entry);
  if (e && Object.prototype.hasOwnProperty.call(e, 'reference')) return 'has no value (a Key Vault reference is resolved only at deployment)';
  if (entry === null) return 'is null, not {"value": ...}';
  if (!e) return 'is not an object with a value ({"value": ...})';
  return 'has neither a value nor a Key Vault reference';
}

/** The values of an ARM parameters file (`{parameters: {name: {value}}}`); Key Vault references stay unresolved. */
async function parameterValues(path: string, problems: DriftProblems): Promise<Map<string, ParameterValue>> {
  if (/\.bicepparam$/i.test(path))
    throw new UsageError(`${path}: .bicepparam files are not read; build it into a JSON parameters file (az bicep build-params --file ${path}) and pass that`);
  const doc = asObj((await readJson(path, 'parameters file')).value);
  const params = asObj(doc?.parameters);
  if (!params) throw new UsageError(`${path}: not an ARM parameters file (expected {"parameters": {"name": {"value": ...}}})`);
  const values = new Map<string, ParameterValue>();
  for (const [name, entry] of Object.entries(params)) {
    const e = asObj(entry);
    if (e && Object.prototype.hasOwnProperty.call(e, 'value')) {
      values.set(name, { value: e.value });
      continue;
    }
    values.set(name, { unknown: true });
    problems.warnings.push({ source: path, message: `parameter ${name} ${noValueReason(entry)}: left unknown` });
  }
  return values;
}

/** Whether a value is of an ARM parameter type (`string`, `int`, `bool`, `object`, `array`, their secure forms); null only where declared nullable. */
function isOfDeclaredType(value: unknown, declaration: Obj | undefined): boolean {
  const type = asString(declaration?.type)?.toLowerCase();
  if (value === null) return declaration?.nullable === true;
  switch (type) {
    case 'string':
    case 'securestring':
      return typeof value === 'string';
    case 'int':
      return Number.isInteger(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'object':
    case 'secureobject':
      return isObj(value);
    case 'array':
      return Array.isArray(value);
    default:
      // No type, or one this reader does not know (a user-defined type): nothing to hold the value against.
      return true;
  }
}

/** The declaration without its default: the parameter is then unknown, as it is when a deployment must supply it. */
function withoutDefault(declaration: Obj | undefined): Obj {
  return Object.fromEntries(Object.entries(declaration ?? {}).filter(([k]) => k.toLowerCase() !== 'defaultvalue'));
}

/** The template with each parameter the file gives taking that value, as a deployment with the file would. */
function withParameterValues(template: Obj, values: ReadonlyMap<string, ParameterValue>, source: string, problems: DriftProblems): Obj {
  const declared = asObj(template.parameters) ?? {};
  const byLower = new Map(Object.keys(declared).map((k) => [k.toLowerCase(), k]));
  const parameters: Obj = { ...declared };
  for (const [name, value] of values) {
    const key = byLower.get(name.toLowerCase());
    if (key === undefined) {
      problems.warnings.push({ source, message: `parameter ${name} is not declared in the template: ignored` });
      continue;
    }
    const declaration = asObj(declared[key]);
    if ('unknown' in value) {
      parameters[key] = withoutDefault(declaration);
      continue;
    }
    if (!isOfDeclaredType(value.value, declaration)) {
      problems.warnings.push({
        source,
        message: `parameter ${name}: the value is not of the declared type ${asString(declaration?.type) ?? ''} (a deployment would refuse it): left unknown`,
      });
      parameters[key] = withoutDefault(declaration);
      continue;
    }
    parameters[key] = { ...(declaration ?? {}), defaultValue: asLiteral(value.value) };
  }
  return { ...template, parameters };
}

async function loadParameterisedTemplate(input: string, parametersFile: string, wanted: string | undefined, problems: DriftProblems): Promise<Loaded> {
  const values = await parameterValues(parametersFile, problems);
  if (input === '-') throw new UsageError('--parameters needs the template as a file, not stdin');
  const notArm = new UsageError(`${input}: --parameters applies to an ARM/Bicep-compiled JSON template, and this is not one`);
  const read = await readJson(input, 'template').catch(() => undefined);
  const template = asObj(read?.value);
  if (!read || !template || !isArmTemplate(template)) throw notArm;
  const { text } = read;
  const decoded = armTemplateResources(withParameterValues(template, values, parametersFile, problems), input, 1, text);
  const clusters = clustersIn(decoded.resources);
  if (clusters.length === 0) {
    problems.warnings.push(...decoded.notes);
    throw new UsageError(`${input}: no AKS cluster in the template`);
  }
  return { cluster: chooseCluster('template', input, clusters, wanted, problems.warnings), errors: [], texts: new Map([[input, text]]) };
}

/** Moves each template location from the resource's line to the line of its field. */
async function locateTemplateFields(entries: DriftEntry[], texts: ReadonlyMap<string, string>): Promise<void> {
  const read = sourceReader(texts);
  for (const e of entries) {
    const t = e.template;
    if (t.field === '') continue;
    const source = await read(t.file);
    if (source) t.line = source.line(t.line, t.field);
  }
}

function sourceOf(input: string, cluster: AksCluster): DriftSource {
  const r = cluster.resource;
  return { input, cluster: cluster.name, kind: r.kind, shape: cluster.shape, file: r.source.file, line: r.source.line };
}

/**
 * `--var-file` is for the module Terraform runs in: the directory given, or the given file's. A
 * cluster written in a directory below it would not take the values, and comparing it as if it did
 * would be wrong: the user is told which directory to give instead.
 */
async function refuseVariablesElsewhere(template: string, cluster: AksCluster, flags: string): Promise<void> {
  const isDir = await stat(template).then((s) => s.isDirectory(), () => false);
  const root = resolve(isDir ? template : dirname(template));
  // A cluster of a called module is part of the root module that calls it.
  const home = cluster.resource.origin?.root ?? dirname(cluster.resource.source.file);
  if (resolve(home) !== root) {
    throw new UsageError(`${flags} applies to the Terraform module in ${isDir ? template : dirname(template)}, and cluster ${cluster.name} is written in ${home}: give ${home} as the template`);
  }
}

/** Reads both sides and compares them. Throws a UsageError when a side has no cluster to compare. */
export async function runAksDrift(opts: DriftRunOptions, problems: DriftProblems): Promise<DriftReport> {
  if (opts.live === undefined && opts.aks === undefined) throw new UsageError('give the live cluster, as a file (LIVE) or with --aks RESOURCE_ID');
  if (opts.live !== undefined && opts.aks !== undefined) throw new UsageError('give the live cluster either as a file (LIVE) or with --aks RESOURCE_ID, not both');
  if (opts.template === '-' && opts.live === '-') throw new UsageError('only one of TEMPLATE and LIVE can be read from stdin');
  // The Terraform flags given, as the usage errors name them.
  const flags = [opts.varFiles?.length ? '--var-file' : '', opts.vars?.length ? '--var' : ''].filter(Boolean).join(' and ');
  if (flags && opts.template === '-') throw new UsageError(`${flags} needs the template as a file or directory, not stdin`);
  const template =
    opts.parameters !== undefined
      ? await loadParameterisedTemplate(opts.template, opts.parameters, opts.cluster, problems)
      : await loadFile('template', opts.template, opts.cluster, problems, opts.varFiles, opts.vars);
  if (flags && template.cluster.resource.format !== 'terraform-hcl') {
    throw new UsageError(`${opts.template}: ${flags} applies to a Terraform configuration (.tf), and this template is not one`);
  }
  if (flags) await refuseVariablesElsewhere(opts.template, template.cluster, flags);
  const liveInput = opts.live ?? (opts.aks as string);
  const live =
    opts.live !== undefined
      ? await loadFile('live cluster', opts.live, opts.cluster, problems)
      : await loadLive(liveInput, opts.fetchLive ?? ((id) => fetchAksResources(id)), problems);
  refuseSwappedSides(opts.template, template.cluster, liveInput, live.cluster);
  const entries = driftBetween(template.cluster, live.cluster);
  await locateTemplateFields(entries, template.texts);
  const strip = ({ status: _status, ...rest }: DriftEntry) => rest;
  const differ = entries.filter((e) => e.status === 'drift');
  const uncomparable = entries.filter((e) => e.status === 'uncomparable');
  const info = entries.filter((e) => e.status === 'info');
  return {
    schema: 'palisade.aks-drift/v1',
    template: sourceOf(opts.template, template.cluster),
    live: sourceOf(liveInput, live.cluster),
    summary: {
      drift: differ.length,
      regressions: differ.filter((e) => e.regression === true).length,
      uncomparable: uncomparable.length,
      info: info.length,
    },
    drift: differ.map(strip),
    uncomparable: uncomparable.map(strip),
    info: info.map(strip),
    errors: [...template.errors, ...live.errors],
  };
}

/** 2 when an input could not be read; 1 when settings differ and --fail-on-drift is given; else 0. */
export function driftExitCode(report: DriftReport, failOnDrift: boolean): 0 | 1 | 2 {
  if (report.errors.length > 0) return 2;
  return failOnDrift && report.summary.drift > 0 ? 1 : 0;
}

async function drift(templatePath: string, livePath: string | undefined, opts: DriftCliOptions): Promise<number> {
  const problems: DriftProblems = { errors: [], warnings: [] };
  let report: DriftReport;
  try {
    if (opts.aks !== undefined && process.stderr.isTTY) process.stderr.write(`reading ${opts.aks} ...\n`);
    const run: DriftRunOptions = { template: templatePath };
    if (livePath !== undefined) run.live = livePath;
    if (opts.aks !== undefined) run.aks = opts.aks;
    if (opts.cluster !== undefined) run.cluster = opts.cluster;
    if (opts.parameters !== undefined) run.parameters = opts.parameters;
    if (opts.varFile.length) run.varFiles = opts.varFile.map((f) => f.value);
    if (opts.var.length) run.vars = terraformAssignments(opts.var, opts.varFile);
    report = await runAksDrift(run, problems);
  } finally {
    printErrors(problems.errors);
    printWarnings(problems.warnings);
  }
  const text =
    opts.format === 'json'
      ? `${JSON.stringify(report, null, 2)}\n`
      : opts.format === 'markdown'
        ? renderDriftMarkdown(report)
        : renderDriftTable(report, opts.output === undefined && useColor());
  writeResult(text, opts.output);
  return driftExitCode(report, opts.failOnDrift === true);
}

// ---------------------------------------------------------------------------------------------------
// Rendering

type Row = Omit<DriftEntry, 'status'>;

function settingLabel(e: Row): string {
  if (e.pool === undefined) return e.setting;
  return e.setting === 'nodePool' ? `pool ${e.pool}` : `pool ${e.pool}: ${e.setting}`;
}

function valueText(side: { value: unknown; defaulted?: true }): string {
  const v = side.value;
  const text = Array.isArray(v)
    ? `[${v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ')}]`
    : typeof v === 'string'
      ? v
      : JSON.stringify(v) ?? 'null';
  return side.defaulted ? `${text} (default)` : text;
}

function where(e: Row): string {
  return `${e.template.file}:${e.template.line}`;
}

function heading(report: DriftReport): string {
  const t = report.template;
  const l = report.live;
  return `template ${t.input} (cluster ${t.cluster}) against live ${l.input} (cluster ${l.cluster})`;
}

function summaryLine(report: DriftReport): string {
  const s = report.summary;
  const parts = [
    s.drift === 0
      ? 'no drift in the compared settings'
      : `${s.drift} setting${s.drift === 1 ? '' : 's'} differ${s.drift === 1 ? 's' : ''} (${s.regressions} weaker in the live cluster)`,
  ];
  if (s.uncomparable > 0) parts.push(`${s.uncomparable} cannot be compared`);
  if (s.info > 0) parts.push(`${s.info} not constrained by the template (information, not drift)`);
  return parts.join('; ');
}

export function renderDriftTable(report: DriftReport, color = false): string {
  const c = pc.createColors(color);
  const rows = [...report.drift, ...report.uncomparable, ...report.info].map((e) => ({
    cells: [settingLabel(e), `${valueText(e.template)}  ${where(e)}`, valueText(e.live), e.note].map(printable),
    weaker: e.regression === true,
  }));
  const head = ['SETTING', 'TEMPLATE', 'LIVE', 'NOTE'];
  const out = [c.bold(printable(heading(report))), ''];
  if (rows.length > 0) {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r.cells[i] as string).length)));
    const line = (cells: string[]) =>
      cells
        .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] as number)))
        .join('  ')
        .trimEnd();
    out.push(c.bold(line(head)));
    for (const r of rows) {
      const text = line(r.cells);
      out.push(r.weaker ? c.red(text) : text);
    }
    out.push('');
  }
  out.push(summaryLine(report));
  return `${out.join('\n')}\n`;
}

export function renderDriftMarkdown(report: DriftReport): string {
  const out = [`## AKS drift`, '', mdText(heading(report)), ''];
  const rows = [...report.drift, ...report.uncomparable, ...report.info];
  if (rows.length > 0) {
    out.push('| Setting | Template | Live | Note |', '| --- | --- | --- | --- |');
    for (const e of rows) {
      const note = e.regression === true ? `**${mdText(e.note)}**` : mdText(e.note);
      out.push(`| ${mdText(settingLabel(e))} | ${mdText(valueText(e.template))} (${mdText(where(e))}) | ${mdText(valueText(e.live))} | ${note} |`);
    }
    out.push('');
  }
  out.push(mdText(summaryLine(report)));
  return `${out.join('\n')}\n`;
}
