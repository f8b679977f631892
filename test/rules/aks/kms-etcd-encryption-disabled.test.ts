import rule from '../../../src/rules/aks/kms-etcd-encryption-disabled.js';
import { aksRuleTester, cliCluster, restCluster, templateCluster, tfCluster, unknown } from './aks-tester.js';

const KMS = { enabled: true, keyId: 'https://kv1.vault.azure.net/keys/etcd/0123', keyVaultNetworkAccess: 'Private' };

aksRuleTester(rule, {
  valid: [
    { name: 'REST body with KMS', resources: [restCluster('aks1', { securityProfile: { azureKeyVaultKms: KMS } })] },
    { name: 'az aks show with KMS', resources: [cliCluster('aks1', { securityProfile: { azureKeyVaultKms: KMS, defender: null } })] },
    { name: 'template with the string "true"', resources: [templateCluster('aks1', { securityProfile: { azureKeyVaultKms: { enabled: 'True' } } })] },
    { name: 'Terraform key_management_service block', resources: [tfCluster('main', { key_management_service: [{ key_vault_key_id: 'https://kv1.vault.azure.net/keys/etcd/1' }] })] },
  ],
  invalid: [
    {
      name: 'REST body without a security profile: KMS is off by default',
      resources: [restCluster('aks1', { enableRBAC: true })],
      findings: [
        {
          field: 'properties.securityProfile.azureKeyVaultKms.enabled',
          severity: 'medium',
          message: 'cluster aks1 does not encrypt Kubernetes secrets with a Key Vault key: KMS is not configured',
          verify: 'az aks show --resource-group rg-prod --name aks1 --query securityProfile.azureKeyVaultKms.enabled',
          evidence: { observed: { notSet: true, serviceDefault: false }, expected: true },
        },
      ],
    },
    {
      name: 'az aks show with KMS disabled',
      resources: [cliCluster('aks1', { securityProfile: { azureKeyVaultKms: { enabled: false, keyId: null } } })],
      findings: [{ field: 'securityProfile.azureKeyVaultKms.enabled', message: /KMS is enabled: false/, evidence: { observed: false } }],
    },
    {
      name: 'az aks show with azureKeyVaultKms null',
      resources: [cliCluster('aks1', { securityProfile: { azureKeyVaultKms: null } })],
      findings: [{ field: 'securityProfile.azureKeyVaultKms.enabled', message: /not configured/ }],
    },
    {
      name: 'Terraform without key_management_service',
      resources: [tfCluster('main', { key_management_service: [] })],
      findings: [{ field: 'key_management_service', resource: 'azurerm_kubernetes_cluster/main' }],
    },
    {
      name: 'unknown: a template parameter without default',
      resources: [templateCluster('aks1', { securityProfile: { azureKeyVaultKms: { enabled: unknown("parameter 'kms' has no default value") } } })],
      findings: [{ field: 'properties.securityProfile.azureKeyVaultKms.enabled', severity: 'info', message: /parameter 'kms' has no default value/, evidence: { observed: 'unknown' } }],
    },
  ],
});
