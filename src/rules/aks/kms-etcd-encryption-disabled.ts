import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, fieldOf, flag, observed, reportUnknown } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/kms-etcd-encryption-disabled',
    title: 'Kubernetes secrets are not encrypted with a Key Vault key (KMS)',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: [
      { framework: 'cis-aks', id: '5.3.1' },
      { framework: 'azure-policy', id: 'dbbdc317-9734-4dd8-9074-993b29c69008' },
    ],
    description:
      'AKS encrypts etcd at rest with platform-managed keys. The KMS plugin adds envelope encryption of Secrets ' +
      'and other resources with a key the organisation holds in Azure Key Vault: the key can be rotated, its use ' +
      'audited, and access to it revoked, independently of the platform. securityProfile.azureKeyVaultKms.enabled ' +
      'is false unless set.',
    remediation:
      'Enable KMS with a Key Vault key (az aks update --enable-azure-keyvault-kms --azure-keyvault-kms-key-id <key id> ' +
      '--azure-keyvault-kms-key-vault-network-access Private --azure-keyvault-kms-key-vault-resource-id <vault id>), ' +
      'or set securityProfile.azureKeyVaultKms {enabled: true, keyId, keyVaultNetworkAccess} in the template ' +
      '(key_management_service {} in Terraform).',
    references: [
      'https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption',
      'https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('securityProfile.azureKeyVaultKms.enabled');
    const verify = aksVerify(cluster, 'securityProfile.azureKeyVaultKms.enabled');
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, true, verify);
    if (flag(s) === true) return;
    ctx.report({
      field: fieldOf(s),
      message: `cluster ${cluster.name} does not encrypt Kubernetes secrets with a Key Vault key: KMS is ${s.absent ? 'not configured' : `enabled: ${JSON.stringify(s.value)}`}`,
      evidence: { observed: observed(s, false), expected: true },
      verify,
    });
  },
});
