import { defaultDenyRule } from './lib/default-deny.js';

export default defaultDenyRule({
  direction: 'egress',
  id: 'network/namespace-without-default-deny-egress',
  title: 'Namespace has no default-deny egress NetworkPolicy',
  frameworks: [{ framework: 'cis-aks', id: '4.4.2' }],
  description:
    'Without a NetworkPolicy that selects every pod of the namespace (podSelector: {}) for Egress and allows ' +
    'nothing but DNS (port 53: one policy that denies the rest and allows name resolution counts), a workload no egress policy names can connect to any pod, to the node and cloud metadata ' +
    'endpoints, and to the internet: a compromised pod can move laterally and send data out. The rule runs ' +
    'only when settings.network.requireDefaultDenyEgress is true, because denying egress means listing every ' +
    'destination the workloads use (DNS, the API server, Azure services). It reports like the ingress rule: ' +
    'once per namespace, on the Namespace object or else its first workload.',
  remediation:
    'Add a NetworkPolicy with podSelector: {}, policyTypes: [Egress] and no egress rules to the namespace, then ' +
    'allow DNS (kube-system/kube-dns on UDP and TCP 53) and each destination a workload needs; for the internet, ' +
    'prefer the cluster egress firewall to broad ipBlock rules.',
  enabled: (settings) => settings.network.requireDefaultDenyEgress,
});
