import { defineRule } from '../../core/rule.js';
import { fieldOf, POOL_RULE_KINDS, poolsToCheck, reportUnknown, text } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/node-pool-not-scale-set',
    title: 'Node pool uses legacy availability sets',
    severity: 'low',
    pillar: 'configuration',
    frameworks: [{ framework: 'checkov', id: 'CKV_AZURE_169' }],
    description:
      'Availability-set node pools are a retired AKS model: they allow a single pool, no autoscaling, no node ' +
      'image auto-upgrade, no availability zones and none of the newer node security features (Trusted Launch, ' +
      'SSH control, node OS channels). VirtualMachineScaleSets (the default) or VirtualMachines pools support ' +
      'them. Only type AvailabilitySet is reported.',
    remediation:
      'Migrate to a cluster with VirtualMachineScaleSets node pools (type: VirtualMachineScaleSets; the default ' +
      'for az aks create and Terraform).',
    references: ['https://learn.microsoft.com/azure/aks/availability-sets-on-aks'],
  },
  target: { kinds: [...POOL_RULE_KINDS] },
  check(ctx) {
    for (const t of poolsToCheck(ctx.resource, ctx.inventory)) {
      const s = t.pool.get('type');
      const verify = t.verify('type');
      if (!s.known) {
        reportUnknown(ctx, t.label, s, 'VirtualMachineScaleSets', verify);
        continue;
      }
      if (text(s)?.toLowerCase() !== 'availabilityset') continue;
      ctx.report({
        field: fieldOf(s),
        message: `${t.label} is an availability-set pool (type ${JSON.stringify(s.value)}), not a virtual machine scale set`,
        evidence: { observed: s.value, expected: 'VirtualMachineScaleSets', nodePool: t.pool.name },
        verify,
      });
    }
  },
});
