import { defineRule } from '../../core/rule.js';
import { fieldOf, POOL_RULE_KINDS, poolsToCheck, reportUnknown, text } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/ephemeral-os-disk-not-used',
    title: 'Node pool OS disks are not ephemeral',
    severity: 'low',
    pillar: 'configuration',
    frameworks: [{ framework: 'checkov', id: 'CKV_AZURE_226' }],
    description:
      'An ephemeral OS disk lives on the VM host and is never written to Azure Storage: whatever lands on a ' +
      'node\'s OS disk (container layers, logs, secrets written by pods) does not outlive the VM, and a reimage ' +
      'returns the node to a clean state. Managed OS disks persist in storage. When osDiskType is not set, AKS ' +
      'picks Ephemeral only if the VM size\'s cache or temp disk can hold the OS disk, which the rule cannot ' +
      'know offline (it reports that as info); the Terraform provider sends Managed unless told otherwise.',
    remediation:
      'Create node pools with ephemeral OS disks on a VM size whose cache or temp disk fits the OS disk (az aks ' +
      'nodepool add --node-osdisk-type Ephemeral; osDiskType: Ephemeral; os_disk_type = "Ephemeral" in Terraform).',
    references: ['https://learn.microsoft.com/azure/aks/concepts-storage#ephemeral-os-disk'],
  },
  target: { kinds: [...POOL_RULE_KINDS] },
  check(ctx) {
    for (const t of poolsToCheck(ctx.resource, ctx.inventory)) {
      const s = t.pool.get('osDiskType');
      const verify = t.verify('osDiskType');
      if (!s.known) {
        reportUnknown(ctx, t.label, s, 'Ephemeral', verify);
        continue;
      }
      const terraform = t.pool.resource.kind.startsWith('azurerm_');
      if (s.absent && !terraform) {
        ctx.report({
          field: fieldOf(s),
          severity: 'info',
          message: `${t.label} does not set osDiskType: AKS makes it Ephemeral only when the VM size can hold the OS disk locally`,
          evidence: { observed: { notSet: true }, expected: 'Ephemeral', nodePool: t.pool.name },
          verify,
        });
        continue;
      }
      if (text(s)?.toLowerCase() === 'ephemeral') continue;
      ctx.report({
        field: fieldOf(s),
        message: `${t.label} uses ${s.absent ? 'managed OS disks (os_disk_type not set; the Terraform provider default is Managed)' : `OS disk type ${JSON.stringify(s.value)}`}, not ephemeral OS disks`,
        evidence: { observed: s.absent ? { notSet: true, providerDefault: 'Managed' } : s.value, expected: 'Ephemeral', nodePool: t.pool.name },
        verify,
      });
    }
  },
});
