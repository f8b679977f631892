import { selectorMatches, type Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, isObj, stringMap, type Obj, type Resource } from '../../core/resource.js';
import { controllerKeysSelected, runningLabelSets } from './controller-labels.js';
import { isProtocol, type Protocol } from './ports.js';
import { namespaceOf } from './policy.js';

/** A container port that has a name, as a NetworkPolicy can name it. */
export interface ContainerPortName {
  name: string;
  port: number;
  protocol: Protocol;
}

/**
 * Pods that no policy can tell apart: one namespace, one label set, one list of named ports. Policies
 * are evaluated per group, so the cost follows the number of groups, not of pods.
 */
export interface PodGroup {
  id: number;
  namespace: string;
  labels: Record<string, string>;
  /** The named container ports in the order the pod declares them (the first of a name wins). */
  namedPorts: readonly ContainerPortName[];
  /** Equal for groups whose named ports resolve alike. */
  portsKey: string;
  workloads: Workload[];
}

/**
 * A workload: the pods of one controller, or one bare Pod. This is the peer of the connection
 * list, written `namespace/name[Kind]`.
 */
export interface Workload {
  type: 'workload';
  namespace: string;
  name: string;
  kind: string;
  /** `namespace/name[Kind]`. */
  label: string;
  /** The objects it was read from (the controller, or the Pods that name it as their owner). */
  resources: Resource[];
  groups: PodGroup[];
}

/** `hostNetwork: true`: the pod uses the node's network stack, where NetworkPolicies do not apply. */
export function usesHostNetwork(spec: Obj): boolean {
  return spec.hostNetwork === true;
}

function controllerRef(r: Resource): Obj | undefined {
  for (const o of asArray(asObj(r.object.metadata)?.ownerReferences)) if (isObj(o) && o.controller === true) return o;
  return undefined;
}

function placeKey(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}

/** Named ports of the pod's containers (init containers serve no traffic once the pod runs). */
function namedPortsOf(spec: Obj): ContainerPortName[] {
  const out: ContainerPortName[] = [];
  // Made on the first named port: most pods have none.
  let seen: Set<string> | undefined;
  for (const c of asArray(spec.containers)) {
    for (const p of asArray(asObj(c)?.ports)) {
      const port = asObj(p);
      const name = asString(port?.name);
      const number = port?.containerPort;
      if (!port || !name || seen?.has(name) || typeof number !== 'number') continue;
      const protocol = port.protocol ?? 'TCP';
      if (!isProtocol(protocol)) continue;
      (seen ??= new Set()).add(name);
      out.push({ name, port: number, protocol });
    }
  }
  return out;
}

function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

/**
 * Every workload of the inventory with its pod groups. A pod-bearing object whose controller (its
 * `ownerReferences` entry with `controller: true`) is in the inventory too joins that controller,
 * whose template speaks for it: a ReplicaSet its Deployment, a Job its CronJob, a Pod its
 * ReplicaSet. A Pod whose controller is not in the inventory is shown as that controller (its direct
 * owner: a Pod of a ReplicaSet is `ns/name-hash[ReplicaSet]`); a Pod without one, or owned by a
 * Node (a static pod), is its own workload.
 */
export function collectWorkloads(inventory: Inventory): { workloads: Workload[]; groups: PodGroup[] } {
  const views = [...inventory.podTemplates()];
  const byUid = new Map<string, Resource>();
  const byPlace = new Map<string, Resource>();
  for (const v of views) {
    const r = v.resource;
    const uid = asString(asObj(r.object.metadata)?.uid);
    if (uid) byUid.set(uid, r);
    byPlace.set(placeKey(r.kind, namespaceOf(r), r.name), r);
  }
  const ownerInInventory = (r: Resource): Resource | undefined => {
    const ref = controllerRef(r);
    if (!ref) return undefined;
    const uid = asString(ref.uid);
    const byId = uid ? byUid.get(uid) : undefined;
    const owner = byId ?? byPlace.get(placeKey(asString(ref.kind) ?? '', namespaceOf(r), asString(ref.name) ?? ''));
    return owner && owner !== r && namespaceOf(owner) === namespaceOf(r) ? owner : undefined;
  };

  const controllerKeys = controllerKeysSelected(inventory);
  const workloads = new Map<string, Workload>();
  const groups = new Map<string, PodGroup>();
  const workloadOf = (namespace: string, name: string, kind: string): Workload => {
    const label = `${namespace}/${name}[${kind}]`;
    let w = workloads.get(label);
    if (!w) workloads.set(label, (w = { type: 'workload', namespace, name, kind, label, resources: [], groups: [] }));
    return w;
  };

  for (const view of views) {
    const r = view.resource;
    // Follow present controllers up (a bounded walk: ownerReferences can be made to loop).
    let top = r;
    for (let depth = 0; depth < 8; depth++) {
      const owner = ownerInInventory(top);
      if (!owner) break;
      top = owner;
    }
    const namespace = namespaceOf(r);
    let workload: Workload;
    if (top !== r) {
      workload = top.kind === 'Pod' ? podWorkload(top, namespace, workloadOf) : workloadOf(namespace, top.name, top.kind);
      workload.resources.push(r);
      continue;
    }
    workload = r.kind === 'Pod' ? podWorkload(r, namespace, workloadOf) : workloadOf(namespace, r.name, r.kind);
    workload.resources.push(r);
    const namedPorts = namedPortsOf(view.spec);
    const portsKey = JSON.stringify(namedPorts.map((p) => [p.name, p.port, p.protocol]));
    // Usually one label set; a StatefulSet whose pods are told apart by name has one per replica.
    for (const labels of runningLabelSets(view, controllerKeys)) {
      const key = `${namespace}\u0000${labelsKey(labels)}\u0000${portsKey}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { id: groups.size, namespace, labels, namedPorts, portsKey, workloads: [] }));
      if (!group.workloads.includes(workload)) group.workloads.push(workload);
      if (!workload.groups.includes(group)) workload.groups.push(group);
    }
  }
  // A controller object present only through the objects it owns (say a Job of a CronJob whose
  // template is missing) has no group: it runs no pods the model can see.
  return { workloads: [...workloads.values()].filter((w) => w.groups.length > 0), groups: [...groups.values()] };
}

function podWorkload(pod: Resource, namespace: string, workloadOf: (ns: string, name: string, kind: string) => Workload): Workload {
  const ref = controllerRef(pod);
  const kind = asString(ref?.kind) ?? '';
  const name = asString(ref?.name) ?? '';
  // A static pod's owner is its Node: the pod is its own workload.
  if (ref && name && kind !== 'Node') return workloadOf(namespace, name, kind || 'Pod');
  return workloadOf(namespace, pod.name, 'Pod');
}

/**
 * The workloads of `workloads` whose pods a Service selects, each with the pod groups it selects: those
 * of its namespace that carry every label of its selector. Undefined for a Service without a selector,
 * whose endpoints are chosen by hand and not known here.
 */
export function selectedBy(service: Resource, workloads: readonly Workload[]): Array<{ workload: Workload; groups: PodGroup[] }> | undefined {
  const selector = stringMap(asObj(service.object.spec)?.selector);
  if (Object.keys(selector).length === 0) return undefined;
  const namespace = namespaceOf(service);
  const out: Array<{ workload: Workload; groups: PodGroup[] }> = [];
  for (const workload of workloads) {
    if (workload.namespace !== namespace) continue;
    const groups = workload.groups.filter((g) => selectorMatches({ matchLabels: selector }, g.labels));
    if (groups.length > 0) out.push({ workload, groups });
  }
  return out;
}
