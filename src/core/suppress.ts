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

/** `palisade.io/ignore` on the object, else on its pod template (where Helm's podAnnotations put it, and what pods inherit). */
function ignoreAnnotation(resource: Resource): string | undefined {
  const own = asObj(asObj(resource.object.metadata)?.annotations)?.[IGNORE_ANNOTATION];
  if (typeof own === 'string') return own;
  const pod = podOf(resource);
  const template = pod && pod.metadata !== resource.object.metadata ? pod.metadata.annotations : undefined;
  const raw = asObj(template)?.[IGNORE_ANNOTATION];
  return typeof raw === 'string' ? raw : undefined;
}

export interface Suppressor {
  /** Marks the findings one resource got; called with the resource they are about. */
  apply(resource: Resource, findings: readonly Finding[]): void;
  /** Expired exceptions, annotations without a reason, annotations the config refuses. */
  readonly warnings: InputNote[];
}

/**
 * Marks findings that do not count: matched by a live exception in the config, by a
 * `palisade.io/ignore` annotation on the resource, or (profile) on an AKS-managed component.
 * Suppressed findings stay in the report with their reason. Works per resource, on the object the
 * findings came from: two files may hold objects with the same name, and one's annotation must not
 * excuse the other.
 */
export function createSuppressor(opts: SuppressOptions): Suppressor {
  const warnings: InputNote[] = [];
  const live: ExceptionConfig[] = [];
  const namesNoRule = (glob: string) => opts.knownRules !== undefined && !opts.knownRules.some((id) => globMatch(glob, id));
  for (const ex of opts.exceptions) {
    // A typo in an exception must not pass unnoticed: it would never apply, and the finding would fail the gate.
    if (namesNoRule(ex.rule))
      warnings.push({ source: opts.configSource, message: `exception for ${ex.rule} names no rule, so it never applies (see palisade rules)${didYouMean(ex.rule, opts.knownRules ?? [])}` });
    for (const g of ex.resources) {
      if (g.split('/').length !== 3) warnings.push({ source: opts.configSource, message: `exception for ${ex.rule}: resource ${JSON.stringify(g)} is not namespace/Kind/name (use - for no namespace, * for any), so it matches nothing` });
    }
    if (isExpired(ex, opts.now)) {
      warnings.push({ source: opts.configSource, message: `exception for ${ex.rule} on ${ex.resources.join(', ')} expired on ${ex.expires} and no longer applies (reason was: ${ex.reason})` });
    } else live.push({ ...ex, resources: ex.resources.map((g) => g.toLowerCase()) });
  }
  return {
    warnings,
    apply(resource, findings) {
      if (findings.length === 0) return;
      const key = refKey(resource);
      // Kinds are written as kubectl accepts them too (`daemonset`, `DaemonSet`): resources match whatever the case.
      const keys = [key, ...controllerKeys(resource, opts.owners)].map((k) => k.toLowerCase());
      const annotation = ignoreAnnotation(resource);
      const ignore = annotation !== undefined ? parseIgnoreAnnotation(annotation) : undefined;
      let warned = false;
      const warn = (message: string) => {
        if (!warned) warnings.push({ source: resource.source.file, line: resource.source.line, message });
        warned = true;
      };
      let managed: string | undefined | null = null;
      let warnedRules = false;
      for (const f of findings) {
        const ex = live.find((e) => globMatch(e.rule, f.rule) && e.resources.some((g) => keys.some((k) => globMatch(g, k))));
        if (ex) {
          f.suppressed = { kind: 'exception', reason: ex.reason, ...(ex.expires !== undefined ? { expires: ex.expires } : {}) };
          continue;
        }
        if (ignore && !warnedRules) {
          warnedRules = true;
          const unknown = ignore.rules.filter(namesNoRule);
          if (unknown.length) warnings.push({ source: resource.source.file, line: resource.source.line, message: `${IGNORE_ANNOTATION} on ${key} names no rule: ${unknown.join(', ')}` });
        }
        if (ignore && ignore.rules.some((r) => globMatch(r, f.rule))) {
          if (!opts.allowAnnotations) warn(`${IGNORE_ANNOTATION} on ${key} ignored: the config does not allow annotation exemptions`);
          // A reason is what a reviewer reads in the diff: without one the annotation is a silent pass.
          else if (!ignore.reason) warn(`${IGNORE_ANNOTATION} on ${key} gives no reason, so it does not apply (write "rule-id -- reason")`);
          else {
            f.suppressed = { kind: 'annotation', reason: ignore.reason };
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
