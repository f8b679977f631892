import { asObj, asString, type Obj } from '../../core/resource.js';
import type { PodView } from '../../core/workload.js';
import { celStrings } from '../../core/cel.js';
import { allContainers, CEL_POD_SC, CEL_SC, celEveryContainer, outcome, podSecurityContext, pssRule, securityContext, unique, type PssItem } from './check.js';

const TYPES_1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const TYPES_1_31 = [...TYPES_1_0, 'container_engine_t'];

/** CEL: the seLinuxOptions under a securityContext (optional) have an allowed type and no user or role. */
const celOptions = (sc: string, allowedTypes: readonly string[]) =>
  `${sc}.?seLinuxOptions.?type.orValue('') in ${celStrings(allowedTypes)} && ${sc}.?seLinuxOptions.?user.orValue('') == '' && ${sc}.?seLinuxOptions.?role.orValue('') == ''`;
const celSeLinux = (allowedTypes: readonly string[]) => `${celOptions(CEL_POD_SC, allowedTypes)} && ${celEveryContainer(celOptions(CEL_SC, allowedTypes))}`;

const seLinux = (allowedTypes: readonly string[]) => (pod: PodView) => {
  const items: PssItem[] = [];
  const badTypes: string[] = [];
  const setUser: string[] = [];
  const setRole: string[] = [];
  const inspect = (opts: Obj | undefined, path: string, who: string, container?: string) => {
    if (!opts) return;
    const type = asString(opts.type) ?? '';
    if (!allowedTypes.includes(type)) {
      badTypes.push(type);
      items.push({ field: `${path}.type`, ...(container !== undefined ? { container } : {}), message: `${who} sets seLinuxOptions.type ${type}`, observed: type, expected: allowedTypes.filter(Boolean) });
    }
    for (const key of ['user', 'role'] as const) {
      const value = asString(opts[key]) ?? '';
      if (value === '') continue;
      (key === 'user' ? setUser : setRole).push(value);
      items.push({ field: `${path}.${key}`, ...(container !== undefined ? { container } : {}), message: `${who} sets seLinuxOptions.${key} ${value}`, observed: value, expected: 'unset' });
    }
  };
  inspect(asObj(podSecurityContext(pod)?.seLinuxOptions), `${pod.specPath}.securityContext.seLinuxOptions`, 'pod');
  for (const c of allContainers(pod)) inspect(asObj(securityContext(c)?.seLinuxOptions), c.path('securityContext.seLinuxOptions'), `container ${c.name}`, c.name);
  const parts: string[] = [];
  if (badTypes.length) parts.push(`type ${unique(badTypes).map((t) => JSON.stringify(t)).join(', ')}`);
  if (setUser.length) parts.push(`user ${unique(setUser).map((t) => JSON.stringify(t)).join(', ')}`);
  if (setRole.length) parts.push(`role ${unique(setRole).map((t) => JSON.stringify(t)).join(', ')}`);
  return outcome('seLinuxOptions', `forbidden securityContext.seLinuxOptions: ${parts.join('; ')}`, items);
};

export default pssRule({
  meta: {
    id: 'workload/selinux-custom-options',
    title: 'Custom SELinux user, role or type',
    severity: 'high',
    frameworks: [{ framework: 'trivy', id: 'KSV025' }],
    description: 'Setting an SELinux user, role or a type outside the container_* types can lift the mandatory access control that confines the container.',
    remediation: 'Remove seLinuxOptions.user and .role, and use one of the container_* types (or none).',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
  },
  check: {
    id: 'seLinuxOptions',
    level: 'baseline',
    versions: [
      { since: [1, 0], evaluate: seLinux(TYPES_1_0), cel: celSeLinux(TYPES_1_0) },
      { since: [1, 31], evaluate: seLinux(TYPES_1_31), cel: celSeLinux(TYPES_1_31) },
    ],
  },
});
