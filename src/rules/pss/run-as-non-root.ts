import type { PodView } from '../../core/workload.js';
import { celUnless } from '../../core/cel.js';
import { allContainers, CEL_POD_SC, CEL_SC, CEL_USER_NAMESPACE, celEveryContainer, inUserNamespace, joinQuote, outcome, pluralize, podSecurityContext, pssRule, securityContext, type PssItem } from './check.js';

function runAsNonRoot(pod: PodView) {
  const items: PssItem[] = [];
  const parts: string[] = [];
  const podValue = podSecurityContext(pod)?.runAsNonRoot;
  let podNonRoot = false;
  if (podValue !== undefined && podValue !== null) {
    if (podValue === true) podNonRoot = true;
    else {
      parts.push('pod must not set securityContext.runAsNonRoot=false');
      items.push({ field: `${pod.specPath}.securityContext.runAsNonRoot`, message: 'pod sets runAsNonRoot: false', observed: podValue, expected: true });
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of allContainers(pod)) {
    const value = securityContext(c)?.runAsNonRoot;
    if (value !== undefined && value !== null) {
      if (value === true) continue;
      explicit.push(c.name);
      items.push({ field: c.path('securityContext.runAsNonRoot'), container: c.name, message: `container ${c.name} sets runAsNonRoot: false`, observed: value, expected: true });
    } else if (!podNonRoot) {
      implicit.push(c.name);
      const user = securityContext(c)?.runAsUser ?? podSecurityContext(pod)?.runAsUser;
      // A non-zero runAsUser runs it as that user today; what is missing is the kubelet's refusal of root.
      const message =
        typeof user === 'number' && user > 0
          ? `container ${c.name} runs as user ${user}, but neither it nor the pod sets runAsNonRoot: true, so nothing refuses root if runAsUser is dropped`
          : `container ${c.name} may run as root: neither it nor the pod sets runAsNonRoot: true`;
      items.push({ field: c.path('securityContext.runAsNonRoot'), container: c.name, message, observed: null, expected: true });
    }
  }
  if (explicit.length) parts.push(`${pluralize('container', 'containers', explicit.length)} ${joinQuote(explicit)} must not set securityContext.runAsNonRoot=false`);
  if (implicit.length) parts.push(`pod or ${pluralize('container', 'containers', implicit.length)} ${joinQuote(implicit)} must set securityContext.runAsNonRoot=true`);
  return outcome('runAsNonRoot != true', parts.join('; '), items);
}

// The pod's value, when set, must be true; each container's own value, when set, must be true, and
// a container without one needs the pod's true.
const CEL = [
  `(!${CEL_POD_SC}.?runAsNonRoot.hasValue() || variables.spec.securityContext.runAsNonRoot == true)`,
  celEveryContainer(`${CEL_SC}.?runAsNonRoot.hasValue() ? c.securityContext.runAsNonRoot == true : ${CEL_POD_SC}.?runAsNonRoot.orValue(false) == true`),
].join(' && ');

export default pssRule({
  meta: {
    id: 'workload/run-as-non-root-not-set',
    title: 'Container may run as root',
    severity: 'medium',
    frameworks: [
      { framework: 'kubescape', id: 'C-0013' },
      { framework: 'trivy', id: 'KSV012' },
      { framework: 'mitre', id: 'T1611' },
    ],
    description:
      'Without runAsNonRoot: true the kubelet starts the container as whatever user the image says, often root; root in a container is one kernel bug away from root on the node.',
    remediation: 'Set spec.securityContext.runAsNonRoot: true (and a non-zero runAsUser if the image has no numeric USER).',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted'],
  },
  check: {
    id: 'runAsNonRoot',
    level: 'restricted',
    versions: [
      { since: [1, 0], evaluate: runAsNonRoot, cel: CEL },
      // With hostUsers: false, root in the container maps to an unprivileged user on the node.
      { since: [1, 35], evaluate: (pod) => (inUserNamespace(pod) ? undefined : runAsNonRoot(pod)), cel: celUnless(CEL_USER_NAMESPACE, CEL) },
    ],
  },
});
