import { asString } from '../../core/resource.js';
import type { PodView } from '../../core/workload.js';
import { celUnless } from '../../core/cel.js';
import { allContainers, CEL_SC, CEL_USER_NAMESPACE, celEveryContainer, containerNames, display, inUserNamespace, joinQuote, outcome, pluralize, pssRule, securityContext, unique, type PssItem } from './check.js';

/** procMount must be unset or Default; shared by the baseline and restricted checks. */
export function procMountDefault(pod: PodView) {
  const items: PssItem[] = [];
  for (const c of allContainers(pod)) {
    const raw = securityContext(c)?.procMount;
    if (raw === undefined || raw === null || raw === 'Default') continue;
    const value = asString(raw) ?? display(raw);
    items.push({ field: c.path('securityContext.procMount'), container: c.name, message: `container ${c.name} sets procMount ${value}, unmasking /proc`, observed: value, expected: 'Default' });
  }
  if (items.length === 0) return undefined;
  const names = containerNames(items);
  const values = unique(items.map((i) => display(i.observed)));
  return outcome('procMount', `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must not set securityContext.procMount to ${joinQuote(values)}`, items);
}

/** CEL twin of `procMountDefault`. */
export const CEL_PROC_MOUNT_DEFAULT = celEveryContainer(`${CEL_SC}.?procMount.orValue('Default') == 'Default'`);

export const PROC_MOUNT_META = {
  severity: 'high' as const,
  frameworks: [
    { framework: 'kubescape' as const, id: 'C-0211' },
    { framework: 'trivy' as const, id: 'KSV027' },
    { framework: 'mitre' as const, id: 'T1611' },
  ],
  description: 'An Unmasked /proc exposes kernel interfaces the runtime normally hides, which helps a process break out of the container.',
  remediation: 'Remove securityContext.procMount or set it to Default.',
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
};

export default pssRule({
  meta: { id: 'workload/unmasked-proc-mount', title: 'Container unmasks /proc', ...PROC_MOUNT_META },
  check: {
    id: 'procMount',
    level: 'baseline',
    versions: [
      { since: [1, 0], evaluate: procMountDefault, cel: CEL_PROC_MOUNT_DEFAULT },
      // In a user namespace an unmasked /proc belongs to the pod's own user namespace, not the node's.
      { since: [1, 35], evaluate: (pod) => (inUserNamespace(pod) ? undefined : procMountDefault(pod)), cel: celUnless(CEL_USER_NAMESPACE, CEL_PROC_MOUNT_DEFAULT) },
    ],
  },
});
