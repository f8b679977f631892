import { defineRule } from '../../core/rule.js';
import type { FrameworkRef } from '../../core/frameworks.js';
import { reportMissingResource, RESOURCES_CEL_UNSUPPORTED } from './lib/resources.js';

const FRAMEWORKS: FrameworkRef[] = [
  { framework: 'kubescape', id: 'C-0269' },
  { framework: 'kubescape', id: 'C-0004' },
  { framework: 'trivy', id: 'KSV016' },
  { framework: 'kube-score', id: 'container-resources' },
];

export default defineRule({
  meta: {
    id: 'workload/no-memory-request',
    title: 'Container has no memory request',
    severity: 'low',
    pillar: 'configuration',
    frameworks: FRAMEWORKS,
    description:
      'Without a memory request the scheduler may pack the pod onto a node that cannot hold it, and when the node ' +
      'runs short of memory the kubelet evicts such pods first. With only a memory limit, Kubernetes defaults the ' +
      'request to the limit: that is reported as info, because the reservation then follows every later change of the limit. Pod-level resources (spec.resources) and a LimitRange default of the ' +
      'namespace (when the scan includes it) also satisfy it. Regular and init containers are checked; ephemeral ' +
      'containers cannot set resources.',
    remediation: 'Set resources.requests.memory on the container to its normal working set (for example 128Mi).',
    references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'],
  },
  target: { pods: true },
  cel: { unsupported: RESOURCES_CEL_UNSUPPORTED },
  check(ctx) {
    reportMissingResource(ctx, 'requests', 'memory', FRAMEWORKS);
  },
});
