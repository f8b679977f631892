import rule from '../../../src/rules/aks/key-vault-secrets-provider-without-rotation.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with rotation (config values are strings)',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "addonProfiles": { "azureKeyvaultSecretsProvider": {
        "enabled": true, "config": { "enableSecretRotation": "true", "rotationPollInterval": "2m" } } } } }`)],
    },
    {
      name: 'a template with a boolean',
      docs: [rest(`{ "name": "pass", "properties": { "addonProfiles": { "azureKeyvaultSecretsProvider": { "enabled": true, "config": { "enableSecretRotation": true } } } } }`, '2018-03-31')],
    },
    {
      name: 'az aks show with rotation',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "addonProfiles": { "azureKeyvaultSecretsProvider": {
        "config": { "enableSecretRotation": "true", "rotationPollInterval": "2m" }, "enabled": true,
        "identity": { "clientId": "00000000-0000-0000-0000-00000000c001" } } } }`)],
    },
    {
      name: 'unknown add-on switch: a low-severity rule reports nothing',
      docs: [rest(`{ "name": "aks-prod", "properties": { "addonProfiles": { "azureKeyvaultSecretsProvider": { "enabled": { "$palisadeUnknown": "parameter csi has no default value" } } } } }`)],
    },
    {
      name: 'unknown rotation: nothing',
      docs: [rest(`{ "name": "aks-prod", "properties": { "addonProfiles": { "azureKeyvaultSecretsProvider": { "enabled": true, "config": { "enableSecretRotation": { "$palisadeUnknown": "parameter rotation has no default value" } } } } } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body without the add-on',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "addonProfiles": { "omsagent": { "enabled": true } } } }`)],
      findings: [
        {
          field: 'properties.addonProfiles.azureKeyvaultSecretsProvider.enabled',
          severity: 'low',
          message: 'cluster aks-prod does not run the Key Vault secrets provider (addonProfiles.azureKeyvaultSecretsProvider.enabled not set, default false)',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query addonProfiles.azureKeyvaultSecretsProvider',
          frameworks: ['cis-aks:4.5.2', 'checkov:CKV_AZURE_172'],
        },
      ],
    },
    {
      name: 'REST body with the add-on but rotation "false"',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "addonProfiles": { "azureKeyvaultSecretsProvider": { "enabled": true, "config": { "enableSecretRotation": "false" } } } } }`)],
      findings: [
        {
          field: 'properties.addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation',
          message: 'cluster aks-prod runs the Key Vault secrets provider without rotation (config.enableSecretRotation is "false"): pods keep old secret values until they restart',
          evidence: { observed: 'false', expected: 'true' },
          frameworks: ['checkov:CKV_AZURE_172'],
        },
      ],
    },
    {
      name: 'a template with the boolean false',
      docs: [rest(`{ "name": "fail1", "properties": { "addonProfiles": { "azureKeyvaultSecretsProvider": { "enabled": true, "config": { "enableSecretRotation": false } } } } }`, '2018-03-31')],
      findings: [{ field: 'properties.addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation' }],
    },
    {
      name: 'az aks show with the add-on but config null',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "addonProfiles": { "azureKeyvaultSecretsProvider": { "config": null, "enabled": true } } }`)],
      findings: [{ field: 'addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation', message: /not set, default false/ }],
    },
    {
      name: 'az aks show with the add-on disabled',
      docs: [cli(`{ "name": "aks-prod", "addonProfiles": { "azureKeyvaultSecretsProvider": { "config": null, "enabled": false } } }`)],
      findings: [{ field: 'addonProfiles.azureKeyvaultSecretsProvider.enabled', message: /enabled is false/ }],
    },
    {
      name: 'the verify command spells the add-on key as the document does (JMESPath is case-sensitive)',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "addonProfiles": { "azureKeyVaultSecretsProvider": { "enabled": true, "config": { "enableSecretRotation": "false" } } } } }`)],
      findings: [
        {
          field: 'properties.addonProfiles.azureKeyVaultSecretsProvider.config.enableSecretRotation',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query addonProfiles.azureKeyVaultSecretsProvider',
        },
      ],
    },
  ],
});
