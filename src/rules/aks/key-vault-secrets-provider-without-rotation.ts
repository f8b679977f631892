import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import type { FrameworkRef } from '../../core/frameworks.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, observed, queryParentOf } from './lib/cluster-settings.js';

const CHECKOV: FrameworkRef = { framework: 'checkov', id: 'CKV_AZURE_172' };
const EXTERNAL_SECRETS: FrameworkRef = { framework: 'cis-aks', id: '4.5.2' };

const ENABLED = 'addonProfiles.azureKeyvaultSecretsProvider.enabled';

export default defineRule({
  meta: {
    id: 'aks/key-vault-secrets-provider-without-rotation',
    title: 'Key Vault secrets provider is off or does not rotate secrets',
    severity: 'low',
    pillar: 'addons',
    frameworks: [EXTERNAL_SECRETS, CHECKOV],
    description:
      'The Key Vault secrets provider (Secrets Store CSI driver) mounts secrets, keys and certificates from Azure ' +
      'Key Vault into pods, so they are not kept as Kubernetes Secrets in manifests and etcd. With rotation on, a ' +
      'secret changed or revoked in Key Vault reaches the pods within the poll interval; without it, pods keep ' +
      'the old value until they restart. The add-on is off unless enabled, and rotation is off unless ' +
      'config.enableSecretRotation is "true".',
    remediation:
      'Enable the add-on with rotation: az aks enable-addons --addons azure-keyvault-secrets-provider ' +
      '--enable-secret-rotation, or az aks addon update --addon azure-keyvault-secrets-provider ' +
      '--enable-secret-rotation (addonProfiles.azureKeyvaultSecretsProvider {enabled: true, config: ' +
      '{enableSecretRotation: "true"}} in templates; key_vault_secrets_provider { secret_rotation_enabled = true } ' +
      'in Terraform).',
    references: [
      'https://learn.microsoft.com/azure/aks/csi-secrets-store-driver',
      'https://learn.microsoft.com/azure/aks/csi-secrets-store-configuration-options',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const enabled = cluster.get(ENABLED);
    const verify = aksVerify(cluster, queryParentOf(cluster, enabled, ENABLED));
    // Low severity: an undecidable value is not worth a finding.
    if (!enabled.known) return;
    if (flag(enabled) !== true) {
      ctx.report({
        field: enabled.field,
        message: `cluster ${cluster.name} does not run the Key Vault secrets provider (addonProfiles.azureKeyvaultSecretsProvider.enabled ${enabled.absent ? 'not set, default false' : `is ${JSON.stringify(enabled.value)}`})`,
        evidence: { observed: observed(enabled, false), expected: true },
        verify,
        frameworks: [EXTERNAL_SECRETS, CHECKOV],
      });
      return;
    }
    const rotation = cluster.get('addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation');
    if (!rotation.known || flag(rotation) === true) return;
    ctx.report({
      field: rotation.field,
      message: `cluster ${cluster.name} runs the Key Vault secrets provider without rotation (config.enableSecretRotation ${rotation.absent ? 'not set, default false' : `is ${JSON.stringify(rotation.value)}`}): pods keep old secret values until they restart`,
      evidence: { observed: observed(rotation, false), expected: 'true' },
      verify,
      frameworks: [CHECKOV],
    });
  },
});
