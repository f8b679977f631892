import { asObj, asString } from '../../core/resource.js';
import type { PodView } from '../../core/workload.js';
import seccompBaseline from './seccomp-baseline.js';
import { celStrings, celUnless } from '../../core/cel.js';
import { allContainers, CEL_POD_SC, CEL_SC, CEL_WINDOWS_POD, celEveryContainer, isWindowsPod, joinQuote, outcome, pluralize, podSecurityContext, pssRule, securityContext, type PssItem } from './check.js';

const VALID = ['RuntimeDefault', 'Localhost'];
const CROSS_REFS = [
  { framework: 'kubescape' as const, id: 'C-0210' },
  { framework: 'kubescape' as const, id: 'C-0055' },
  { framework: 'kubescape' as const, id: 'C-0211' },
  { framework: 'trivy' as const, id: 'KSV030' },
  { framework: 'kube-score' as const, id: 'container-seccomp-profile' },
];

// A profile set at pod level must be valid; each container needs a valid profile of its own, or none
// and a valid pod profile.
const celValid = (profile: string) => `${profile}.?type.orValue('') in ${celStrings(VALID)}`;
const CEL = [
  `(!${CEL_POD_SC}.?seccompProfile.hasValue() || ${celValid('variables.spec.securityContext.seccompProfile')})`,
  celEveryContainer(`${CEL_SC}.?seccompProfile.hasValue() ? ${celValid('c.securityContext.seccompProfile')} : ${celValid(`${CEL_POD_SC}.?seccompProfile`)}`),
].join(' && ');

function seccompRestricted(pod: PodView) {
  const items: PssItem[] = [];
  const parts: string[] = [];
  const podProfile = asObj(podSecurityContext(pod)?.seccompProfile);
  const podType = asString(podProfile?.type);
  let podSet = false;
  if (podProfile) {
    if (podType !== undefined && VALID.includes(podType)) podSet = true;
    else {
      parts.push(`pod must not set securityContext.seccompProfile.type to ${JSON.stringify(podType ?? '')}`);
      items.push({ field: `${pod.specPath}.securityContext.seccompProfile.type`, message: `pod sets seccompProfile.type ${podType ?? '(empty)'}`, observed: podType ?? null, expected: VALID });
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of allContainers(pod)) {
    const profile = asObj(securityContext(c)?.seccompProfile);
    if (profile) {
      const type = asString(profile.type);
      if (type !== undefined && VALID.includes(type)) continue;
      explicit.push(c.name);
      items.push({ field: c.path('securityContext.seccompProfile.type'), container: c.name, message: `container ${c.name} sets seccompProfile.type ${type ?? '(empty)'}`, observed: type ?? null, expected: VALID });
    } else if (!podSet) {
      implicit.push(c.name);
      items.push({ field: c.path('securityContext.seccompProfile'), container: c.name, message: `container ${c.name} has no seccomp profile (neither it nor the pod sets RuntimeDefault or Localhost)`, observed: null, expected: VALID });
    }
  }
  if (explicit.length)
    parts.push(`${pluralize('container', 'containers', explicit.length)} ${joinQuote(explicit)} must not set securityContext.seccompProfile.type to a value other than "RuntimeDefault" or "Localhost"`);
  if (implicit.length)
    parts.push(`pod or ${pluralize('container', 'containers', implicit.length)} ${joinQuote(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  return outcome('seccompProfile', parts.join('; '), items);
}

export default pssRule({
  meta: {
    id: 'workload/seccomp-profile-missing',
    title: 'No seccomp profile',
    severity: 'medium',
    frameworks: [...CROSS_REFS, { framework: 'mitre', id: 'T1611' }],
    description:
      'Without RuntimeDefault or a Localhost profile the container can make every system call; the restricted profile requires seccomp on every container.',
    remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault at pod level (or on every container).',
    references: ['https://kubernetes.io/docs/tutorials/security/seccomp/'],
  },
  check: {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    versions: [
      { since: [1, 19], overrides: [seccompBaseline.pss], evaluate: seccompRestricted, cel: CEL },
      // Windows has no seccomp.
      {
        since: [1, 25],
        overrides: [seccompBaseline.pss],
        evaluate: (pod) => (isWindowsPod(pod) ? undefined : seccompRestricted(pod)),
        cel: celUnless(CEL_WINDOWS_POD, CEL),
      },
    ],
  },
});
