import { usesHostNetwork } from '../../analyses/network/workloads.js';
import { defineRule } from '../../core/rule.js';
import { selectingPolicies } from './lib/bypass.js';

export default defineRule({
  meta: {
    id: 'network/host-network-bypasses-policies',
    title: 'Host-network pod is outside NetworkPolicies',
    severity: 'high',
    pillar: 'network',
    frameworks: [
      { framework: 'cis-aks', id: '4.2.4' },
      { framework: 'kubescape', id: 'C-0041' },
      { framework: 'checkov', id: 'CKV_K8S_19' },
      { framework: 'trivy', id: 'KSV009' },
    ],
    description:
      'A pod with hostNetwork: true uses the node\'s network stack and the node\'s address. Kubernetes leaves ' +
      'NetworkPolicy for such pods to the network plugin, and the engines AKS offers (Azure Network Policy ' +
      'Manager, Calico, Cilium) treat their traffic as the node\'s: a default deny does not stop it, it can reach ' +
      'every service the node can, node-local ones included, and it is reached on every port it listens on. The Pod Security rule ' +
      'workload/host-namespace reports the same field; when both run, its finding stands for both, so this one ' +
      'shows on its own only in network-only scans (--pillar network).',
    remediation:
      'Remove hostNetwork (or set it to false) and expose the pod through a Service. Node agents that truly need ' +
      'the node\'s network belong in a namespace of their own, restricted by the node\'s network security group.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    ],
  },
  target: { pods: true },
  // The Pod Security check reports hostNetwork on the same field: one problem, one finding.
  supersedes: ['workload/host-namespace'],
  check(ctx) {
    const pod = ctx.pod();
    if (!pod || !usesHostNetwork(pod.spec)) return;
    ctx.report({
      field: `${pod.specPath}.hostNetwork`,
      message: `pod uses the node's network (hostNetwork: true): NetworkPolicies do not apply to it${selectingPolicies(ctx, pod, 'it')}`,
      evidence: { observed: true, expected: false },
    });
  },
});
