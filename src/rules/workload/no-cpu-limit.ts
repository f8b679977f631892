import { defineRule } from '../../core/rule.js';
import type { FrameworkRef } from '../../core/frameworks.js';
import { reportMissingResource, RESOURCES_CEL_UNSUPPORTED } from './lib/resources.js';

const FRAMEWORKS: FrameworkRef[] = [
  { framework: 'kubescape', id: 'C-0270' },
  { framework: 'kubescape', id: 'C-0050' },
  { framework: 'kubescape', id: 'C-0009' },
  { framework: 'trivy', id: 'KSV011' },
  { framework: 'kube-score', id: 'container-resources' },
  { framework: 'mitre', id: 'T1499' },
];

export default defineRule({
  meta: {
    id: 'workload/no-cpu-limit',
    title: 'Container has no CPU limit',
    severity: 'low',
    pillar: 'configuration',
    frameworks: FRAMEWORKS,
    description:
      'A container without a CPU limit can use every idle core of the node: a runaway loop or a cryptominer in a ' +
      'compromised container slows its neighbours. The severity is low because CPU limits are debated: CPU is ' +
      'compressible, requests already guarantee each container its share under contention, and a limit throttles ' +
      'the container (CFS quota) even while the node is idle, which hurts latency. Many teams set requests and ' +
      'leave CPU limits off on purpose; a namespace LimitRange can supply a default instead. A zero limit means no ' +
      'limit. Pod-level resources (spec.resources) and a LimitRange default of the namespace (when the scan ' +
      'includes it) satisfy it. Regular and init containers are checked.',
    remediation:
      'Set resources.limits.cpu on the container, or accept the finding where throttling matters more than ' +
      'isolation (and rely on CPU requests and a LimitRange).',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      'https://kubernetes.io/docs/concepts/policy/limit-range/',
    ],
  },
  target: { pods: true },
  cel: { unsupported: RESOURCES_CEL_UNSUPPORTED },
  check(ctx) {
    reportMissingResource(ctx, 'limits', 'cpu', FRAMEWORKS);
  },
});
