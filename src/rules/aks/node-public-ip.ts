import { defineRule } from '../../core/rule.js';
import { flag, POOL_RULE_KINDS, poolsToCheck, reportUnknown } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/node-public-ip',
    title: 'Node pool gives each node a public IP address',
    severity: 'medium',
    pillar: 'network',
    frameworks: [
      { framework: 'cis-aks', id: '5.4.3' },
      { framework: 'checkov', id: 'CKV_AZURE_143' },
    ],
    description:
      'With enableNodePublicIP every node of the pool gets its own internet-routable address: the node, its SSH ' +
      'port, kubelet and any NodePort or hostPort are then one network security group rule away from the ' +
      'internet, and the nodes bypass the cluster egress path. It is off unless set, and each node pool has its ' +
      'own setting.',
    remediation:
      'The setting cannot be changed on an existing pool: add a pool without --enable-node-public-ip ' +
      '(enableNodePublicIP: false; node_public_ip_enabled = false in Terraform), move the workloads, and delete the ' +
      'old pool. Reach nodes through a bastion, and publish services through a load balancer or ingress.',
    references: ['https://learn.microsoft.com/azure/aks/use-node-public-ips'],
  },
  target: { kinds: [...POOL_RULE_KINDS] },
  check(ctx) {
    for (const t of poolsToCheck(ctx.resource, ctx.inventory)) {
      const s = t.pool.get('enableNodePublicIP');
      const verify = t.verify('enableNodePublicIp');
      if (!s.known) {
        reportUnknown(ctx, t.label, s, false, verify);
        continue;
      }
      if (s.absent || flag(s) !== true) continue;
      ctx.report({
        field: s.field,
        message: `${t.label} gives every node a public IP address (enableNodePublicIP is ${JSON.stringify(s.value)})`,
        evidence: { observed: s.value, expected: false, nodePool: t.pool.name },
        verify,
      });
    }
  },
});
