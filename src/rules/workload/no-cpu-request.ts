import { defineRule } from '../../core/rule.js';
import type { FrameworkRef } from '../../core/frameworks.js';
import { reportMissingResource, RESOURCES_CEL_UNSUPPORTED } from './lib/resources.js';

const FRAMEWORKS: FrameworkRef[] = [
  { framework: 'kubescape', id: 'C-0268' },
  { framework: 'kubescape', id: 'C-0050' },
  { framework: 'trivy', id: 'KSV015' },
  { framework: 'kube-score', id: 'container-resources' },
];

export default defineRule({
  meta: {
    id: 'workload/no-cpu-request',
    title: 'Container has no CPU request',
    severity: 'low',
    pillar: 'configuration',
    frameworks: FRAMEWORKS,
    description:
      'Without a CPU request the scheduler places the pod as if it needed no CPU, and under contention the ' +
      'container gets the smallest share of the node. With only a CPU limit, Kubernetes defaults the request to ' +
      'the limit: that is reported as info, because the reservation then follows every later change of the limit. Pod-level resources (spec.resources) and a LimitRange default of the namespace (when ' +
      'the scan includes it) also satisfy it. Regular and init containers are checked; ephemeral containers cannot ' +
      'set resources.',
    remediation: 'Set resources.requests.cpu on the container to what it needs at a normal load (for example 100m).',
    references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'],
  },
  target: { pods: true },
  cel: { unsupported: RESOURCES_CEL_UNSUPPORTED },
  check(ctx) {
    reportMissingResource(ctx, 'requests', 'cpu', FRAMEWORKS);
  },
});
