import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, observed, text } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/outbound-type-load-balancer',
    title: 'Egress leaves through the cluster load balancer, not a firewall you control',
    // A hardening gap, not an exposure: nothing becomes reachable from outside, and egress can also be
    // limited inside the cluster (NetworkPolicy, Cilium FQDN policies). It matters once a pod is compromised.
    severity: 'low',
    pillar: 'network',
    frameworks: [],
    description:
      'With outboundType loadBalancer (the default) pods and nodes reach the internet through the public IPs of ' +
      'the AKS-managed load balancer, to any destination: nothing outside the cluster can filter, log or alert on ' +
      'egress, so a compromised pod can download tools, call its command-and-control server or exfiltrate data ' +
      'freely. userDefinedRouting through Azure Firewall or a network virtual appliance puts egress under a policy ' +
      'you own (FQDN allow-lists, threat intelligence, logs).',
    remediation:
      'Route egress through a firewall: outboundType userDefinedRouting with a route table on the node subnet ' +
      'pointing 0.0.0.0/0 at Azure Firewall or an appliance (az aks update --outbound-type userDefinedRouting; ' +
      'network_profile { outbound_type = "userDefinedRouting" } in Terraform), and allow only the destinations ' +
      'AKS and the workloads need.',
    references: [
      'https://learn.microsoft.com/azure/aks/egress-outboundtype',
      'https://learn.microsoft.com/azure/aks/limit-egress-traffic',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('networkProfile.outboundType');
    // Low severity: an undecidable value is not worth a finding.
    if (!s.known) return;
    if (!s.absent && text(s)?.trim().toLowerCase() !== 'loadbalancer') return;
    ctx.report({
      field: s.field,
      message: `cluster ${cluster.name} sends egress straight out through its load balancer (networkProfile.outboundType ${s.absent ? 'not set, default loadBalancer' : `is ${JSON.stringify(s.value)}`}): no firewall filters outbound traffic`,
      evidence: { observed: observed(s, 'loadBalancer'), expected: 'userDefinedRouting (through a firewall)' },
      verify: aksVerify(cluster, 'networkProfile.outboundType'),
    });
  },
});
