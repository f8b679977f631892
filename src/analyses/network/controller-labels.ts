import type { Inventory } from '../../core/inventory.js';
import { Memo } from '../../core/memo.js';
import { asArray, asObj, asString, isObj, stringMap, type Obj } from '../../core/resource.js';
import type { PodView } from '../../core/workload.js';

/**
 * The value of a label a controller sets when it creates the pod from data the manifests do not hold (a hash
 * of the template, a uid, the time a CronJob fired). It is no valid label value, so no selector can ask for
 * it: `Exists` matches it, `key: value` never does.
 */
export const ASSIGNED_AT_RUNTIME = '<assigned when the pod is created>';

const POD_NAME = 'statefulset.kubernetes.io/pod-name';
const POD_INDEX = 'apps.kubernetes.io/pod-index';
const JOB_NAME = ['job-name', 'batch.kubernetes.io/job-name'];
const JOB_UID = ['controller-uid', 'batch.kubernetes.io/controller-uid'];
const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

/** Labels controllers add to every pod they create, whatever the template says. */
const CONTROLLER_KEYS = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  POD_NAME,
  POD_INDEX,
  ...JOB_NAME,
  ...JOB_UID,
  COMPLETION_INDEX,
]);

/** Replicas a StatefulSet is read with at most, one label set each: a hostile `replicas` must not blow up the model. */
const MAX_REPLICAS = 1000;

// Every selector of the scan, read once per inventory.
const SELECTOR_KEYS = new Memo<Inventory, ReadonlySet<string>>();

/**
 * The controller-added label keys that some pod selector of the inventory reads: NetworkPolicy pod selectors
 * (the policy's own and its peers') and Service selectors. A selector that does not name a key answers the
 * same with or without it, so only these are added to the pods, and most scans add none.
 */
export function controllerKeysSelected(inventory: Inventory): ReadonlySet<string> {
  return SELECTOR_KEYS.of(inventory, (inv) => {
    const keys = new Set<string>();
    const take = (selector: unknown): void => {
      const sel = asObj(selector);
      if (!sel) return;
      for (const k of Object.keys(stringMap(sel.matchLabels))) if (CONTROLLER_KEYS.has(k)) keys.add(k);
      for (const e of asArray(sel.matchExpressions)) {
        const k = asString(asObj(e)?.key);
        if (k !== undefined && CONTROLLER_KEYS.has(k)) keys.add(k);
      }
    };
    for (const np of inv.byKind('NetworkPolicy')) {
      const spec = asObj(np.object.spec);
      if (!spec) continue;
      take(spec.podSelector);
      for (const [list, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
        for (const rule of asArray(spec[list])) for (const peer of asArray(asObj(rule)?.[peers])) take(asObj(peer)?.podSelector);
      }
    }
    for (const svc of inv.byKind('Service')) {
      const selector = asObj(svc.object.spec)?.selector;
      if (isObj(selector)) for (const k of Object.keys(selector)) if (CONTROLLER_KEYS.has(k)) keys.add(k);
    }
    return keys;
  });
}

/**
 * The labels of the pods a pod-bearing object runs, as far as `keys` (from `controllerKeysSelected`) matter:
 * its template's labels plus what its controller adds — a Deployment the template hash, a StatefulSet each
 * pod's name and index (one label set per replica), a Job its name and uid (unless its selector is manual),
 * a CronJob's Jobs a name it chooses when it fires. A Pod carries its labels already.
 */
export function runningLabelSets(view: PodView, keys: ReadonlySet<string>): Array<Record<string, string>> {
  const labels = stringMap(view.metadata.labels);
  if (keys.size === 0) return [labels];
  const added: Record<string, string> = {};
  const put = (key: string, value: string): void => {
    if (keys.has(key) && labels[key] === undefined) added[key] = value;
  };
  const spec = view.resource.object.spec;
  switch (view.resource.kind) {
    case 'Deployment':
      put('pod-template-hash', ASSIGNED_AT_RUNTIME);
      break;
    case 'DaemonSet':
      put('controller-revision-hash', ASSIGNED_AT_RUNTIME);
      put('pod-template-generation', ASSIGNED_AT_RUNTIME);
      break;
    case 'StatefulSet':
      put('controller-revision-hash', ASSIGNED_AT_RUNTIME);
      if (keys.has(POD_NAME) || keys.has(POD_INDEX)) return statefulSetPods(view, { ...labels, ...added }, asObj(spec), keys);
      break;
    case 'Job':
      jobLabels(asObj(spec), view.resource.name, put);
      break;
    case 'CronJob':
      jobLabels(asObj(asObj(asObj(spec)?.jobTemplate)?.spec), ASSIGNED_AT_RUNTIME, put);
      break;
  }
  return [{ ...labels, ...added }];
}

/** The labels the Job's defaulting adds to its template, unless the Job picks its pods itself (`manualSelector`). */
function jobLabels(jobSpec: Obj | undefined, name: string, put: (key: string, value: string) => void): void {
  if (jobSpec?.manualSelector === true) return;
  for (const k of JOB_NAME) put(k, name);
  for (const k of JOB_UID) put(k, ASSIGNED_AT_RUNTIME);
  if (jobSpec?.completionMode === 'Indexed') put(COMPLETION_INDEX, ASSIGNED_AT_RUNTIME);
}

/** `name-0 … name-(replicas-1)`: a StatefulSet scaled to zero is read as one pod, since it can be scaled up at any time. */
function statefulSetPods(view: PodView, labels: Record<string, string>, spec: Obj | undefined, keys: ReadonlySet<string>): Array<Record<string, string>> {
  const replicas = typeof spec?.replicas === 'number' && Number.isInteger(spec.replicas) ? spec.replicas : 1;
  const count = Math.min(Math.max(replicas, 1), MAX_REPLICAS);
  const name = keys.has(POD_NAME) && labels[POD_NAME] === undefined;
  const index = keys.has(POD_INDEX) && labels[POD_INDEX] === undefined;
  const out: Array<Record<string, string>> = [];
  for (let i = 0; i < count; i++) {
    const pod = { ...labels };
    if (name) pod[POD_NAME] = `${view.resource.name}-${i}`;
    if (index) pod[POD_INDEX] = String(i);
    out.push(pod);
  }
  return out;
}
