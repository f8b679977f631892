import type { FrameworkRef } from '../../core/frameworks.js';
import { outcome, pssRule, type PssItem } from './check.js';

const NAMESPACES: Array<{ field: 'hostNetwork' | 'hostPID' | 'hostIPC'; what: string; refs: FrameworkRef[] }> = [
  {
    field: 'hostNetwork',
    what: "the node's network namespace: it can bind node ports and reach node-local services",
    refs: [{ framework: 'cis-aks', id: '4.2.4' }, { framework: 'kubescape', id: 'C-0041' }, { framework: 'trivy', id: 'KSV009' }],
  },
  {
    field: 'hostPID',
    what: "the node's process namespace: it can see and signal every process on the node",
    refs: [{ framework: 'cis-aks', id: '4.2.2' }, { framework: 'kubescape', id: 'C-0275' }, { framework: 'trivy', id: 'KSV010' }],
  },
  {
    field: 'hostIPC',
    what: "the node's IPC namespace: it can read other processes' shared memory",
    refs: [{ framework: 'cis-aks', id: '4.2.3' }, { framework: 'kubescape', id: 'C-0276' }, { framework: 'trivy', id: 'KSV008' }],
  },
];

export default pssRule({
  meta: {
    id: 'workload/host-namespace',
    title: "Pod shares the node's namespaces",
    severity: 'high',
    frameworks: [{ framework: 'mitre', id: 'T1611' }, ...NAMESPACES.flatMap((n) => n.refs)],
    description: 'Sharing the host network, PID or IPC namespace removes the isolation between the pod and the node.',
    remediation:
      'Remove hostNetwork, hostPID and hostIPC (or set them to false). Node agents that truly need them (metrics ' +
      'exporters, CNI and CSI node plugins) belong in a namespace of their own labelled ' +
      'pod-security.kubernetes.io/enforce: privileged, with an exception in .palisade.yaml that names them and why, ' +
      'running as a non-root user without added capabilities where they can.',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
  },
  check: {
    id: 'hostNamespaces',
    level: 'baseline',
    versions: [
      {
        since: [1, 0],
        cel: NAMESPACES.map((n) => `variables.spec.?${n.field}.orValue(false) != true`).join(' && '),
        evaluate(pod) {
          const items: PssItem[] = [];
          for (const ns of NAMESPACES)
            if (pod.spec[ns.field] === true)
              items.push({ field: `${pod.specPath}.${ns.field}`, message: `pod sets ${ns.field}: true and shares ${ns.what}`, observed: true, expected: false, frameworks: [{ framework: 'mitre', id: 'T1611' }, ...ns.refs] });
          return outcome('host namespaces', items.map((i) => `${i.field.split('.').pop()}=true`).join(', '), items);
        },
      },
    ],
  },
});
