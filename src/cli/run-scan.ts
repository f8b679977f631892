import { readFile } from 'node:fs/promises';
import { applyBaseline, baselineCounts, baselineFindings } from '../core/baseline.js';
import type { PalisadeConfig } from '../core/config.js';
import { evaluate } from '../core/engine.js';
import { describeFsError, errorMessage, UsageError, type InputError, type InputNote } from '../core/errors.js';
import { isActive, type Finding } from '../core/finding.js';
import { matchesFramework, type FrameworkFilter } from '../core/frameworks.js';
import { resolve, sep } from 'node:path';
import { Inventory } from '../core/inventory.js';
import { REPORT_SCHEMA, sortFindings, summarize, type Report } from '../core/report.js';
import { refKey, type Resource } from '../core/resource.js';
import { onEphemeralContainer, unreadPodSpecPath } from '../core/workload.js';
import { RULES } from '../rules/index.js';
import { judgesOneObject, type Rule } from '../core/rule.js';
import { atLeast, type Severity } from '../core/severity.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../core/settings.js';
import { createSuppressor } from '../core/suppress.js';
import { excusingHostNetworkPorts } from '../rules/workload/lib/host-network-ports.js';
import { VERSION } from '../core/version.js';
import { ingestPaths, type IngestOptions } from '../ingest/files.js';
import { unreadKindOf } from '../ingest/kube.js';
import { foldedNote, foldIntoControllers, isEphemeralView } from '../ingest/kube-owners.js';
import { jsonSyntaxText } from '../core/json-error.js';
import { withoutBom } from '../core/bom.js';
import { locateFindings } from '../ingest/locate-findings.js';
import { markFindingsOnPaths, PATH_RULE_IDS } from '../analyses/paths/index.js';
import { findAttackPaths } from './paths.js';

export interface ScanOptions {
  paths: readonly string[];
  rules: readonly Rule[];
  config: PalisadeConfig;
  configSource: string;
  failOn: Severity | 'none';
  baselineFile?: string;
  settings?: Partial<RuleSettings>;
  now?: Date;
  readStdin?: IngestOptions['readStdin'];
  /** Terraform variables files (`--var-file`) for the `.tf` modules read. */
  terraformVariablesFiles?: readonly string[];
  /** Terraform `--var NAME=VALUE`s for the same modules, each after the files written before it. */
  terraformAssignments?: IngestOptions['terraformAssignments'];
  onFile?: IngestOptions['onFile'];
  /** Resources read from elsewhere than paths (live AKS clusters), scanned with the files. */
  extraResources?: readonly Resource[];
  /** Problems met reading `extraResources`, reported with the files' errors. */
  extraErrors?: readonly InputError[];
  /**
   * Display names of principals the resources name by opaque ids, from outside the inputs (a names
   * file, a directory lookup); given the resources read, so that a lookup asks only for their ids.
   */
  displayNames?: (resources: readonly Resource[]) => Promise<ReadonlyMap<string, string>>;
  /** Notes about `extraResources` (what a live read left out), reported with the files' notes. */
  extraNotes?: readonly InputNote[];
  /**
   * Resources derived from what was read, before the rules run: `--images` scans the images the
   * workloads name and adds them as ContainerImage resources.
   */
  augment?: (resources: readonly Resource[]) => Promise<{ resources: Resource[]; errors: InputError[]; notes: InputNote[] }>;
  /**
   * Notes about what the scan's inventory holds, once it is built (`rbac risky`: the bindings whose role
   * is not in the input), reported after the other notes.
   */
  inventoryNotes?: (inventory: Inventory) => InputNote[];
  /** Put the attack paths in the report and mark the findings on them (`evidence.onPaths`). */
  attackPaths?: boolean;
  /** Report only the findings that make a step of some attack path possible. */
  onlyOnPaths?: boolean;
  /**
   * `--framework`: besides choosing the rules, keeps only the findings whose own cross-references
   * match. A rule can narrow its references per finding (NET_RAW is no container escape, so its
   * finding has no MITRE technique): a finding listed under a framework must belong to it.
   */
  framework?: FrameworkFilter;
}

export interface ScanOutcome {
  report: Report;
  exitCode: 0 | 1 | 2;
  /** Things the user should see on stderr (expired exceptions, ...). */
  warnings: InputNote[];
  /** The gate the exit code followed. */
  failOn: Severity | 'none';
}

/** The whole `palisade scan` pipeline: ingest → inventory → rules → suppressions → baseline → report. */
export async function runScan(opts: ScanOptions): Promise<ScanOutcome> {
  const now = opts.now ?? new Date();
  let previous;
  if (opts.baselineFile !== undefined) {
    let text: string;
    try {
      text = await readFile(opts.baselineFile, 'utf8');
    } catch (e) {
      throw new UsageError(`baseline ${opts.baselineFile}: cannot read: ${describeFsError(e)}`);
    }
    let parsed: unknown;
    // PowerShell's `>` writes UTF-16, its Out-File a byte-order mark: name the first, skip the second.
    if (text.charCodeAt(1) === 0 || text.startsWith('\uFFFD\uFFFD')) throw new UsageError(`baseline ${opts.baselineFile}: UTF-16 text refused: save the report as UTF-8`);
    text = withoutBom(text);
    try {
      parsed = JSON.parse(text);
    } catch {
      // V8's message quotes the text around the error; a report's findings may name secrets' keys.
      throw new UsageError(`baseline ${opts.baselineFile}: invalid JSON at ${jsonSyntaxText(text)}`);
    }
    try {
      previous = baselineFindings(parsed);
    } catch (e) {
      throw new UsageError(`baseline ${opts.baselineFile}: ${errorMessage(e)}`);
    }
  }
  const ruleIds: ReadonlySet<string> = new Set(opts.rules.map((r) => r.meta.id));
  const analysed = await analyse(opts, now, ruleIds);
  const { errors, notes, warnings, resources, texts, paths, undecided } = analysed;
  let { findings } = analysed;
  if (paths) markFindingsOnPaths(findings, paths);
  const { framework } = opts;
  // After the paths, which read every finding of the rules they follow whatever its references.
  const inFramework = (f: Finding) => framework === undefined || matchesFramework(f.frameworks ?? [], framework);
  if (framework !== undefined) findings = findings.filter(inFramework);
  await locateFindings(findings, texts);
  sortFindings(findings);
  // Absolute, so that `k8s` and `/repo/k8s` are the same scan whichever form each run was given.
  const scanned = opts.paths.map(absolute);
  // Live clusters are named by their resource id in `location.file`.
  const liveSources = new Set((opts.extraResources ?? []).map((r) => r.source.file));
  const unread = unreadInputs(errors);
  // A previous finding is fixed only if this scan could have found it again: its rule ran and decided,
  // and its input was scanned and read whole. A broken document hides the findings of its file; and
  // what a rule that reads other objects says anywhere may change with the objects that were not read
  // (a namespace is open only while it holds a workload).
  // A finding on a module another calls came from the root module that calls it (evidence.rootModule).
  const inputOf = (f: Finding) => (typeof f.evidence.rootModule === 'string' ? f.evidence.rootModule : (f.location?.file ?? ''));
  const inScope = (f: Finding) =>
    ruleIds.has(f.rule) &&
    !undecided.includes(f.rule) &&
    inFramework(f) &&
    f.location !== undefined &&
    (liveSources.has(f.location.file) || scanned.some((p) => isWithin(absolute(inputOf(f)), p))) &&
    (errors.length === 0 || (JUDGED_ALONE.has(f.rule) && !unread(f)));
  // Matched before --only-on-paths narrows the list: a finding it leaves out is still there, not fixed.
  const matched = previous && opts.baselineFile !== undefined ? applyBaseline(findings, previous, opts.baselineFile, inScope) : undefined;
  if (opts.onlyOnPaths) findings = findings.filter((f) => f.evidence.onPaths !== undefined);
  const baseline = matched && { ...matched, ...baselineCounts(findings) };
  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'palisade', version: VERSION },
    generatedAt: now.toISOString(),
    summary: summarize(findings, resources),
    findings,
    errors,
    notes: [...notes, ...warnings],
    ...(baseline ? { baseline } : {}),
    ...(paths ? { paths } : {}),
  };
  return { report, exitCode: exitCodeFor(report, opts.failOn), warnings, failOn: opts.failOn };
}

/**
 * Ingest, rules and suppressions. Kept apart so that the resources and the inventory are garbage
 * once it returns: on a large estate they are half the heap, and the report is built without them.
 */
async function analyse(opts: ScanOptions, now: Date, ruleIds: ReadonlySet<string>) {
  const limits = Object.fromEntries(Object.entries(opts.config.limits).filter(([, v]) => v !== undefined));
  const ingest = await ingestPaths(opts.paths, {
    limits,
    ...(opts.readStdin ? { readStdin: opts.readStdin } : {}),
    ...(opts.onFile ? { onFile: opts.onFile } : {}),
    ...(opts.terraformVariablesFiles ? { terraformVariablesFiles: opts.terraformVariablesFiles } : {}),
    ...(opts.terraformAssignments ? { terraformAssignments: opts.terraformAssignments } : {}),
  });
  // An export (`kubectl get all -o yaml`) holds a Deployment beside its ReplicaSets and Pods: as in a live
  // read, what a controller in the input manages is checked through it, one finding per template.
  const { kept, folded } = foldIntoControllers(ingest.resources);
  const foldNote = foldedNote(folded);
  const fileNotes: InputNote[] = foldNote === undefined ? [] : [{ source: opts.paths.join(', ') || '-', message: foldNote }];
  const given = opts.extraResources?.length ? [...kept, ...opts.extraResources] : kept;
  const unreadNote = unreadPodTemplatesNote(given);
  if (unreadNote !== undefined) fileNotes.push({ source: opts.paths.join(', ') || '-', message: unreadNote });
  const added = opts.augment ? await opts.augment(given) : undefined;
  const resources = added?.resources.length ? [...given, ...added.resources] : given;
  const displayNames = opts.displayNames ? await opts.displayNames(resources) : undefined;
  const inventory = new Inventory(resources, displayNames ? { displayNames } : {});
  const inventoryNotes = opts.inventoryNotes?.(inventory) ?? [];
  const settings: RuleSettings = {
    ...DEFAULT_SETTINGS,
    ...Object.fromEntries(Object.entries(opts.config.settings).filter(([, v]) => v !== undefined)),
    ...opts.settings,
  };
  const suppressor = createSuppressor({
    exceptions: opts.config.exceptions,
    allowAnnotations: opts.config.annotations.allowIgnore,
    aksManaged: opts.config.profiles.aksManaged,
    now,
    configSource: opts.configSource,
    knownRules: RULE_IDS,
    owners: (kind, namespace, name) => inventory.get(kind, namespace, name),
    supersedes: RULE_SUPERSEDES,
    running: ruleIds,
    resources,
  });
  const evaluated = evaluate(opts.rules, inventory, settings, excusingHostNetworkPorts(suppressor));
  const unread = new Set((opts.extraErrors ?? []).flatMap((e) => unreadKindOf(e) ?? []));
  const undecided = unread.has('NetworkPolicy') ? NETWORK_POLICY_RULES.filter((id) => opts.rules.some((r) => r.meta.id === id)) : [];
  const findings = ephemeralFindingsOnly(evaluated.findings, resources).filter((f) => !undecided.includes(f.rule));
  for (const f of findings) if (f.verify !== undefined && f.location?.file.startsWith(LIVE_SOURCE)) f.verify = withContext(f.verify, f.location.file.slice(LIVE_SOURCE.length));
  const ruleErrors = evaluated.errors;
  const warnings = [...suppressor.warnings];
  // Without the NetworkPolicies every namespace looks open: what the rules would say is a guess, not a finding.
  if (undecided.length)
    warnings.push({
      source: 'NetworkPolicy',
      message: `the cluster's NetworkPolicies could not be read, so ${undecided.join(', ')} were not decided (attack paths take every namespace as open)`,
    });
  // A gate that read nothing passes: say so, so that a path or a pipe that went wrong is noticed.
  if (resources.length === 0 && ingest.errors.length === 0) {
    const inputs = opts.paths.length ? opts.paths.join(', ') : 'the live sources';
    const read = opts.paths.length ? `${ingest.files} ${ingest.files === 1 ? 'file' : 'files'} read` : 'the live sources were read';
    warnings.push({ source: inputs, message: `no Kubernetes objects or Azure settings found (${read}): nothing was checked` });
  }
  // The scan's findings serve the paths when every rule the paths read ran (suppressed ones too: an accepted risk is still a way in).
  const reuse = PATH_RULE_IDS.every((id) => ruleIds.has(id)) ? findings : undefined;
  const paths = opts.attackPaths || opts.onlyOnPaths ? findAttackPaths(inventory, settings, undefined, reuse, { aksManaged: opts.config.profiles.aksManaged }).paths : undefined;
  return {
    findings,
    errors: [...ingest.errors, ...(opts.extraErrors ?? []), ...(added?.errors ?? []), ...ruleErrors],
    notes: [...ingest.notes, ...fileNotes, ...(opts.extraNotes ?? []), ...(added?.notes ?? []), ...inventoryNotes],
    warnings,
    resources: resources.length,
    texts: ingest.texts,
    paths,
    undecided,
  };
}

const RULE_IDS = RULES.map((r) => r.meta.id);
/** Which rules each rule takes a finding over from: an exception naming one covers the other's finding there. */
const RULE_SUPERSEDES: ReadonlyMap<string, readonly string[]> = new Map(RULES.map((r) => [r.meta.id, r.supersedes ?? []]));

/** How many objects the note about unread pod templates names before it counts the rest. */
const UNREAD_NAMED = 10;

/**
 * `2 objects of kinds Palisade does not read carry a pod template (spec.template.spec.containers) and were
 * not checked: EphemeralRunnerSet.actions.github.com/x, ...`: an operator's kind that runs containers gets no finding, which
 * must not read as a clean result. Undefined when there is none.
 */
function unreadPodTemplatesNote(resources: readonly Resource[]): string | undefined {
  const unread = resources.flatMap((r) => {
    const path = unreadPodSpecPath(r);
    // With its API group: Knative's Service is not the core Service, which is read.
    const group = r.apiVersion.includes('/') ? `.${r.apiVersion.slice(0, r.apiVersion.indexOf('/'))}` : '';
    return path === undefined ? [] : [{ name: `${r.kind}${group}/${r.name}`, path: `${path}.containers` }];
  });
  if (unread.length === 0) return undefined;
  const paths = [...new Set(unread.map((u) => u.path))];
  const named = unread.slice(0, UNREAD_NAMED).map((u) => u.name);
  const more = unread.length > UNREAD_NAMED ? `, and ${unread.length - UNREAD_NAMED} more` : '';
  const one = unread.length === 1;
  return (
    `${unread.length} ${one ? 'object' : 'objects'} of kinds Palisade does not read ${one ? 'carries' : 'carry'} a pod template ` +
    `(${paths.slice(0, 3).join(' / ')}${paths.length > 3 ? ' / ...' : ''}) and ${one ? 'was' : 'were'} not checked: ${named.join(', ')}${more}`
  );
}

/** Rules that judge what NetworkPolicies leave open: undecidable when the cluster's policies were not read. */
const NETWORK_POLICY_RULES = [
  'network/namespace-without-default-deny-ingress',
  'network/namespace-without-default-deny-egress',
  'network/reachable-from-all-namespaces',
  'network/reachable-from-internet',
  'network/unrestricted-egress-to-internet',
];

/** What a live read names its objects' file: `cluster:<context>`. */
const LIVE_SOURCE = 'cluster:';

/**
 * A verify command for an object read from a cluster asks that cluster: the current context may be
 * another one by the time someone runs it. Every kubectl the command starts gets `--context`.
 */
function withContext(verify: string, context: string): string {
  const quoted = /^[\w.:@/-]+$/.test(context) ? context : `'${context.replace(/'/g, `'\\''`)}'`;
  return verify.replace(/(^|[|;&(]\s*|\$\(\s*)kubectl /g, `$1kubectl --context ${quoted} `);
}

/** Pods kept beside their controller for their ephemeral containers speak for those alone; the rest is the controller's. */
function ephemeralFindingsOnly(findings: Finding[], resources: readonly Resource[]): Finding[] {
  const views = new Set<string>();
  for (const r of resources) if (isEphemeralView(r)) views.add(refKey(r));
  if (views.size === 0) return findings;
  return findings.filter((f) => !views.has(refKey(f.resource)) || onEphemeralContainer(f.field));
}

/** A path as the scans compare them: absolute, except standard input. */
function absolute(path: string): string {
  return path === '-' ? path : resolve(path);
}

/** Whether an input error names where a finding was: its file (a broken document, an unreadable file), a directory above it, a live source. */
function unreadInputs(errors: readonly InputError[]): (f: Finding) => boolean {
  const sources = errors.map((e) => absolute(e.source));
  return (f) => f.location !== undefined && sources.some((source) => isWithin(absolute(f.location?.file ?? ''), source));
}

/**
 * The rules that judge one workload object on its own, with nothing else read (what an admission
 * webhook can run): where a file could not be read whole, only theirs can be said to be fixed elsewhere.
 */
const JUDGED_ALONE: ReadonlySet<string> = new Set(RULES.filter(judgesOneObject).map((r) => r.meta.id));


/** Is `file` the path `scanned`, or below it (`.` covers every relative path)? */
function isWithin(file: string, scanned: string): boolean {
  if (file === scanned) return true;
  return file.startsWith(scanned.endsWith(sep) ? scanned : `${scanned}${sep}`);
}

/** 2 when an input could not be read; else 1 when an active (and, with a baseline, new) finding reaches --fail-on. */
export function exitCodeFor(report: Report, failOn: Severity | 'none'): 0 | 1 | 2 {
  if (report.errors.length > 0) return 2;
  if (failOn === 'none') return 0;
  const failing = report.findings.some((f) => isActive(f) && f.baseline !== 'existing' && atLeast(f.severity, failOn));
  return failing ? 1 : 0;
}
