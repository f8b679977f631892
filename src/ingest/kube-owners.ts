import { isDeepStrictEqual } from 'node:util';
import { asArray, asObj, asString, isObj, type Resource } from '../core/resource.js';

/**
 * The controllers whose pod template an object of this kind repeats. A running Pod is its ReplicaSet's
 * template filled in, a ReplicaSet its Deployment's, a Job its CronJob's: checked on both sides, one
 * thing to fix shows up as two to four findings.
 */
const FOLDED_INTO: Readonly<Record<string, ReadonlySet<string>>> = {
  ReplicaSet: new Set(['Deployment', 'Rollout']),
  Pod: new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController']),
  Job: new Set(['CronJob', 'ScaledJob']),
};

export interface FoldedRead {
  /** The objects checked for themselves, in the order read. */
  kept: Resource[];
  /** How many objects of each kind were left to their controllers. */
  folded: Map<string, number>;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function placeKey(kind: string, namespace: string | null, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** The kinds whose objects may be left to a controller of another kind, and the kinds that may be such a controller. */
export const FOLDED_KINDS: ReadonlySet<string> = new Set(Object.keys(FOLDED_INTO));
export const CONTROLLER_KINDS: ReadonlySet<string> = new Set(Object.values(FOLDED_INTO).flatMap((s) => [...s]));

/** The controllers of objects of this kind (none for a kind never left to one). */
export function controllerKindsOf(kind: string): ReadonlySet<string> {
  return FOLDED_INTO[kind] ?? new Set();
}

/** What an owner reference is matched against: the owner's kind, place and API version, not the object itself. */
interface OwnerEntry {
  kind: string;
  namespace: string | null;
  apiVersion: string;
  /**
   * A Deployment's (or Rollout's) pod template, the object itself (kept among the resources read
   * anyway): its ReplicaSets that run another one are old revisions.
   */
  template?: unknown;
}

/** Kinds whose ReplicaSets carry their pod template, with `pod-template-hash` added to its labels. */
const TEMPLATE_OWNERS = new Set(['Deployment', 'Rollout']);
const TEMPLATE_HASH_LABELS = ['pod-template-hash', 'rollouts-pod-template-hash'];

/** A pod template without the labels a ReplicaSet's controller adds to it. */
function withoutHashLabels(template: unknown): unknown {
  const t = asObj(template);
  if (!t) return undefined;
  const meta = asObj(t.metadata) ?? {};
  const labels = { ...(asObj(meta.labels) ?? {}) };
  for (const l of TEMPLATE_HASH_LABELS) delete labels[l];
  return { ...t, metadata: { ...meta, labels } };
}

/**
 * The objects read that may control others, by uid and by place, kept as a few strings each so that
 * the objects themselves need not stay in memory. `controlledByRead` tells whether an object is left to
 * one of them.
 */
export class OwnerIndex {
  private readonly byUid = new Map<string, OwnerEntry>();
  private readonly byPlace = new Map<string, OwnerEntry>();

  add(r: Resource): void {
    const template = TEMPLATE_OWNERS.has(r.kind) ? asObj(r.object.spec)?.template : undefined;
    const entry: OwnerEntry = { kind: r.kind, namespace: r.namespace, apiVersion: r.apiVersion, ...(template !== undefined ? { template } : {}) };
    const uid = asString(asObj(r.object.metadata)?.uid);
    if (uid) this.byUid.set(uid, entry);
    this.byPlace.set(placeKey(r.kind, r.namespace, r.name), entry);
  }

  /** Adds what another index holds (a list's owners, once the whole list was read). */
  merge(other: OwnerIndex): void {
    for (const [uid, entry] of other.byUid) this.byUid.set(uid, entry);
    for (const [place, entry] of other.byPlace) this.byPlace.set(place, entry);
  }

  controlledByRead(r: Resource): boolean {
    return this.controllerOf(r) !== undefined;
  }

  /**
   * A ReplicaSet that still runs pods of a template its Deployment no longer has (a rollout stuck or
   * paused half-way, an old revision scaled up by hand): the Deployment cannot speak for those pods.
   */
  runsOldTemplate(r: Resource): boolean {
    if (r.kind !== 'ReplicaSet') return false;
    const spec = asObj(r.object.spec);
    const replicas = spec?.replicas ?? 1;
    if (typeof replicas !== 'number' || replicas <= 0) return false;
    const mine = withoutHashLabels(spec?.template);
    const theirs = withoutHashLabels(this.controllerOf(r)?.template);
    // Key order is not a change: the deep equality compares own keys whatever their order.
    return mine !== undefined && theirs !== undefined && !isDeepStrictEqual(mine, theirs);
  }

  private controllerOf(r: Resource): OwnerEntry | undefined {
    const controllers = FOLDED_INTO[r.kind];
    if (!controllers) return undefined;
    const owners = asObj(r.object.metadata)?.ownerReferences;
    if (!Array.isArray(owners)) return undefined;
    for (const o of owners) {
      if (!isObj(o) || o.controller !== true) continue;
      const uid = asString(o.uid);
      if (uid) {
        const owner = this.byUid.get(uid);
        if (owner !== undefined && controllers.has(owner.kind) && owner.namespace === r.namespace) return owner;
        continue;
      }
      const kind = asString(o.kind);
      const name = asString(o.name);
      if (!kind || !name || !controllers.has(kind)) continue;
      const owner = this.byPlace.get(placeKey(kind, r.namespace, name));
      // A kind name is not unique across API groups (Volcano's batch.volcano.sh Job is not batch's).
      const apiVersion = asString(o.apiVersion);
      if (owner !== undefined && (apiVersion === undefined || groupOf(apiVersion) === groupOf(owner.apiVersion))) return owner;
    }
    return undefined;
  }
}

/**
 * Leaves out the objects a controller that was read manages: ReplicaSets of a Deployment, Pods of a
 * ReplicaSet, StatefulSet, DaemonSet, Job or ReplicationController, Jobs of a CronJob. An owner is the
 * `ownerReferences` entry with `controller: true`, found by uid when it has one (a uid names one object;
 * a name may since have been given to another), else by kind, API group and name in the object's
 * namespace. An owner being read is enough, even one itself left out (a Pod's ReplicaSet under a
 * Deployment): the chain still ends at an object that is checked. Whatever has no owner, or an owner
 * that was not read (a refused list, another namespace, a kind of an operator the input does not hold),
 * is kept: it is the only view of its workload. The live reader does the same list by list as the
 * pages arrive (`OwnerIndex`); this is the same decision over objects already read.
 */
export function foldIntoControllers(resources: readonly Resource[]): FoldedRead {
  const index = new OwnerIndex();
  for (const r of resources) index.add(r);
  const kept: Resource[] = [];
  const folded = new Map<string, number>();
  for (const r of resources) {
    if (index.controlledByRead(r) && !index.runsOldTemplate(r)) {
      folded.set(r.kind, (folded.get(r.kind) ?? 0) + 1);
      if (keptForEphemeralContainers(r)) kept.push(r);
    } else kept.push(r);
  }
  return { kept, folded };
}

const EPHEMERAL_VIEWS = new WeakSet<Resource>();

/**
 * A Pod left to its controller is still kept when it has ephemeral containers (`kubectl debug`): they
 * exist on the Pod alone, never in the template, so the controller cannot speak for them. Such a Pod
 * is marked: only findings about its ephemeral containers count (`ephemeralView`), the rest are its
 * controller's.
 */
export function keptForEphemeralContainers(r: Resource): boolean {
  if (r.kind !== 'Pod' || asArray(asObj(r.object.spec)?.ephemeralContainers).length === 0) return false;
  EPHEMERAL_VIEWS.add(r);
  return true;
}

/** Whether the object was kept for its ephemeral containers alone (see keptForEphemeralContainers). */
export function isEphemeralView(r: Resource): boolean {
  return EPHEMERAL_VIEWS.has(r);
}



function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `3 Pods and 1 Job are checked through their controllers`; undefined when none was left out. */
export function foldedNote(folded: ReadonlyMap<string, number>): string | undefined {
  const pods = folded.get('Pod') ?? 0;
  const jobs = folded.get('Job') ?? 0;
  const parts = [...(pods ? [count(pods, 'Pod')] : []), ...(jobs ? [count(jobs, 'Job')] : [])];
  if (parts.length === 0) return undefined;
  const one = pods + jobs === 1;
  return `${parts.join(' and ')} ${one ? 'is' : 'are'} checked through ${one ? 'its controller' : 'their controllers'}`;
}
