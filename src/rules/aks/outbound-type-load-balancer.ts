import { aksVerify, CLUSTER_KINDS, type AksCluster, type Setting } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, isAutomatic, observed, text } from './lib/cluster-settings.js';

/**
 * Outbound types whose egress goes straight to the internet from addresses AKS or the NAT gateway owns, to
 * any destination. (`none` and `block` give nodes no managed egress path at all; `userDefinedRouting` sends
 * it where the route table says, normally a firewall.)
 */
const UNFILTERED: ReadonlyMap<string, string> = new Map([
  ['loadbalancer', 'out through its load balancer'],
  ['managednatgateway', 'out through an AKS-managed NAT gateway'],
  ['managednatgatewayv2', 'out through an AKS-managed NAT gateway'],
  ['userassignednatgateway', 'out through the NAT gateway of its subnet'],
]);

/** NAT gateways AKS creates live in the virtual network AKS manages, where no route table of yours applies. */
const MANAGED_VNET = ['managednatgateway', 'managednatgatewayv2'];

export default defineRule({
  meta: {
    id: 'aks/outbound-type-load-balancer',
    title: 'Egress goes straight to the internet (load balancer or NAT gateway), not through a firewall you control',
    // A hardening gap, not an exposure: nothing becomes reachable from outside, and egress can also be
    // limited inside the cluster (NetworkPolicy, Cilium FQDN policies). It matters once a pod is compromised.
    severity: 'low',
    pillar: 'network',
    frameworks: [],
    description:
      'With outboundType loadBalancer (the default), managedNATGateway (what AKS Automatic uses in the virtual ' +
      'network AKS manages) or userAssignedNATGateway, pods and nodes reach the internet through the public IPs ' +
      'of the load balancer or NAT gateway, to any destination: a NAT gateway translates addresses but filters ' +
      'nothing, so nothing outside the cluster can filter, log or alert on egress, and a compromised pod can ' +
      'download tools, call its command-and-control server or exfiltrate data freely. userDefinedRouting ' +
      'through Azure Firewall or a network virtual appliance puts egress under a policy you own (FQDN ' +
      'allow-lists, threat intelligence, logs).',
    remediation:
      'Route egress through a firewall: outboundType userDefinedRouting with a route table on the node subnet ' +
      'pointing 0.0.0.0/0 at Azure Firewall or an appliance (az aks update --outbound-type userDefinedRouting; ' +
      'network_profile { outbound_type = "userDefinedRouting" } in Terraform), and allow only the destinations ' +
      'AKS and the workloads need. userDefinedRouting needs the cluster in your own virtual network: a cluster ' +
      'in the virtual network AKS manages (managedNATGateway, an AKS Automatic cluster created without a custom ' +
      'virtual network) cannot switch in place and has to be created again in your own subnet (az aks create ' +
      '--vnet-subnet-id <subnet> --outbound-type userDefinedRouting; for Automatic, its custom virtual network ' +
      'setup). Until then, limit egress inside the cluster (Cilium FQDN network policies, egress NetworkPolicies).',
    references: [
      'https://learn.microsoft.com/azure/aks/egress-outboundtype',
      'https://learn.microsoft.com/azure/aks/limit-egress-traffic',
      'https://learn.microsoft.com/azure/aks/nat-gateway',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('networkProfile.outboundType');
    // Low severity: an undecidable value is not worth a finding.
    if (!s.known) return;
    const type = s.absent ? 'loadbalancer' : text(s)?.trim().toLowerCase();
    const route = type === undefined ? undefined : UNFILTERED.get(type);
    if (route === undefined) return;
    ctx.report({
      field: s.field,
      message:
        `cluster ${cluster.name} sends egress straight ${route} (${describe(s)}): no firewall filters outbound traffic` +
        (type !== undefined && MANAGED_VNET.includes(type) ? `; ${managedVnetNote(cluster)}` : ''),
      evidence: { observed: observed(s, 'loadBalancer'), expected: 'userDefinedRouting (through a firewall)' },
      verify: aksVerify(cluster, 'networkProfile.outboundType'),
    });
  },
});

function describe(s: Setting): string {
  return `networkProfile.outboundType ${s.absent ? 'not set, default loadBalancer' : `is ${JSON.stringify(s.value)}`}`;
}

/** A managed NAT gateway means the virtual network AKS manages: the firewall route needs a new cluster in yours. */
function managedVnetNote(cluster: AksCluster): string {
  const automatic = isAutomatic(cluster) ? ' (an AKS Automatic cluster created with a custom virtual network)' : '';
  return (
    `the cluster is in the virtual network AKS manages, so userDefinedRouting through a firewall needs it created again in a subnet of yours${automatic}; ` +
    'meanwhile limit egress inside the cluster (Cilium FQDN network policies)'
  );
}
