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

/**
 * Custom resources that carry a pod template users write by hand: Argo Rollouts' Rollout (a Deployment
 * with progressive delivery), KEDA's ScaledJob and the Actions Runner Controller's AutoscalingRunnerSet
 * (GitHub's self-hosted runners, whose template runs workflow code, a privileged docker:dind beside it
 * in dind mode). Checked like the built-in kinds, by the webhook and the generated admission policies
 * too; Pod Security Admission knows only the built-in ones.
 */
export const CUSTOM_POD_BEARING_KINDS = ['Rollout', 'ScaledJob', 'AutoscalingRunnerSet'] as const;

interface PodPaths {
  meta: string;
  spec: string;
  /** The same paths split at the dots, once: every pod-bearing object is walked several times a scan. */
  metaParts: readonly string[];
  specParts: readonly string[];
}

function podPaths(meta: string, spec: string): PodPaths {
  return { meta, spec, metaParts: meta.split('.'), specParts: spec.split('.') };
}

const SPEC_PATHS: Record<string, PodPaths> = {
  Pod: podPaths('metadata', 'spec'),
  CronJob: podPaths('spec.jobTemplate.spec.template.metadata', 'spec.jobTemplate.spec.template.spec'),
  ScaledJob: podPaths('spec.jobTargetRef.template.metadata', 'spec.jobTargetRef.template.spec'),
};
const TEMPLATE_PATHS = podPaths('spec.template.metadata', 'spec.template.spec');

const POD_BEARING = new Set<string>([...POD_BEARING_KINDS, ...CUSTOM_POD_BEARING_KINDS]);

export function isPodBearing(kind: string): boolean {
  return POD_BEARING.has(kind);
}

/** How deep below `spec` a pod spec is looked for: a CronJob's is five objects down. */
const POD_SPEC_SEARCH_DEPTH = 6;

/** A `containers` list that holds at least one container (an object with a name or an image). */
function holdsContainers(value: unknown): boolean {
  return asArray(value).some((c) => {
    const o = asObj(c);
    return o !== undefined && (typeof o.image === 'string' || typeof o.name === 'string');
  });
}

/**
 * Where an object of a kind Palisade does not read as pod-bearing keeps a pod spec: the dotted path of
 * the first object below `spec` (breadth first, objects only) with a `containers` list, such as
 * `spec.template.spec` of an operator's own Deployment-like kind or `spec.ephemeralRunnerSpec.spec` of an
 * ARC EphemeralRunnerSet. Undefined for pod-bearing kinds, Azure resources and objects with none: the
 * containers such an object runs are checked nowhere, which a scan says rather than pass over in silence.
 */
export function unreadPodSpecPath(resource: Resource): string | undefined {
  if (resource.format !== undefined || isPodBearing(resource.kind)) return undefined;
  let level: Array<{ path: string; obj: Obj }> = [];
  const root = asObj(resource.object.spec);
  if (root) level.push({ path: 'spec', obj: root });
  for (let depth = 0; depth < POD_SPEC_SEARCH_DEPTH && level.length > 0; depth++) {
    const next: typeof level = [];
    for (const { path, obj } of level) {
      if (holdsContainers(obj.containers)) return path;
      for (const [key, value] of Object.entries(obj)) {
        const child = asObj(value);
        if (child) next.push({ path: `${path}.${key}`, obj: child });
      }
    }
    level = next;
  }
  return undefined;
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

/** The value at a path of keys below an object, or undefined where the path leaves the objects. */
export function walkPath(obj: Obj, parts: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const part of parts) {
    const o = asObj(cur);
    if (!o) return undefined;
    cur = o[part];
  }
  return cur;
}

/** Where a pod-bearing kind keeps its pod spec, split at the dots (`spec`, `template`, `spec`); undefined for other kinds. */
export function podSpecParts(kind: string): readonly string[] | undefined {
  return isPodBearing(kind) ? (SPEC_PATHS[kind] ?? TEMPLATE_PATHS).specParts : undefined;
}

export function podOf(resource: Resource): PodView | undefined {
  if (!isPodBearing(resource.kind)) return undefined;
  const paths = SPEC_PATHS[resource.kind] ?? TEMPLATE_PATHS;
  const spec = asObj(walkPath(resource.object, paths.specParts));
  if (!spec) return undefined;
  const metadata = asObj(walkPath(resource.object, paths.metaParts)) ?? {};
  return { resource, metadata, spec, metaPath: paths.meta, specPath: paths.spec };
}

const POD_TEMPLATE_PATHS = podPaths('template.metadata', 'template.spec');

/**
 * The pod of a v1 PodTemplate object: a template stored for controllers to copy, which runs nothing
 * itself (so no scan rule or network model counts it) but which Pod Security Admission still judges,
 * with its warnings and audit annotations, as upstream's pod spec extractor lists podtemplates.
 */
export function podTemplateOf(resource: Resource): PodView | undefined {
  // A custom resource may be called PodTemplate too: only the core one is the API server's.
  if (resource.kind !== 'PodTemplate' || resource.object.apiVersion !== 'v1') return undefined;
  const spec = asObj(walkPath(resource.object, POD_TEMPLATE_PATHS.specParts));
  if (!spec) return undefined;
  const metadata = asObj(walkPath(resource.object, POD_TEMPLATE_PATHS.metaParts)) ?? {};
  return { resource, metadata, spec, metaPath: POD_TEMPLATE_PATHS.meta, specPath: POD_TEMPLATE_PATHS.spec };
}

export interface ContainerSelection {
  init?: boolean;
  ephemeral?: boolean;
}

// Every rule asks for the containers of the same pod; build the views once per pod and selection,
// indexed by the selection's two flags (no key string to make per call).
const CONTAINERS = new Memo<PodView, Array<readonly ContainerView[] | undefined>>();

/**
 * Containers of a pod: containers, initContainers, ephemeralContainers. The array is shared between
 * callers: treat it as read-only.
 */
export function containersOf(pod: PodView, which: ContainerSelection = {}): readonly ContainerView[] {
  const key = (which.init !== false ? 1 : 0) + (which.ephemeral !== false ? 2 : 0);
  let perPod = CONTAINERS.get(pod);
  if (!perPod) CONTAINERS.set(pod, (perPod = [undefined, undefined, undefined, undefined]));
  let views = perPod[key];
  if (!views) {
    // Narrower selections are picked from the views of every container (same objects, same order).
    const all = (perPod[3] ??= buildContainers(pod));
    views = key === 3 ? all : all.filter((c) => (c.kind !== 'initContainers' || key & 1) && (c.kind !== 'ephemeralContainers' || key & 2));
    perPod[key] = views;
  }
  return views;
}

const CONTAINER_KINDS: readonly ContainerKind[] = ['containers', 'initContainers', 'ephemeralContainers'];

function buildContainers(pod: PodView): ContainerView[] {
  const out: ContainerView[] = [];
  for (const kind of CONTAINER_KINDS) {
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

/**
 * A pod that runs on Windows nodes: `spec.os.name: windows`, or — what AKS's Windows samples and most
 * charts write instead — `nodeSelector: {kubernetes.io/os: windows}`. The hardening rules skip Linux-only
 * settings for it; Pod Security, which reads `spec.os` alone, does not.
 */
export function runsOnWindows(pod: PodView): boolean {
  return isWindowsPod(pod) || asObj(pod.spec.nodeSelector)?.['kubernetes.io/os'] === 'windows';
}

/** `spec.hostUsers: false` puts the pod in a user namespace: IDs inside map to unprivileged IDs on the node. */
export function inUserNamespace(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}

const SHORT_KINDS: Record<string, string> = {
  Deployment: 'deploy', DaemonSet: 'ds', StatefulSet: 'sts', ReplicaSet: 'rs', CronJob: 'cronjob',
  Job: 'job', Pod: 'pod', ReplicationController: 'rc', ConfigMap: 'cm', Secret: 'secret',
  Namespace: 'ns', ServiceAccount: 'sa', Service: 'svc',
};

/** The short name kubectl accepts for a kind, used in verify commands. */
export function kubectlKind(kind: string): string {
  return SHORT_KINDS[kind] ?? kind.toLowerCase();
}

/** Whether a finding's field is on an ephemeral container: added to a running pod by whoever debugs it. */
export function onEphemeralContainer(field: string | undefined): boolean {
  return field !== undefined && /(^|\.)ephemeralContainers\[/.test(field);
}
