import { asArray, asObj, asString } from '../../core/resource.js';
import type { PodView } from '../../core/workload.js';
import { celStrings } from '../../core/cel.js';
import { CEL_POD_SC, outcome, podSecurityContext, pssRule, type PssItem } from './check.js';

// The safe, namespaced sysctls; each Kubernetes release that proved more of them safe extends the list.
const SAFE_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const SAFE_1_27 = [...SAFE_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SAFE_1_29 = [...SAFE_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SAFE_1_32 = [...SAFE_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SAFE_1_37 = [...SAFE_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

const celSysctls = (safe: readonly string[]) => `${CEL_POD_SC}.?sysctls.orValue([]).all(s, s.?name.orValue('') in ${celStrings(safe)})`;

const sysctls = (safe: readonly string[]) => (pod: PodView) => {
  const items: PssItem[] = [];
  asArray(podSecurityContext(pod)?.sysctls).forEach((raw, i) => {
    const name = asString(asObj(raw)?.name) ?? '';
    if (safe.includes(name)) return;
    items.push({ field: `${pod.specPath}.securityContext.sysctls[${i}].name`, message: `pod sets unsafe sysctl ${name}`, observed: name, expected: safe });
  });
  return outcome('forbidden sysctls', items.map((i) => String(i.observed)).join(', '), items);
};

export default pssRule({
  meta: {
    id: 'workload/unsafe-sysctl',
    title: 'Pod sets an unsafe sysctl',
    severity: 'high',
    frameworks: [
      { framework: 'kubescape', id: 'C-0211' },
      { framework: 'trivy', id: 'KSV026' },
    ],
    description: 'Sysctls outside the safe, namespaced set change kernel settings for the whole node or disable security mechanisms.',
    remediation: 'Remove the sysctl, or set it on the node pool (AKS custom node configuration) where it is reviewed once.',
    references: ['https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/'],
  },
  check: {
    id: 'sysctls',
    level: 'baseline',
    versions: [
      { since: [1, 0], evaluate: sysctls(SAFE_1_0), cel: celSysctls(SAFE_1_0) },
      { since: [1, 27], evaluate: sysctls(SAFE_1_27), cel: celSysctls(SAFE_1_27) },
      { since: [1, 29], evaluate: sysctls(SAFE_1_29), cel: celSysctls(SAFE_1_29) },
      { since: [1, 32], evaluate: sysctls(SAFE_1_32), cel: celSysctls(SAFE_1_32) },
      { since: [1, 37], evaluate: sysctls(SAFE_1_37), cel: celSysctls(SAFE_1_37) },
    ],
  },
});
