import { runsOnWindows } from '../../core/workload.js';
import { asObj } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { describe } from './lib/containers.js';
import { CEL_RUNS_ON_WINDOWS, celUnless } from '../../core/cel.js';

export default defineRule({
  meta: {
    id: 'workload/writable-root-filesystem',
    title: 'Container root filesystem is writable',
    severity: 'low',
    pillar: 'configuration',
    frameworks: [
      { framework: 'kubescape', id: 'C-0017' },
      { framework: 'trivy', id: 'KSV014' },
      { framework: 'kube-score', id: 'container-security-context-readonlyrootfilesystem' },
    ],
    description:
      'Unless securityContext.readOnlyRootFilesystem is true, a process in the container can change its own ' +
      'binaries and configuration and drop tools on disk: an intruder persists for the life of the container and ' +
      'the image no longer tells what runs. Unset counts as writable. Every container is checked, init and ' +
      'ephemeral ones included; Windows pods (spec.os.name, or a kubernetes.io/os: windows nodeSelector) are skipped: Windows does not support the setting.',
    remediation:
      'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir volume on each path the application ' +
      'writes to (/tmp, caches).',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
  },
  target: { pods: true },
  cel: {
    validation: () => ({ expression: celUnless(CEL_RUNS_ON_WINDOWS, "variables.containers.all(c, c.?securityContext.?readOnlyRootFilesystem.orValue(false) == true)") }),
  },
  check(ctx) {
    const pod = ctx.pod();
    if (pod && runsOnWindows(pod)) return;
    for (const c of ctx.containers()) {
      const value = asObj(c.spec.securityContext)?.readOnlyRootFilesystem;
      if (value === true) continue;
      ctx.report({
        container: c.name,
        field: c.path('securityContext.readOnlyRootFilesystem'),
        message:
          value === undefined
            ? `${describe(c)} does not set readOnlyRootFilesystem, so its root filesystem is writable`
            : `${describe(c)} sets readOnlyRootFilesystem: ${String(value)}`,
        evidence: { observed: value ?? null, expected: true },
      });
    }
  },
});
