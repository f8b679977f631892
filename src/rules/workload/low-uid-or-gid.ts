import { inUserNamespace, runsOnWindows } from '../../core/workload.js';
import { asObj } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { describe } from './lib/containers.js';
import { CEL_USER_NAMESPACE, CEL_RUNS_ON_WINDOWS } from '../../core/cel.js';

/** Below this, IDs are used by accounts and services of the node itself on common distributions. */
const MIN_ID = 10000;

/** The value in force and where it is set: the container's own, else the pod's. */
function effective(container: unknown, pod: unknown, key: 'runAsUser' | 'runAsGroup'): { value: unknown; fromPod: boolean } {
  const own = asObj(container)?.[key];
  if (own !== undefined && own !== null) return { value: own, fromPod: false };
  const inherited = asObj(pod)?.[key];
  return { value: inherited, fromPod: inherited !== undefined && inherited !== null };
}

export default defineRule({
  meta: {
    id: 'workload/low-uid-or-gid',
    title: 'Container user or group ID is not a high, dedicated ID',
    severity: 'low',
    pillar: 'configuration',
    frameworks: [
      { framework: 'trivy', id: 'KSV020' },
      { framework: 'trivy', id: 'KSV021' },
      { framework: 'kube-score', id: 'container-security-context-user-group-id' },
    ],
    description:
      'Without user namespaces a container process runs with its numeric UID and GID on the node. IDs below ' +
      `${MIN_ID} belong to accounts of the node (or are root): after an escape, or through a shared host path, ` +
      'the process acts as that account. An unset runAsUser or runAsGroup leaves the ID to the image, which often ' +
      'means root. The container securityContext overrides the pod securityContext. Windows pods (spec.os.name, or a ' +
      'kubernetes.io/os: windows nodeSelector) and pods with hostUsers: false (user namespaces) are skipped.',
    remediation: `Set runAsUser and runAsGroup to dedicated IDs of ${MIN_ID} or more (for example 10001), at pod or container level.`,
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  },
  target: { pods: true },
  cel: {
    validation: () => ({
      expression: `${CEL_RUNS_ON_WINDOWS} || ${CEL_USER_NAMESPACE} || variables.containers.all(c, ${(['runAsUser', 'runAsGroup'] as const)
        .map((key) => `c.?securityContext.?${key}.orValue(variables.spec.?securityContext.?${key}.orValue(-1)) >= ${MIN_ID}`)
        .join(' && ')})`,
    }),
  },
  check(ctx) {
    const pod = ctx.pod();
    if (!pod || runsOnWindows(pod) || inUserNamespace(pod)) return;
    const podSc = pod.spec.securityContext;
    for (const c of ctx.containers()) {
      const sc = c.spec.securityContext;
      const problems: Array<{ key: 'runAsUser' | 'runAsGroup'; value: unknown; fromPod: boolean }> = [];
      for (const key of ['runAsUser', 'runAsGroup'] as const) {
        const { value, fromPod } = effective(sc, podSc, key);
        if (typeof value !== 'number' || value < MIN_ID) problems.push({ key, value: value ?? null, fromPod });
      }
      const first = problems[0];
      if (!first) continue;
      ctx.report({
        container: c.name,
        // Point at the value in force: a pod-level runAsUser: 0 is fixed at the pod, not in the container.
        field: first.fromPod ? `${pod.specPath}.securityContext.${first.key}` : c.path(`securityContext.${first.key}`),
        message: `${describe(c)} runs with ${problems.map((p) => (p.value === null ? `no ${p.key} (the image decides)` : `${p.key} ${String(p.value)}`)).join(' and ')}`,
        evidence: { observed: Object.fromEntries(problems.map((p) => [p.key, p.value])), expected: `runAsUser and runAsGroup >= ${MIN_ID}` },
      });
    }
  },
});
