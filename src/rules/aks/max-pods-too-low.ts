import type { AksCluster } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { fieldOf, POOL_RULE_KINDS, poolsToCheck, type PoolTarget, reportUnknown, text } from './lib/cluster-settings.js';

const MINIMUM = 50;

/** What AKS sets when maxPods is not given: it depends on the network plugin. `undefined` when the scan cannot tell. */
function serviceDefault(cluster: AksCluster | undefined, t: PoolTarget): { value: number; why: string } | undefined {
  if (!cluster) return undefined;
  const plugin = cluster.get('networkProfile.networkPlugin');
  const mode = cluster.get('networkProfile.networkPluginMode');
  if (!plugin.known || plugin.absent || !mode.known) return undefined;
  const name = text(plugin)?.toLowerCase();
  if (name === 'kubenet') return { value: 110, why: 'kubenet' };
  if (name !== 'azure') return undefined;
  if (text(mode)?.toLowerCase() === 'overlay') return { value: 250, why: 'Azure CNI Overlay' };
  // Pods taking addresses from a separate pod subnet get a different default; leave it undecided.
  const podSubnet = t.pool.get('podSubnetID');
  if (!podSubnet.known || !podSubnet.absent) return undefined;
  return { value: 30, why: 'Azure CNI' };
}

export default defineRule({
  meta: {
    id: 'aks/max-pods-too-low',
    title: 'Node pool allows fewer than 50 pods per node',
    severity: 'low',
    pillar: 'configuration',
    frameworks: [{ framework: 'checkov', id: 'CKV_AZURE_168' }],
    description:
      'Every node runs the DaemonSets of the platform and of the security add-ons (Defender, Azure Policy, ' +
      'CSI drivers, monitoring agents, network policy). With a low pod limit these crowd out workloads or fail ' +
      'to schedule on new nodes, and the limit cannot be raised on an existing pool. When maxPods is not set ' +
      'AKS picks it from the network plugin: 30 for Azure CNI with node-subnet addresses, 110 for kubenet, 250 ' +
      'for Azure CNI Overlay; where the scan cannot tell which applies it reports that as info.',
    remediation:
      'Create node pools with --max-pods 50 or more (maxPods; max_pods in Terraform), sized to the subnet, and ' +
      'move the workloads; maxPods cannot be changed on an existing pool.',
    references: ['https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning#maximum-pods-per-node'],
  },
  target: { kinds: [...POOL_RULE_KINDS] },
  check(ctx) {
    for (const t of poolsToCheck(ctx.resource, ctx.inventory)) {
      const s = t.pool.get('maxPods');
      const verify = t.verify('maxPods');
      if (!s.known) {
        reportUnknown(ctx, t.label, s, `>= ${MINIMUM}`, verify);
        continue;
      }
      if (s.absent) {
        const d = serviceDefault(t.cluster, t);
        if (d === undefined) {
          ctx.report({
            field: fieldOf(s),
            severity: 'info',
            message: `${t.label} does not set maxPods, and its default (30 to 250, by network plugin) cannot be decided from the source`,
            evidence: { observed: { notSet: true }, expected: `>= ${MINIMUM}`, nodePool: t.pool.name },
            verify,
          });
        } else if (d.value < MINIMUM) {
          ctx.report({
            field: fieldOf(s),
            message: `${t.label} does not set maxPods: with ${d.why} it gets ${d.value} pods per node, fewer than ${MINIMUM}`,
            evidence: { observed: { notSet: true, serviceDefault: d.value }, expected: `>= ${MINIMUM}`, nodePool: t.pool.name },
            verify,
          });
        }
        continue;
      }
      const n = typeof s.value === 'number' ? s.value : typeof s.value === 'string' && /^\d+$/.test(s.value.trim()) ? Number(s.value) : NaN;
      if (n >= MINIMUM) continue;
      ctx.report({
        field: fieldOf(s),
        message: Number.isNaN(n)
          ? `${t.label} sets maxPods to ${JSON.stringify(s.value)}, not a number of at least ${MINIMUM}`
          : `${t.label} allows ${n} pods per node, fewer than ${MINIMUM}`,
        evidence: { observed: s.value, expected: `>= ${MINIMUM}`, nodePool: t.pool.name },
        verify,
      });
    }
  },
});
