import { aksManagedReason } from './aks-managed.js';
import type { ExceptionConfig } from './config.js';
import type { InputNote } from './errors.js';
import type { Finding } from './finding.js';
import { globMatch } from './glob.js';
import { didYouMean } from './suggest.js';
import { asArray, asObj, asString, refKey, stringMap, type Resource } from './resource.js';
import { onEphemeralContainer, podOf } from './workload.js';

export const IGNORE_ANNOTATION = 'palisade.io/ignore';

export interface SuppressOptions {
  exceptions: readonly ExceptionConfig[];
  allowAnnotations: boolean;
  aksManaged: boolean;
  now: Date;
  /** Where the exceptions came from, to name in warnings. */
  configSource: string;
  /** Every rule id there is: exceptions and annotations that name none are warned about. */
  knownRules?: readonly string[];
  /** The objects of the input by kind and name, for owners a name does not tell (a Job made from a CronJob by hand). */
  owners?: OwnerLookup;
  /**
   * Rule id → the ids of the rules it supersedes, for every rule there is (not only those that run). An
   * exception or annotation naming one of two such rules covers the other's findings too: the engine keeps
   * one finding per field, and which rule it is depends on which rules run (`--framework`, `--skip-rule`).
   */
  supersedes?: ReadonlyMap<string, readonly string[]>;
  /**
   * The ids of the rules that run, with `supersedes`: a finding of a rule superseding one that ran is on a
   * field that one did not report (the engine would have dropped it), so an exception for that one does not
   * cover it. Without it, every rule is taken as not running.
   */
  running?: ReadonlySet<string>;
  /**
   * Every object of the scan, when the caller holds them all: an exception resource that matches none of
   * them, but would with its namespace written otherwise (`default/Deployment/web` for a manifest without
   * a namespace, whose key is `-/Deployment/web`), is warned about.
   */
  resources?: readonly Resource[];
}

/** Whether an exception has expired: `2027-01-31` means the end of that day (UTC), so it is valid through its expiry date. */
export function isExpired(ex: ExceptionConfig, now: Date): boolean {
  if (ex.expires === undefined) return false;
  const end = /^\d{4}-\d{2}-\d{2}$/.test(ex.expires) ? Date.parse(`${ex.expires}T23:59:59.999Z`) : Date.parse(ex.expires);
  return end < now.getTime();
}

/** Parses `rule-a,rule-b -- reason`; a rule entry may be a glob. */
export function parseIgnoreAnnotation(value: string): { rules: string[]; reason: string } {
  const [rulesPart = '', ...rest] = value.split('--');
  const reason = rest.join('--').trim();
  return {
    rules: rulesPart.split(',').map((s) => s.trim()).filter(Boolean),
    reason,
  };
}

/**
 * The characters of the suffix the API server appends to a `generateName` (five of them, no vowels, so
 * that it spells no word): how KEDA names the Jobs of a ScaledJob, `<scaledjob>-<suffix>`.
 */
const GENERATED_SUFFIX = /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

/** Finds an object of the input by kind, namespace (null for none) and name, when the caller holds them all. */
export type OwnerLookup = (kind: string, namespace: string | null, name: string) => Resource | undefined;

/** The controller owner reference of an object: the API server allows one. */
function controllerRef(resource: Resource): { kind: string; name: string } | undefined {
  const owner = asArray(asObj(resource.object.metadata)?.ownerReferences).map(asObj).find((o) => o?.controller === true);
  const kind = asString(owner?.kind);
  const name = asString(owner?.name);
  return kind && name ? { kind, name } : undefined;
}

/**
 * The controller of a ReplicaSet or Job as its name and the object's labels tell: a Deployment's
 * ReplicaSet is `<deployment>-<pod-template-hash>`, an Argo Rollout's `<rollout>-<rollouts-pod-template-hash>`
 * (both hashes are labels the Pods carry too); a CronJob's Job is `<cronjob>-<scheduled minute>`, a KEDA
 * ScaledJob's `<scaledjob>-<generated suffix>`. A Job named otherwise (`kubectl create job --from=cronjob/x
 * manual`) tells nothing by its name.
 */
function impliedControllers(kind: string, name: string, labels: Readonly<Record<string, string>>): Array<{ kind: string; name: string }> {
  const out: Array<{ kind: string; name: string }> = [];
  if (kind === 'ReplicaSet') {
    for (const [label, controller] of [['pod-template-hash', 'Deployment'], ['rollouts-pod-template-hash', 'Rollout']] as const) {
      const hash = labels[label];
      if (hash && name.endsWith(`-${hash}`)) out.push({ kind: controller, name: name.slice(0, -hash.length - 1) });
    }
  } else if (kind === 'Job') {
    const cron = /^(.+)-\d+$/.exec(name)?.[1];
    if (cron) out.push({ kind: 'CronJob', name: cron });
    const scaled = GENERATED_SUFFIX.exec(name)?.[1];
    if (scaled) out.push({ kind: 'ScaledJob', name: scaled });
  }
  return out;
}

/**
 * The `ns/Kind/name` keys of the controllers behind an object, as the object itself tells: its
 * controller owner reference, and from there the controller of that owner (see impliedControllers).
 * With `lookup`, an owner the input holds tells its own controller reference instead, which also covers
 * owners named in no telling way (a Job created from a CronJob by hand). An exception written for a
 * Deployment then covers its ReplicaSets and Pods, which the admission webhook sees one by one and a scan
 * of running objects may hold without their controller.
 */
export function controllerKeys(resource: Resource, lookup?: OwnerLookup): string[] {
  const owner = controllerRef(resource);
  if (!owner) return [];
  const ns = resource.namespace ?? '-';
  const held = lookup?.(owner.kind, resource.namespace, owner.name);
  const grand = held ? controllerRef(held) : undefined;
  const above = [...(grand ? [grand] : []), ...impliedControllers(owner.kind, owner.name, stringMap(asObj(resource.object.metadata)?.labels))];
  const keys = [owner, ...above].map((o) => `${ns}/${o.kind}/${o.name}`);
  return [...new Set(keys)];
}

/** One `palisade.io/ignore` annotation: the rules it names and its reason. */
export type IgnoreEntry = ReturnType<typeof parseIgnoreAnnotation>;

/**
 * `palisade.io/ignore` on the object (`own`) and on its pod template (`template`: where Helm's
 * podAnnotations put it, and what pods inherit; a Pod has none besides its own), parsed; each absent
 * without one.
 */
export function readIgnoreAnnotations(resource: Resource): { own?: IgnoreEntry; template?: IgnoreEntry } {
  const parsed = (metadata: unknown) => {
    const raw = asObj(asObj(metadata)?.annotations)?.[IGNORE_ANNOTATION];
    return typeof raw === 'string' ? parseIgnoreAnnotation(raw) : undefined;
  };
  const own = parsed(resource.object.metadata);
  const pod = podOf(resource);
  const template = pod && pod.metadata !== resource.object.metadata ? parsed(pod.metadata) : undefined;
  return { ...(own ? { own } : {}), ...(template ? { template } : {}) };
}

/** `palisade.io/ignore` on the object and on its pod template, the object's first; each keeps its own reason. */
function ignoreAnnotations(resource: Resource): IgnoreEntry[] {
  const { own, template } = readIgnoreAnnotations(resource);
  return [own, template].flatMap((entry) => (entry ? [entry] : []));
}

/**
 * Whether a resource glob can match some `namespace/Kind/name` key: three or more segments, none empty
 * (a kind may hold `/`, as ARM types do: `-/Microsoft.ContainerService/managedClusters/aks-prod`). `*`
 * matches any run of characters, `/` included, and `?` any one character, so `shop/*` can, and so can
 * `-/Microsoft.ContainerService/*`. Decided by running the glob through the automaton of such keys.
 */
export function canMatchResourceKey(glob: string): boolean {
  let states: ReadonlySet<number> = new Set([0]);
  for (const ch of glob) {
    states = ch === '*' ? reachableStates(states) : new Set([...states].flatMap((state) => keyStep(state, ch)));
    if (states.size === 0) return false;
  }
  return states.has(IN_LAST_SEGMENT);
}

// The automaton's states: 0 start, 1 in the namespace, 2 after its `/`, 3 in the kind, 4 after a later
// `/`, 5 in the last segment (a whole key). A `/` where a segment must start leads nowhere.
const IN_LAST_SEGMENT = 5;
const AFTER_CHAR: readonly number[] = [1, 1, 3, 3, 5, 5];
const AFTER_SLASH: ReadonlyArray<number | undefined> = [undefined, 2, undefined, 4, undefined, 4];

/** The states one character of a glob (not `*`) leads to; `?` is any character, `/` too. */
function keyStep(state: number, ch: string): number[] {
  const out: number[] = [];
  if (ch !== '/') out.push(AFTER_CHAR[state] as number);
  const slash = AFTER_SLASH[state];
  if ((ch === '/' || ch === '?') && slash !== undefined) out.push(slash);
  return out;
}

/** The states any run of characters, the empty one included, leads to: what `*` does. */
function reachableStates(from: ReadonlySet<number>): Set<number> {
  const seen = new Set(from);
  for (const state of seen) for (const next of keyStep(state, '?')) seen.add(next);
  return seen;
}

/** The keys an exception's resources are matched against for an object: its own, then its controllers'. */
function resourceKeys(resource: Resource, owners: OwnerLookup | undefined): string[] {
  return [refKey(resource), ...controllerKeys(resource, owners)];
}

/** How many keys a warning about a namespace written otherwise names. */
const NEAR_KEYS_SHOWN = 3;

/**
 * The warning for a resource glob that matches no object of the scan but would with its namespace written
 * otherwise: one of the two is `-`, which only an object without a namespace has. Undefined when it
 * matches some object, or none even so (an object of another input: a scan may read part of a repository).
 */
function namespaceMissNote(glob: string, keys: ReadonlyArray<readonly [lower: string, shown: string]>): string | undefined {
  const slash = glob.indexOf('/');
  if (slash === -1) return undefined;
  const namespace = glob.slice(0, slash);
  if (/[*?]/.test(namespace)) return undefined;
  const lower = glob.toLowerCase();
  const rest = lower.slice(slash + 1);
  const near: string[] = [];
  for (const [key, shown] of keys) {
    if (globMatch(lower, key)) return undefined;
    const keySlash = key.indexOf('/');
    if ((namespace === '-') !== (key.slice(0, keySlash) === '-') && globMatch(rest, key.slice(keySlash + 1))) near.push(shown);
  }
  if (near.length === 0) return undefined;
  const named = [...new Set(near)];
  const list = named.slice(0, NEAR_KEYS_SHOWN).join(', ') + (named.length > NEAR_KEYS_SHOWN ? ` and ${named.length - NEAR_KEYS_SHOWN} more` : '');
  const why = namespace === '-' ? '- matches only objects without a namespace' : 'an object of a manifest without a namespace is -/Kind/name';
  return `resource ${JSON.stringify(glob)} matches no object of the scan, which has ${list}: ${why} (*/Kind/name matches any namespace)`;
}

export interface Suppressor {
  /** Marks the findings one resource got; called with the resource they are about. */
  apply(resource: Resource, findings: readonly Finding[]): void;
  /** Expired exceptions, resources no object can have, annotations without a reason, annotations the config refuses. */
  readonly warnings: InputNote[];
}

/**
 * Marks findings that do not count: matched by a live exception in the config, by a
 * `palisade.io/ignore` annotation on the resource or its pod template, or (profile) on an AKS-managed
 * component. An exception or annotation naming a rule also covers the rules it supersedes or is
 * superseded by (see SuppressOptions.supersedes).
 * Suppressed findings stay in the report with their reason. Works per resource, on the object the
 * findings came from: two files may hold objects with the same name, and one's annotation must not
 * excuse the other.
 */
export function createSuppressor(opts: SuppressOptions): Suppressor {
  const warnings: InputNote[] = [];
  const live: ExceptionConfig[] = [];
  const namesNoRule = (glob: string) => opts.knownRules !== undefined && !opts.knownRules.some((id) => globMatch(glob, id));
  const related = standIns(opts.supersedes, opts.running);
  // Does a rule glob name the rule, or (asked again when it does not) a rule whose finding the rule's may stand for?
  const names = (glob: string, rule: string, viaRelated: boolean) => (viaRelated ? (related.get(rule) ?? []).some((id) => globMatch(glob, id)) : globMatch(glob, rule));
  const ignoreNames = (entry: IgnoreEntry, rule: string, viaRelated: boolean) => entry.rules.some((r) => names(r, rule, viaRelated));
  let scanKeys: Array<readonly [string, string]> | undefined;
  for (const ex of opts.exceptions) {
    // A typo in an exception must not pass unnoticed: it would never apply, and the finding would fail the gate.
    if (namesNoRule(ex.rule))
      warnings.push({ source: opts.configSource, message: `exception for ${ex.rule} names no rule, so it never applies (see palisade rules)${didYouMean(ex.rule, opts.knownRules ?? [])}` });
    const expired = isExpired(ex, opts.now);
    for (const g of ex.resources) {
      if (!canMatchResourceKey(g)) {
        warnings.push({ source: opts.configSource, message: `exception for ${ex.rule}: resource ${JSON.stringify(g)} is not namespace/Kind/name (use - for no namespace, * for any), so it matches nothing` });
      } else if (!expired && opts.resources) {
        scanKeys ??= opts.resources.flatMap((r) => resourceKeys(r, opts.owners).map((k) => [k.toLowerCase(), k] as const));
        const miss = namespaceMissNote(g, scanKeys);
        if (miss !== undefined) warnings.push({ source: opts.configSource, message: `exception for ${ex.rule}: ${miss}` });
      }
    }
    if (expired) {
      warnings.push({ source: opts.configSource, message: `exception for ${ex.rule} on ${ex.resources.join(', ')} expired on ${ex.expires} and no longer applies (reason was: ${ex.reason})` });
    } else live.push({ ...ex, resources: ex.resources.map((g) => g.toLowerCase()) });
  }
  return {
    warnings,
    apply(resource, findings) {
      if (findings.length === 0) return;
      const key = refKey(resource);
      // Kinds are written as kubectl accepts them too (`daemonset`, `DaemonSet`): resources match whatever the case.
      const keys = resourceKeys(resource, opts.owners).map((k) => k.toLowerCase());
      const ignores = ignoreAnnotations(resource);
      let warned = false;
      const warn = (message: string) => {
        if (!warned) warnings.push({ source: resource.source.file, line: resource.source.line, message });
        warned = true;
      };
      const covers = (e: ExceptionConfig, rule: string, viaRelated: boolean) => names(e.rule, rule, viaRelated) && e.resources.some((g) => keys.some((k) => globMatch(g, k)));
      let managed: string | undefined | null = null;
      let warnedRules = false;
      for (const f of findings) {
        const hasRelated = related.has(f.rule);
        // One naming the finding's own rule first: its reason is the one written for this finding.
        const ex = live.find((e) => covers(e, f.rule, false)) ?? (hasRelated ? live.find((e) => covers(e, f.rule, true)) : undefined);
        if (ex) {
          f.suppressed = { kind: 'exception', reason: ex.reason, ...(ex.expires !== undefined ? { expires: ex.expires } : {}) };
          continue;
        }
        if (ignores.length > 0 && !warnedRules) {
          warnedRules = true;
          const unknown = ignores.flatMap((e) => e.rules).filter(namesNoRule);
          if (unknown.length) warnings.push({ source: resource.source.file, line: resource.source.line, message: `${IGNORE_ANNOTATION} on ${key} names no rule: ${unknown.join(', ')}` });
        }
        const named = ignores.length === 0 ? ignores : ignores.filter((e) => ignoreNames(e, f.rule, false) || (hasRelated && ignoreNames(e, f.rule, true)));
        if (named.length > 0) {
          const entry = named.find((e) => e.reason !== '' && ignoreNames(e, f.rule, false)) ?? named.find((e) => e.reason !== '');
          if (!opts.allowAnnotations) warn(`${IGNORE_ANNOTATION} on ${key} ignored: the config does not allow annotation exemptions`);
          // A reason is what a reviewer reads in the diff: without one the annotation is a silent pass.
          else if (!entry) warn(`${IGNORE_ANNOTATION} on ${key} gives no reason, so it does not apply (write "rule-id -- reason")`);
          else {
            f.suppressed = { kind: 'annotation', reason: entry.reason };
            continue;
          }
        }
        if (opts.aksManaged && !onEphemeralContainer(f.field)) {
          if (managed === null) managed = aksManagedReason(resource);
          if (managed) f.suppressed = { kind: 'provider-managed', reason: managed };
        }
      }
    },
  };
}

/**
 * Rule id → the rules whose finding on a field one of its findings may stand for: the rules one step of
 * superseding away, either way, that do not run (`--framework`, `--skip-rule`), whose finding on that field
 * then comes out under this rule's id. A rule that runs made its own findings, and its exceptions cover
 * those alone, as the webhook and the admission policies apply them. Not further than one step: the rules
 * superseding `rbac/cluster-admin-bound` are not each other's, and an exception for one must not cover
 * the others.
 */
function standIns(supersedes: ReadonlyMap<string, readonly string[]> | undefined, running: ReadonlySet<string> | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (from: string, to: string) => {
    const list = out.get(from);
    if (!list) out.set(from, [to]);
    else if (!list.includes(to)) list.push(to);
  };
  for (const [rule, replaced] of supersedes ?? []) {
    for (const other of replaced) {
      if (!running?.has(rule)) add(other, rule);
      if (!running?.has(other)) add(rule, other);
    }
  }
  return out;
}
