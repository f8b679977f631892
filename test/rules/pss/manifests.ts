import { dump } from 'js-yaml';

/**
 * Builders for the pod-bearing manifests the Pod Security tests feed to the rules. Each takes a pod
 * spec and optional pod metadata and renders real YAML, so the inputs go through the same decoder
 * as a scan does.
 */

type Obj = Record<string, unknown>;

/** Where the pod spec sits in each kind, as rules report it in `field`. */
export const POD = 'spec';
export const DEPLOY = 'spec.template.spec';
export const CRON = 'spec.jobTemplate.spec.template.spec';

/** Where the pod metadata sits in each kind. */
export const POD_META = 'metadata';
export const DEPLOY_META = 'spec.template.metadata';
export const CRON_META = 'spec.jobTemplate.spec.template.metadata';

export function pod(spec: Obj, meta: Obj = {}, name = 'web'): string {
  return dump({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', ...meta }, spec });
}

export function deployment(spec: Obj, meta: Obj = {}, name = 'web'): string {
  return dump({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name }, ...meta }, spec },
    },
  });
}

export function cronJob(spec: Obj, meta: Obj = {}, name = 'nightly-report'): string {
  return dump({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'shop' },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: { spec: { template: { metadata: meta, spec: { restartPolicy: 'OnFailure', ...spec } } } },
    },
  });
}

/** Several manifests in one multi-document YAML input. */
export function documents(...docs: string[]): string {
  return docs.join('---\n');
}

/** A container with an image from the team's registry, an optional securityContext and other fields. */
export function container(name: string, securityContext?: Obj, extra: Obj = {}): Obj {
  return {
    name,
    image: `shopacr.azurecr.io/${name}:2.4.1`,
    ...(securityContext !== undefined ? { securityContext } : {}),
    ...extra,
  };
}

/** A debugging container as `kubectl debug` adds it. */
export function ephemeral(name: string, securityContext?: Obj): Obj {
  return { ...container(name, securityContext), targetContainerName: 'app' };
}

/** A container securityContext that satisfies every restricted check. */
export const RESTRICTED_SC: Obj = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export const WINDOWS = { os: { name: 'windows' } };
export const LINUX = { os: { name: 'linux' } };
