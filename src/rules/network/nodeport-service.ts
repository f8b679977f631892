import { Memo } from '../../core/memo.js';
import type { Inventory } from '../../core/inventory.js';
import { asObj } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { flag, POOL_RULE_KINDS, poolsToCheck } from '../aks/lib/cluster-settings.js';
import { servicePorts } from './lib/service.js';

// Whether the scan shows node pools whose nodes have public addresses, once per scan.
const PUBLIC_POOLS = new Memo<Inventory, string[]>();

/** `node pool apps of cluster aks1` for every pool in the scan with enableNodePublicIP true. */
function publicNodePools(inventory: Inventory): string[] {
  return PUBLIC_POOLS.of(inventory, (inv) => {
    const labels: string[] = [];
    for (const kind of POOL_RULE_KINDS)
      for (const r of inv.byKind(kind))
        for (const t of poolsToCheck(r, inv)) if (flag(t.pool.get('enableNodePublicIP')) === true) labels.push(t.label);
    return labels;
  });
}

export default defineRule({
  meta: {
    id: 'network/nodeport-service',
    title: 'Service opens a port on every node',
    severity: 'low',
    maxSeverity: 'high',
    pillar: 'network',
    frameworks: [{ framework: 'kube-score', id: 'service-type' }],
    description:
      'A NodePort Service listens on a port of every node, so anything that can reach a node (the virtual network, ' +
      'peered networks, on-premises over VPN, and the internet when nodes have public IPs) reaches the pods. With ' +
      'externalTrafficPolicy Cluster the node replaces the client address with its own, so NetworkPolicies cannot ' +
      'tell clients apart. The finding is high when the scan shows node pools with public IPs. LoadBalancer ' +
      'Services also get node ports, but the load balancer is their entry point and the load-balancer rule covers ' +
      'them; reporting their node ports too would be one problem twice.',
    remediation:
      'Use a ClusterIP Service behind an ingress controller, or an internal load balancer ' +
      '(service.beta.kubernetes.io/azure-load-balancer-internal: "true") for clients in the virtual network.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
      'https://learn.microsoft.com/azure/aks/concepts-network-services',
    ],
  },
  target: { kinds: ['Service'] },
  check(ctx) {
    const spec = asObj(ctx.resource.object.spec) ?? {};
    if (spec.type !== 'NodePort') return;
    const svc = ctx.resource;
    const name = `${svc.namespace ? `${svc.namespace}/` : ''}${svc.name}`;
    const nodePorts = servicePorts(spec, 'nodePort');
    const ports = nodePorts ? `node ${nodePorts.includes(',') ? 'ports' : 'port'} ${nodePorts}` : 'a node port (30000-32767)';
    const publicPools = publicNodePools(ctx.inventory);
    ctx.report({
      field: 'spec.type',
      ...(publicPools.length ? { severity: 'high' as const } : {}),
      message:
        `Service ${name} opens ${ports} on every node` +
        (publicPools.length
          ? `, and ${publicPools[0]}${publicPools.length > 1 ? ` (and ${publicPools.length - 1} more)` : ''} gives nodes public IP addresses: the port is one network security group rule away from the internet`
          : ': anything that can reach a node can connect'),
      evidence: { observed: 'NodePort', expected: 'ClusterIP, or an internal LoadBalancer', ...(publicPools.length ? { publicNodePools: publicPools } : {}) },
    });
  },
});
