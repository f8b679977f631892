import { runsOnWindows } from '../../core/workload.js';
import type { FrameworkRef } from '../../core/frameworks.js';
import { asArray, asObj } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { describe } from './lib/containers.js';
import { CEL_RUNS_ON_WINDOWS, celUnless } from '../../core/cel.js';

const KSV029: FrameworkRef = { framework: 'trivy', id: 'KSV029' };
const RUN_AS_GROUP: FrameworkRef[] = [
  KSV029,
  { framework: 'kubescape', id: 'C-0013' },
  { framework: 'kube-score', id: 'container-security-context-user-group-id' },
];

export default defineRule({
  meta: {
    id: 'workload/runs-as-root-group',
    title: 'Container runs with the root group',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: RUN_AS_GROUP,
    description:
      'A process with group 0 has the rights of the root group on every file it can reach: files of the image ' +
      'that are group-root writable, and files on mounted volumes or host paths owned by group root. Three settings ' +
      'put the processes of a container in group 0: the effective runAsGroup (the container securityContext overrides the ' +
      'pod securityContext), a 0 in the pod supplementalGroups, and fsGroup: 0, which the kubelet adds to every ' +
      'process as a supplementary group (and gives volume files to). An unset runAsGroup is not reported: the ' +
      'group then comes from the image, which the manifest does not show. Windows pods (spec.os.name, or a kubernetes.io/os: windows nodeSelector) are skipped.',
    remediation:
      'Set runAsGroup (and fsGroup where volumes need it) to a non-zero group such as 10001, and remove 0 from ' +
      'supplementalGroups.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    ],
  },
  target: { pods: true },
  cel: {
    validation: () => ({
      expression: celUnless(
        CEL_RUNS_ON_WINDOWS,
        [
          'variables.containers.all(c, c.?securityContext.?runAsGroup.orValue(variables.spec.?securityContext.?runAsGroup.orValue(1)) != 0)',
          '!(0 in variables.spec.?securityContext.?supplementalGroups.orValue([]))',
          'variables.spec.?securityContext.?fsGroup.orValue(1) != 0',
        ].join(' && '),
      ),
    }),
  },
  check(ctx) {
    const pod = ctx.pod();
    if (!pod || runsOnWindows(pod)) return;
    const podSc = asObj(pod.spec.securityContext);
    const podPath = `${pod.specPath}.securityContext`;
    for (const c of ctx.containers()) {
      const own = asObj(c.spec.securityContext)?.runAsGroup;
      const inherited = own === undefined || own === null;
      if ((inherited ? podSc?.runAsGroup : own) !== 0) continue;
      ctx.report({
        container: c.name,
        field: inherited ? `${podPath}.runAsGroup` : c.path('securityContext.runAsGroup'),
        message: inherited
          ? `${describe(c)} runs with group 0: it inherits runAsGroup: 0 from the pod securityContext`
          : `${describe(c)} sets runAsGroup: 0`,
        evidence: { observed: 0, expected: 'a non-zero runAsGroup' },
        frameworks: RUN_AS_GROUP,
      });
    }
    asArray(podSc?.supplementalGroups).forEach((g, i) => {
      if (g !== 0) return;
      ctx.report({
        field: `${podPath}.supplementalGroups[${i}]`,
        message: 'the pod adds group 0 to supplementalGroups, so every container process is in the root group',
        evidence: { observed: podSc?.supplementalGroups, expected: 'no 0 in supplementalGroups' },
        frameworks: [KSV029],
      });
    });
    if (podSc?.fsGroup === 0) {
      ctx.report({
        field: `${podPath}.fsGroup`,
        message: 'the pod sets fsGroup: 0, so every container process is in the root group',
        evidence: { observed: 0, expected: 'a non-zero fsGroup' },
        frameworks: [KSV029],
      });
    }
  },
});
