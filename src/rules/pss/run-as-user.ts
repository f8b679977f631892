import type { PodView } from '../../core/workload.js';
import { celUnless } from '../../core/cel.js';
import { allContainers, CEL_POD_SC, CEL_SC, CEL_USER_NAMESPACE, celEveryContainer, inUserNamespace, joinQuote, outcome, pluralize, podSecurityContext, pssRule, securityContext, type PssItem } from './check.js';

function runAsUser(pod: PodView) {
  const items: PssItem[] = [];
  const who: string[] = [];
  if (podSecurityContext(pod)?.runAsUser === 0) {
    who.push('pod');
    items.push({ field: `${pod.specPath}.securityContext.runAsUser`, message: 'pod sets runAsUser: 0 (root)', observed: 0, expected: 'a non-zero UID' });
  }
  const names: string[] = [];
  for (const c of allContainers(pod))
    if (securityContext(c)?.runAsUser === 0) {
      names.push(c.name);
      items.push({ field: c.path('securityContext.runAsUser'), container: c.name, message: `container ${c.name} sets runAsUser: 0 (root)`, observed: 0, expected: 'a non-zero UID' });
    }
  if (names.length) who.push(`${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`);
  return outcome('runAsUser=0', `${who.join(' and ')} must not set runAsUser=0`, items);
}

const CEL = `${CEL_POD_SC}.?runAsUser.orValue(1) != 0 && ${celEveryContainer(`${CEL_SC}.?runAsUser.orValue(1) != 0`)}`;

export default pssRule({
  meta: {
    id: 'workload/run-as-root-user',
    title: 'Container runs as UID 0',
    severity: 'high',
    frameworks: [
      { framework: 'kubescape', id: 'C-0013' },
      { framework: 'trivy', id: 'KSV105' },
      { framework: 'mitre', id: 'T1611' },
    ],
    description: 'runAsUser: 0 runs the container as root explicitly, which also defeats runAsNonRoot.',
    remediation: 'Set runAsUser to a non-zero UID (for example 10001), or remove it and set runAsNonRoot: true.',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted'],
  },
  check: {
    id: 'runAsUser',
    level: 'restricted',
    versions: [
      { since: [1, 23], evaluate: runAsUser, cel: CEL },
      { since: [1, 35], evaluate: (pod) => (inUserNamespace(pod) ? undefined : runAsUser(pod)), cel: celUnless(CEL_USER_NAMESPACE, CEL) },
    ],
  },
});
