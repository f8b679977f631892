import { defaultDenyRule } from './lib/default-deny.js';

export default defaultDenyRule({
  direction: 'ingress',
  id: 'network/namespace-without-default-deny-ingress',
  title: 'Namespace has no default-deny ingress NetworkPolicy',
  frameworks: [
    { framework: 'cis-aks', id: '4.4.2' },
    { framework: 'kubescape', id: 'C-0054' },
  ],
  description:
    'Kubernetes allows all traffic to a pod until a NetworkPolicy selects it. Without a policy that selects ' +
    'every pod of the namespace (podSelector: {}) for Ingress and allows nothing, every workload no policy ' +
    'restricts (none selects it, or one that does has a rule without from and ports, which allows everything) ' +
    'accepts connections from any pod of any namespace, and every workload deployed later starts that way: ' +
    'one compromised pod can reach them all. The finding is on the Namespace object when the scan has ' +
    'it, else on the first workload of the namespace; kube-system and namespaces holding only AKS components ' +
    'are AKS\'s to manage and are skipped, as are host-network pods, which policies do not cover. A namespace ' +
    'where every workload is already selected by some policy is reported as low.',
  remediation:
    'Add a NetworkPolicy with podSelector: {}, policyTypes: [Ingress] and no ingress rules to the namespace, ' +
    'then allow each flow a workload needs with a policy that selects it (remember the ingress controller, ' +
    'monitoring scrapes and health probes from other namespaces). The cluster must run a network policy engine.',
  enabled: () => true,
});
