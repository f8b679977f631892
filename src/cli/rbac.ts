import { Command, Option } from 'commander';
import { UsageError, type InputError } from '../core/errors.js';
import { Inventory } from '../core/inventory.js';
import { grantedPart, PermissionIndex, permissionIndexOf, identityOf, parseSubject, subjectLabel, type AccessQuery, type Grant, type HeldRule, type Identity, type MissingRole, type PolicyRule, type Subject, type Via } from '../analyses/rbac/permission-index.js';
import { ingestPaths } from '../ingest/files.js';
import { SEVERITIES, type Severity } from '../core/severity.js';
import { FORMATS, isFormat } from '../report/index.js';
import { RULES } from '../rules/index.js';
import { RBAC_KINDS, RBAC_REQUIRED_KINDS } from '../ingest/kube-kinds.js';
import {
  aksInputs,
  aksOption,
  azureSession,
  clusterInputs,
  clusterOptions,
  entraIds,
  entraNamesFile,
  entraOptions,
  graphNames,
  pathsOrDefault,
  scanDisplayNames,
  type AzureFlags,
  type AzureSession,
  type ClusterFlags,
} from './inputs.js';
import { loadConfig } from './load-config.js';
import { emitReport, printErrors, printWarnings, SARIF_CATEGORY_FLAGS, sarifCategory, writeResult } from './output.js';
import { runScan } from './run-scan.js';
import { bindingText, missingRoleNotes, unlistedKinds } from './missing-roles.js';
import { ROLE_ASSIGNMENT_KIND } from '../analyses/rbac/azure-access.js';
import type { Resource } from '../core/resource.js';
import { POD_BEARING_KINDS } from '../core/workload.js';
import { nearest } from '../core/suggest.js';

type Format = 'table' | 'json';

export interface WhoCanReport {
  schema: 'palisade.rbac.who-can/v1';
  query: AccessQuery;
  /** False when nothing was read to answer from: no input could be read (see `errors`), or it held no RBAC object. */
  answered: boolean;
  grants: Grant[];
  missingRoles: MissingRole[];
  /** Display names of Entra object ids named in the answer. */
  names: Record<string, string>;
  /** What the Azure view of the access assumed or left out. */
  notes: string[];
  errors: InputError[];
}

export interface CanReport {
  schema: 'palisade.rbac.can/v1';
  subject: Subject;
  identity: Identity;
  /** False when nothing was read to answer from: no input could be read (see `errors`), or it held no RBAC object. */
  answered: boolean;
  rules: HeldRule[];
  missingRoles: MissingRole[];
  names: Record<string, string>;
  notes: string[];
  errors: InputError[];
}

type LiveFlags = ClusterFlags & AzureFlags;
type WhoCanOptions = { namespace?: string; name?: string; format: Format; output?: string } & LiveFlags;
type CanOptions = { format: Format; output?: string } & LiveFlags;
type RiskyOptions = { format: string; output?: string; sarifCategory?: string; failOn: Severity | 'none'; config?: string } & LiveFlags;

/** --cluster, --aks, --entra-names and --graph: the same live sources and names on every rbac command. */
function liveOptions(cmd: Command): Command {
  return entraOptions(aksOption(clusterOptions(cmd), 'also read this live AKS cluster: its settings, the Azure role assignments that reach it and their roles (repeatable; read-only)'));
}

export function rbacCommand(): Command {
  const rbac = new Command('rbac').description('Kubernetes RBAC: who can do what, and through which binding and role');
  rbac.addCommand(
    liveOptions(new Command('who-can'))
      .description('every subject allowed to do VERB on RESOURCE, with the binding and role that allow it')
      .argument('<verb>', 'a verb: get, list, create, escalate, bind, impersonate, ... or *')
      .argument('<resource>', 'RESOURCE[.GROUP][/SUBRESOURCE] (pods/exec, deployments.apps) or a non-resource URL (/healthz)')
      .argument('[paths...]', 'files or directories; - reads stdin')
      .option('-n, --namespace <namespace>', 'the namespace of the request (default: grants in every namespace)')
      .option('--name <name>', 'the name of the object (matches rules limited by resourceNames)')
      .addOption(formatOption())
      .option('-o, --output <file>', 'write the result to a file instead of stdout')
      .action(async (verb: string, resource: string, paths: string[], opts: WhoCanOptions) => {
        process.exitCode = await whoCan(verb, resource, paths, opts);
      }),
  );
  rbac.addCommand(
    liveOptions(new Command('can'))
      .description('every rule a subject holds, directly or through its groups, with the binding and role')
      .argument('<subject>', 'User:NAME, Group:NAME, ServiceAccount:NS/NAME or system:serviceaccount:NS:NAME')
      .argument('[paths...]', 'files or directories; - reads stdin')
      .addOption(formatOption())
      .option('-o, --output <file>', 'write the result to a file instead of stdout')
      .action(async (subject: string, paths: string[], opts: CanOptions) => {
        process.exitCode = await can(subject, paths, opts);
      }),
  );
  rbac.addCommand(
    liveOptions(new Command('risky'))
      .description('risky grants (cluster-admin, wildcards, secrets, exec, escalate/bind, impersonate, ...): the rbac/* rules')
      .option('-n, --namespace <namespace>', 'with --cluster, read the namespaced objects (Roles, RoleBindings, ...) of this namespace only')
      .argument('[paths...]', 'files or directories; - reads stdin (default: . unless --cluster or --aks is given)')
      .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('table'))
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option(SARIF_CATEGORY_FLAGS, 'SARIF: the code scanning category of the log (default palisade/rbac)')
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a risky grant at or above this severity counts').choices([...SEVERITIES, 'none']).default('none'))
      .option('--config <file>', 'configuration file (exceptions apply as in scan)')
      .action(async (paths: string[], opts: RiskyOptions) => {
        process.exitCode = await risky(paths, opts);
      }),
  );
  return rbac;
}

/**
 * What `rbac risky` reads from a live cluster: the RBAC objects, and the Pods and built-in workload
 * controllers whose accounts the escalation steps reach through exec, debug and patching a controller.
 * Only the RBAC objects are required: a refused list of pods leaves those steps out with a note.
 */
const RISKY_KINDS: readonly string[] = [...RBAC_KINDS, ...POD_BEARING_KINDS];

/** `rbac risky` is `scan` restricted to the rbac/* rules: same findings, exceptions and reporters. */
async function risky(paths: string[], opts: RiskyOptions): Promise<number> {
  if (!isFormat(opts.format)) throw new UsageError(`unknown format ${opts.format}`);
  const sarif = sarifCategory(opts.sarifCategory, 'rbac');
  const { config, source } = loadConfig(opts.config);
  const rules = RULES.filter((r) => r.meta.id.startsWith('rbac/'));
  const session = azureSession();
  const displayNames = scanDisplayNames(opts, session);
  const aks = await aksInputs(opts.aks, session);
  const cluster = await clusterInputs({ cluster: opts.cluster, context: opts.context, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) }, RISKY_KINDS, RBAC_REQUIRED_KINDS);
  const unlisted = unlistedKinds(cluster, opts.namespace);
  const outcome = await runScan({
    paths: pathsOrDefault(paths, opts.cluster === true || opts.aks.length > 0),
    rules,
    config,
    configSource: source,
    failOn: opts.failOn,
    extraResources: [...aks.resources, ...cluster.resources],
    extraErrors: [...aks.errors, ...cluster.errors],
    extraNotes: cluster.notes,
    // The bindings that refer to a role the input lacks, so the report says what was not counted.
    inventoryNotes: (inventory) => missingRoleNotes(permissionIndexOf(inventory).missingRoles, unlisted),
    ...(displayNames ? { displayNames } : {}),
  });
  await emitReport(outcome, opts.format, opts.output, rules.map((r) => r.meta), sarif);
  return outcome.exitCode;
}

function formatOption(): Option {
  return new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table');
}

/** `v1`, `v1beta1`, `v2alpha3`: the VERSION of kubectl's RESOURCE.VERSION.GROUP. */
const API_VERSION = /^v\d+((alpha|beta)\d+)?$/;

/**
 * `RESOURCE[.GROUP][/SUB]`, kubectl's `RESOURCE.VERSION.GROUP`, or a non-resource URL, as a query. The
 * resource is taken as written; resolveQuery() turns kubectl's other spellings into the resource name
 * RBAC rules use, once the input (and its CustomResourceDefinitions) is read.
 */
export function parseResourceArg(verb: string, text: string, opts: { namespace?: string; name?: string }): AccessQuery {
  if (!verb) throw new UsageError('VERB must not be empty');
  if (text.startsWith('/')) return { verb, nonResourceURL: text };
  const slash = text.indexOf('/');
  const head = slash < 0 ? text : text.slice(0, slash);
  const subresource = slash < 0 ? undefined : text.slice(slash + 1);
  const dot = head.indexOf('.');
  const resource = dot < 0 ? head : head.slice(0, dot);
  let apiGroup = dot < 0 ? undefined : head.slice(dot + 1).toLowerCase();
  const version = apiGroup?.split('.')[0];
  if (apiGroup !== undefined && version !== undefined && version !== apiGroup && API_VERSION.test(version)) apiGroup = apiGroup.slice(version.length + 1);
  if (!resource || subresource === '' || subresource?.includes('/') || apiGroup === '')
    throw new UsageError(`RESOURCE must be RESOURCE[.GROUP][/SUBRESOURCE] or a URL path starting with /, not ${JSON.stringify(text)}`);
  return {
    verb,
    resource,
    ...(subresource !== undefined ? { subresource } : {}),
    ...(apiGroup !== undefined ? { apiGroup } : {}),
    ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
    ...(opts.name !== undefined ? { name: opts.name } : {}),
  };
}

/** The verbs the API server asks RBAC about for resources: the request verbs and the special ones. */
const RESOURCE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'bind', 'escalate', 'impersonate', 'approve', 'sign', 'attest', 'use'];
/** The verbs of a non-resource request: its HTTP method in lower case. */
const URL_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/**
 * The query with the resource named as RBAC rules name it (kubectl's singular, kind, short name or any
 * case resolved), and warnings for what still matches nothing the API server would ask: an unknown verb,
 * resource or subresource, or kubectl's TYPE/NAME read as a subresource.
 */
export function resolveQuery(query: AccessQuery, index: PermissionIndex): { query: AccessQuery; warnings: string[] } {
  const warnings: string[] = [];
  const verbs = query.nonResourceURL !== undefined ? URL_VERBS : RESOURCE_VERBS;
  if (query.verb !== '*' && !verbs.includes(query.verb)) {
    const near = closest(query.verb.toLowerCase(), verbs);
    const asked = query.nonResourceURL !== undefined ? `a non-resource URL is asked with ${verbs.join(', ')}` : `the API server asks ${verbs.join(', ')}`;
    warnings.push(`unknown verb ${JSON.stringify(query.verb)}${near ? ` (did you mean ${near}?)` : ''}: ${asked}; only rules naming this verb or * match it`);
  }
  if (query.resource === undefined || query.resource === '*') return { query, warnings };
  const resource = index.resolveResource(query.resource, query.apiGroup);
  // A resource some rule of the input names is what the rules mean, though no definition says so.
  if (resource === undefined && index.namedResources().has(query.resource)) return { query, warnings };
  if (resource === undefined) {
    const near = closest(query.resource.toLowerCase(), [...index.resourceSpellings(), ...index.namedResources()]);
    const nearText = near ? ` (did you mean ${index.resolveResource(near) ?? near}?)` : '';
    warnings.push(`unknown resource ${JSON.stringify(query.resource)}${nearText}: no built-in resource or CustomResourceDefinition of the input has this name; only rules naming it or * match it`);
    return { query, warnings };
  }
  let subresource = query.subresource;
  if (subresource !== undefined && index.hasSubresource(resource, subresource) === false) {
    const lower = subresource.toLowerCase();
    if (index.hasSubresource(resource, lower) === true) subresource = lower;
    else if (query.name === undefined)
      warnings.push(
        `${resource} has no subresource ${JSON.stringify(subresource)}: ${resource}/${subresource} asks about that subresource; to ask about the object named ${subresource}, give ${resource} --name ${subresource}`,
      );
    else warnings.push(`${resource} has no subresource ${JSON.stringify(subresource)}: only rules naming ${resource}/${subresource} or */${subresource} match it`);
  }
  return { query: { ...query, resource, ...(subresource !== undefined ? { subresource } : {}) }, warnings };
}

/** The candidate nearest to a mistyped word, at most two edits away (swapped letters count two), if any. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  return nearest(word, candidates, 2, false);
}

interface Loaded {
  index: PermissionIndex;
  errors: InputError[];
  /** The input holds something to answer from (see holdsRbac). */
  answered: boolean;
  /** Display names of --entra-names, which win over every other source. */
  given: ReadonlyMap<string, string>;
  session: AzureSession;
}

/**
 * The RBAC objects of the paths, with --cluster of the live cluster (its -n is the query's namespace,
 * not a limit on the read), and with --aks the live AKS clusters' Azure access.
 */
async function load(paths: string[], live: LiveFlags): Promise<Loaded> {
  if (paths.length === 0 && !live.cluster && live.aks.length === 0)
    throw new UsageError('give the RBAC manifests to read: PATH... (- reads stdin), --cluster or --aks RESOURCE_ID');
  const given = entraNamesFile(live);
  const session = azureSession();
  const aks = await aksInputs(live.aks, session);
  const ingest = await ingestPaths(paths);
  const cluster = await clusterInputs({ cluster: live.cluster, context: live.context }, RBAC_KINDS, RBAC_REQUIRED_KINDS);
  const errors = [...ingest.errors, ...aks.errors, ...cluster.errors];
  const resources = [...ingest.resources, ...aks.resources, ...cluster.resources];
  const index = new PermissionIndex(new Inventory(resources, { displayNames: given }));
  printErrors(errors);
  printWarnings(missingRoleNotes(index.missingRoles, unlistedKinds(cluster)));
  return { index, errors, given, session, answered: holdsRbac(resources, index) };
}

const RBAC_OBJECT_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', ROLE_ASSIGNMENT_KIND]);

/**
 * Whether the input holds anything an answer comes from: a Kubernetes role or binding, an Azure role
 * assignment, or an AKS cluster setting that grants (admin groups, the local admin credential). Without
 * one, an empty answer would only say that nothing was read, not that nobody holds the permission.
 */
function holdsRbac(resources: readonly Resource[], index: PermissionIndex): boolean {
  return resources.some((r) => RBAC_OBJECT_KINDS.has(r.kind)) || index.subjects().length > 0;
}

/**
 * The display names of the Entra object ids among the subjects of an answer: those the index knows
 * (learnt from the input, or given), and with --graph those Microsoft Graph has (a given name wins).
 */
async function namesOf(subjects: readonly Subject[], loaded: Loaded, graph: boolean | undefined): Promise<Record<string, string>> {
  const ids = entraIds(subjects);
  const looked = graph ? await graphNames(ids, loaded.given, loaded.session) : new Map<string, string>();
  const out: Record<string, string> = {};
  for (const id of ids) {
    const name = loaded.given.get(id) ?? looked.get(id) ?? loaded.index.displayNames.get(id);
    if (name !== undefined) out[id] = name;
  }
  return out;
}

async function whoCan(verb: string, resource: string, paths: string[], opts: WhoCanOptions): Promise<number> {
  const parsed = parseResourceArg(verb, resource, opts);
  const loaded = await load(paths, opts);
  const { index, errors } = loaded;
  const { query, warnings } = resolveQuery(parsed, index);
  for (const w of warnings) process.stderr.write(`palisade: warning: ${w}\n`);
  // The API server asks about a create with no name (the object does not exist yet): a grant restricted by
  // resourceNames never allows one, though kubectl auth can-i with a name answers yes. The request is
  // asked as the API server asks it.
  const namelessCreate = query.verb === 'create' && query.name !== undefined && query.subresource === undefined;
  const asked: AccessQuery = namelessCreate ? withoutName(query) : query;
  const grants = onePerBinding(index.whoCan(asked));
  const names = await namesOf(grants.map((g) => g.subject), loaded, opts.graph);
  const createNote = namelessCreate
    ? [`a create request carries no name, so a grant restricted by resourceNames (to ${query.name} or any other) never allows it: such grants are not listed`]
    : [];
  const report: WhoCanReport = {
    schema: 'palisade.rbac.who-can/v1',
    query,
    answered: loaded.answered,
    grants,
    missingRoles: index.missingRoles,
    names,
    notes: [...createNote, ...index.notes],
    errors,
  };
  writeResult(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderWhoCan(report), opts.output);
  return errors.length ? 2 : 0;
}

function withoutName(q: AccessQuery): AccessQuery {
  const { name: _name, ...rest } = q;
  return rest;
}

async function can(subjectText: string, paths: string[], opts: CanOptions): Promise<number> {
  const subject = parseSubject(subjectText);
  if (!subject) throw new UsageError(`SUBJECT must be User:NAME, Group:NAME, ServiceAccount:NS/NAME or system:serviceaccount:NS:NAME, not ${JSON.stringify(subjectText)}`);
  const loaded = await load(paths, opts);
  const { index, errors } = loaded;
  const rules = index.can(subject);
  const names = await namesOf([subject, ...rules.map((h) => h.through)], loaded, opts.graph);
  const identity = identityOf(subject);
  // The API server's authorizer chain lets system:masters through before RBAC is asked.
  const subjectNotes = identity.groups.includes(SYSTEM_MASTERS) ? [`${SYSTEM_MASTERS} is allowed every request before RBAC is consulted: whatever the rules above, it is cluster-admin`] : [];
  // A group answers for itself; each member also holds what every signed-in identity does.
  if (subject.kind === 'Group' && !subject.name.startsWith('system:')) {
    subjectNotes.push(`these are the group's own rules: each member also holds what system:authenticated holds (rbac can Group:system:authenticated) and what is bound to the member by name`);
  }
  const report: CanReport = {
    schema: 'palisade.rbac.can/v1',
    subject,
    identity,
    answered: loaded.answered,
    rules,
    missingRoles: index.missingRoles,
    names,
    notes: [...subjectNotes, ...index.notes],
    errors,
  };
  writeResult(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderCan(report), opts.output);
  return errors.length ? 2 : 0;
}

const SYSTEM_MASTERS = 'system:masters';

/**
 * One grant per subject, scope, binding and role: a role whose rules are written per API group (the
 * Azure roles' data actions) matches a query without a group once per group, which says nothing more.
 */
function onePerBinding(grants: readonly Grant[]): Grant[] {
  const seen = new Set<string>();
  return grants.filter((g) => {
    const b = g.via.binding;
    const key = `${subjectLabel(g.subject)}\u0000${g.scope}\u0000${b.kind}\u0000${b.namespace ?? ''}\u0000${b.name}\u0000${g.via.role.kind}\u0000${g.via.role.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function roleText(via: Via): string {
  if (via.role.kind === 'AzureRole') return `Azure role ${via.role.name}`;
  return `${via.role.kind}/${via.role.name}${via.aggregatedFrom ? ` (aggregated from ${via.aggregatedFrom})` : ''}`;
}

/** A subject with the display name of its Entra object id, when known. */
function subjectText(s: Subject, names: ReadonlyMap<string, string>): string {
  const name = names.get(s.name);
  return name ? `${subjectLabel(s)} (${name})` : subjectLabel(s);
}

function queryText(q: AccessQuery): string {
  if (q.nonResourceURL !== undefined) return `${q.verb} ${q.nonResourceURL}`;
  const group = q.apiGroup !== undefined ? `.${q.apiGroup}` : '';
  const sub = q.subresource !== undefined ? `/${q.subresource}` : '';
  const name = q.name !== undefined ? ` named ${q.name}` : '';
  const where = q.namespace !== undefined ? ` in namespace ${q.namespace}` : '';
  return `${q.verb} ${q.resource ?? ''}${group}${sub}${name}${where}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => rows.reduce((w, r) => Math.max(w, r[c]!.length), 0));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}

/** The table's last line when there is no answer: as `scan` says it, nothing read rather than nothing found. */
function unansweredHeadline(errors: readonly InputError[]): string {
  return errors.length > 0
    ? 'Nothing was read: no RBAC object was read, and some input could not be read (see the input errors on stderr)'
    : 'No RBAC objects in the input (no Role, ClusterRole, RoleBinding, ClusterRoleBinding or Azure role assignment)';
}

export function renderWhoCan(report: WhoCanReport): string {
  const lines: string[] = [];
  if (report.grants.length) {
    const rows = [['SUBJECT', 'SCOPE', 'BINDING', 'ROLE']];
    const names = new Map(Object.entries(report.names));
    for (const g of report.grants) rows.push([subjectText(g.subject, names), g.scope, bindingText(g.via.binding), roleText(g.via)]);
    for (const line of table(rows)) lines.push(line);
    lines.push('');
  }
  const subjects = new Set(report.grants.map((g) => subjectLabel(g.subject))).size;
  if (!report.answered) lines.push(`${unansweredHeadline(report.errors)}. No answer to who can ${queryText(report.query)}.`);
  else lines.push(report.grants.length ? `${report.grants.length} grants to ${subjects} subjects allow ${queryText(report.query)}` : `no grant allows ${queryText(report.query)}`);
  for (const n of report.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}

function ruleText(r: PolicyRule): string {
  if (r.nonResourceURLs.length && !r.resources.length) return r.nonResourceURLs.join(',');
  const groups = r.apiGroups.map((g) => (g === '' ? 'core' : g)).join(',');
  const names = r.resourceNames.length ? ` named ${r.resourceNames.join(',')}` : '';
  return `${r.resources.join(',')} [${groups}]${names}`;
}

/**
 * `pods/*`: the authorizer matches a subresource wildcard only as `*\/SUB`, so `RESOURCE/*` is a
 * literal subresource named `*`, which no request asks for.
 */
function literalWildcards(r: PolicyRule): string[] {
  return r.resources.filter((res) => res.endsWith('/*') && !res.startsWith('*/'));
}

/** Whether none of the rule can be granted where it is bound, or it names only literal `RESOURCE/*`. */
function grantsNothing(h: HeldRule): boolean {
  const part = grantedPart(h);
  if (part === undefined) return true;
  const literal = literalWildcards(part);
  return literal.length > 0 && literal.length === part.resources.length && part.nonResourceURLs.length === 0;
}

/** ` (not granted: nodes, /logs/*)`: the parts of a rule its RoleBinding cannot grant, and `pods/*`, which grants nothing. */
function notGrantedText(h: HeldRule): string {
  const literal = literalWildcards(h.rule);
  const literalText = literal.length ? `${literal.join(', ')} ${literal.length === 1 ? 'is' : 'are'} literal: no request matches` : '';
  if (grantsNothing(h)) return ` (grants nothing${h.notGranted && grantedPart(h) === undefined ? ' here' : `: ${literalText}`})`;
  const parts: string[] = [];
  if (h.notGranted) {
    const { resources, nonResourceURLs, bindOnly = [] } = h.notGranted;
    const others = h.rule.verbs.filter((v) => v !== 'bind');
    // Only bind of the rule's verbs reaches clusterroles through a RoleBinding.
    const verbsCut = bindOnly.map((r) => (others.includes('*') ? `${r} (every verb but bind)` : `${others.join(',')} ${r}`));
    parts.push(`not granted here: ${[...resources, ...verbsCut, ...nonResourceURLs].join(', ')}`);
  }
  if (literalText) parts.push(`${literal.join(', ')} grant${literal.length === 1 ? 's' : ''} nothing`);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

export function renderCan(report: CanReport): string {
  const lines: string[] = [];
  if (report.rules.length) {
    const rows = [['SCOPE', 'VERBS', 'RESOURCES', 'BINDING', 'ROLE', 'THROUGH']];
    const names = new Map(Object.entries(report.names));
    for (const h of report.rules) rows.push([h.scope, h.rule.verbs.join(','), `${ruleText(h.rule)}${notGrantedText(h)}`, bindingText(h.via.binding), roleText(h.via), subjectText(h.through, names)]);
    for (const line of table(rows)) lines.push(line);
    lines.push('');
  }
  const who = subjectText(report.subject, new Map(Object.entries(report.names)));
  const groups = report.identity.groups.length ? ` (groups: ${report.identity.groups.join(', ')})` : '';
  const inertRules = report.rules.filter(grantsNothing);
  const inert = inertRules.length;
  const why = [
    ...(inertRules.some((h) => grantedPart(h) === undefined) ? ['a RoleBinding grants no cluster-scoped resource and no non-resource URL'] : []),
    ...(inertRules.some((h) => grantedPart(h) !== undefined) ? ['RESOURCE/* names a subresource called *, which no request asks for'] : []),
  ];
  const inertText = inert ? ` (${inert} of them ${inert === 1 ? 'grants' : 'grant'} nothing: ${why.join('; ')})` : '';
  if (!report.answered) lines.push(`${unansweredHeadline(report.errors)}. No answer to what ${who}${groups} holds.`);
  else lines.push(report.rules.length ? `${who}${groups} holds ${report.rules.length} rules${inertText}` : `${who}${groups} holds no rule`);
  for (const n of report.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}
