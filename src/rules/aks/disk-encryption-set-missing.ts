import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, fieldOf, observed, reportUnknown, text } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/disk-encryption-set-missing',
    title: 'Node disks are not encrypted with customer-managed keys',
    severity: 'low',
    pillar: 'configuration',
    frameworks: [
      { framework: 'checkov', id: 'CKV_AZURE_117' },
      { framework: 'azure-policy', id: '7d7be79c-23ba-4033-84dd-45e2a5ccdd67' },
    ],
    description:
      'Without a disk encryption set, node OS and data disks are encrypted with platform-managed keys only. A ' +
      'disk encryption set encrypts them with a customer-managed key in Key Vault, which the organisation can ' +
      'rotate, audit and revoke. The setting is chosen when the cluster is created.',
    remediation:
      'Create a disk encryption set backed by a Key Vault key and set diskEncryptionSetID on the cluster ' +
      '(az aks create --node-osdisk-diskencryptionset-id <id>; disk_encryption_set_id in Terraform). Existing ' +
      'clusters need new node pools or a new cluster.',
    references: ['https://learn.microsoft.com/azure/aks/azure-disk-customer-managed-keys'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('diskEncryptionSetID');
    const verify = aksVerify(cluster, 'diskEncryptionSetId');
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, 'a disk encryption set id', verify);
    if ((text(s) ?? '').trim() !== '') return;
    ctx.report({
      field: fieldOf(s),
      message: `cluster ${cluster.name} has no disk encryption set: node disks use platform-managed keys only`,
      evidence: { observed: observed(s, null), expected: 'a disk encryption set resource id' },
      verify,
    });
  },
});
