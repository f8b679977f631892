import type { PodView } from '../../core/workload.js';
import { celUnless } from '../../core/cel.js';
import { allContainers, CEL_SC, CEL_WINDOWS_POD, celEveryContainer, containerNames, isWindowsPod, joinQuote, outcome, pluralize, pssRule, securityContext, type PssItem } from './check.js';

function allowPrivilegeEscalation(pod: PodView) {
  const items: PssItem[] = [];
  for (const c of allContainers(pod)) {
    const value = securityContext(c)?.allowPrivilegeEscalation;
    if (value === false) continue;
    items.push({
      field: c.path('securityContext.allowPrivilegeEscalation'),
      container: c.name,
      message: value === true ? `container ${c.name} sets allowPrivilegeEscalation: true` : `container ${c.name} does not set allowPrivilegeEscalation: false`,
      observed: value ?? null,
      expected: false,
    });
  }
  if (items.length === 0) return undefined;
  const names = containerNames(items);
  return outcome('allowPrivilegeEscalation != false', `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must set securityContext.allowPrivilegeEscalation=false`, items);
}

const CEL = celEveryContainer(`${CEL_SC}.?allowPrivilegeEscalation.orValue(true) == false`);

export default pssRule({
  meta: {
    id: 'workload/privilege-escalation-allowed',
    title: 'Container allows privilege escalation',
    severity: 'medium',
    frameworks: [
      { framework: 'cis-aks', id: '4.2.5' },
      { framework: 'kubescape', id: 'C-0016' },
      { framework: 'trivy', id: 'KSV001' },
      { framework: 'mitre', id: 'T1548' },
    ],
    description:
      'Unless allowPrivilegeEscalation is false, a process can gain more privileges than its parent (setuid binaries, file capabilities): the kernel no_new_privs flag is off.',
    remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted'],
  },
  check: {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    versions: [
      { since: [1, 8], evaluate: allowPrivilegeEscalation, cel: CEL },
      // Windows has no setuid: the field does not apply.
      { since: [1, 25], evaluate: (pod) => (isWindowsPod(pod) ? undefined : allowPrivilegeEscalation(pod)), cel: celUnless(CEL_WINDOWS_POD, CEL) },
    ],
  },
});
