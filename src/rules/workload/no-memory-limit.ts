import { defineRule } from '../../core/rule.js';
import type { FrameworkRef } from '../../core/frameworks.js';
import { reportMissingResource, RESOURCES_CEL_UNSUPPORTED } from './lib/resources.js';

const FRAMEWORKS: FrameworkRef[] = [
  { framework: 'kubescape', id: 'C-0271' },
  { framework: 'kubescape', id: 'C-0004' },
  { framework: 'kubescape', id: 'C-0009' },
  { framework: 'trivy', id: 'KSV018' },
  { framework: 'kube-score', id: 'container-resources' },
  { framework: 'mitre', id: 'T1499' },
];

export default defineRule({
  meta: {
    id: 'workload/no-memory-limit',
    title: 'Container has no memory limit',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: FRAMEWORKS,
    description:
      'A container without a memory limit can take all the memory of its node. Memory is not compressible: the ' +
      'node comes under memory pressure, and the kubelet evicts or the kernel OOM-kills other pods, so one leaking ' +
      'or compromised container degrades every workload on the node. A zero limit means no limit. Pod-level ' +
      'resources (spec.resources) and a LimitRange default of the namespace (when the scan includes it) satisfy ' +
      'it. Regular and init containers are checked; ephemeral containers cannot set resources.',
    remediation:
      'Set resources.limits.memory on the container (for example 256Mi, at or above its request), or give the ' +
      'namespace a LimitRange with a default memory limit.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      'https://kubernetes.io/docs/concepts/policy/limit-range/',
    ],
  },
  target: { pods: true },
  cel: { unsupported: RESOURCES_CEL_UNSUPPORTED },
  check(ctx) {
    reportMissingResource(ctx, 'limits', 'memory', FRAMEWORKS);
  },
});
