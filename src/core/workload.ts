import { Memo } from './memo.js';
import { asArray, asObj, asString, stringMap, type Obj, type Resource } from './resource.js';

/** Kinds whose objects carry a pod (template) and therefore run containers. */
export const POD_BEARING_KINDS = [
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'ReplicationController',
] as const;

const SPEC_PATHS: Record<string, { meta: string; spec: string }> = {
  Pod: { meta: 'metadata', spec: 'spec' },
  CronJob: { meta: 'spec.jobTemplate.spec.template.metadata', spec: 'spec.jobTemplate.spec.template.spec' },
};
const TEMPLATE_PATHS = { meta: 'spec.template.metadata', spec: 'spec.template.spec' };

export function isPodBearing(kind: string): boolean {
  return (POD_BEARING_KINDS as readonly string[]).includes(kind);
}

/** The pod (or pod template) inside a pod-bearing object, with the paths needed to name its fields. */
export interface PodView {
  resource: Resource;
  /** Pod metadata: labels and annotations of the pods that will run. */
  metadata: Obj;
  spec: Obj;
  metaPath: string;
  specPath: string;
  /** What rules derive from this pod (containers, check outcomes); see memo.ts. */
  memo?: Map<object, unknown>;
}

export type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerView {
  name: string;
  spec: Obj;
  kind: ContainerKind;
  index: number;
  /** The dotted path of this container, or of a field below it. */
  path(sub?: string): string;
}

function walk(obj: Obj, dotted: string): unknown {
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    const o = asObj(cur);
    if (!o) return undefined;
    cur = o[part];
  }
  return cur;
}

export function podOf(resource: Resource): PodView | undefined {
  if (!isPodBearing(resource.kind)) return undefined;
  const paths = SPEC_PATHS[resource.kind] ?? TEMPLATE_PATHS;
  const spec = asObj(walk(resource.object, paths.spec));
  if (!spec) return undefined;
  const metadata = asObj(walk(resource.object, paths.meta)) ?? {};
  return { resource, metadata, spec, metaPath: paths.meta, specPath: paths.spec };
}

export interface ContainerSelection {
  init?: boolean;
  ephemeral?: boolean;
}

// Every rule asks for the containers of the same pod; build the views once per pod and selection.
const CONTAINERS = new Memo<PodView, Map<string, readonly ContainerView[]>>();

/**
 * Containers of a pod: containers, initContainers, ephemeralContainers. The array is shared between
 * callers: treat it as read-only.
 */
export function containersOf(pod: PodView, which: ContainerSelection = {}): readonly ContainerView[] {
  const key = `${which.init !== false}${which.ephemeral !== false}`;
  let perPod = CONTAINERS.get(pod);
  if (!perPod) CONTAINERS.set(pod, (perPod = new Map()));
  let views = perPod.get(key);
  if (!views) perPod.set(key, (views = buildContainers(pod, which)));
  return views;
}

function buildContainers(pod: PodView, which: ContainerSelection): ContainerView[] {
  const kinds: ContainerKind[] = ['containers'];
  if (which.init !== false) kinds.push('initContainers');
  if (which.ephemeral !== false) kinds.push('ephemeralContainers');
  const out: ContainerView[] = [];
  for (const kind of kinds) {
    asArray(pod.spec[kind]).forEach((raw, index) => {
      const spec = asObj(raw);
      if (!spec) return;
      const base = `${pod.specPath}.${kind}[${index}]`;
      out.push({
        name: asString(spec.name) ?? `#${index}`,
        spec,
        kind,
        index,
        path: (sub) => (sub ? `${base}.${sub}` : base),
      });
    });
  }
  return out;
}

export function podLabels(pod: PodView): Record<string, string> {
  return stringMap(pod.metadata.labels);
}

export function podAnnotations(pod: PodView): Record<string, string> {
  return stringMap(pod.metadata.annotations);
}

/** `spec.os.name: windows`: Linux-only settings (capabilities, seccomp, runAsGroup) do not apply. */
export function isWindowsPod(pod: PodView): boolean {
  return asObj(pod.spec.os)?.name === 'windows';
}

/** `spec.hostUsers: false` puts the pod in a user namespace: IDs inside map to unprivileged IDs on the node. */
export function inUserNamespace(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}

/** The short name kubectl accepts for a kind, used in verify commands. */
export function kubectlKind(kind: string): string {
  const short: Record<string, string> = {
    Deployment: 'deploy', DaemonSet: 'ds', StatefulSet: 'sts', ReplicaSet: 'rs', CronJob: 'cronjob',
    Job: 'job', Pod: 'pod', ReplicationController: 'rc', ConfigMap: 'cm', Secret: 'secret',
    Namespace: 'ns', ServiceAccount: 'sa', Service: 'svc',
  };
  return short[kind] ?? kind.toLowerCase();
}
