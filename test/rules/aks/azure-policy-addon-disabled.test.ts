import rule from '../../../src/rules/aks/azure-policy-addon-disabled.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with the add-on (key spelled as the service returns it)',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "addonProfiles": { "azurepolicy": { "enabled": true, "config": null } } } }`)],
    },
    {
      name: 'template spelling azurePolicy',
      docs: [rest(`{ "name": "aks-prod", "properties": { "addonProfiles": { "azurePolicy": { "enabled": true, "config": { "version": "v2" } } } } }`)],
    },
    {
      name: 'az aks show with the add-on',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "addonProfiles": { "azurepolicy": { "config": null, "enabled": true,
        "identity": { "clientId": "00000000-0000-0000-0000-00000000c003", "objectId": "00000000-0000-0000-0000-00000000c004" } } } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body without add-ons',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "enableRBAC": true } }`)],
      findings: [
        {
          field: 'properties.addonProfiles.azurepolicy.enabled',
          severity: 'medium',
          message: 'cluster aks-prod does not run the Azure Policy add-on (addonProfiles.azurepolicy.enabled not set, default false)',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query addonProfiles.azurepolicy.enabled',
          frameworks: ['cis-aks:4.3', 'checkov:CKV_AZURE_116', 'trivy:AVD-AZU-0066', 'azure-policy:0a15ec92-a229-4763-bb14-0ea34a568f8d'],
        },
      ],
    },
    {
      name: 'az aks show with the add-on disabled',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "addonProfiles": { "azurepolicy": { "config": null, "enabled": false, "identity": null } } }`)],
      findings: [{ field: 'addonProfiles.azurepolicy.enabled', message: /enabled is false/ }],
    },
    {
      name: 'az aks show with addonProfiles null',
      docs: [cli(`{ "name": "aks-prod", "addonProfiles": null }`)],
      findings: [{ field: 'addonProfiles.azurepolicy.enabled' }],
    },
    {
      name: 'unknown: info',
      docs: [rest(`{ "name": "aks-prod", "properties": { "addonProfiles": { "azurePolicy": { "enabled": { "$palisadeUnknown": "parameter policyAddon has no default value" } } } } }`)],
      findings: [{ field: 'properties.addonProfiles.azurePolicy.enabled', severity: 'info' }],
    },
    {
      name: 'the verify command spells the add-on key as the document does (JMESPath is case-sensitive)',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "addonProfiles": { "azurePolicy": { "enabled": false } } } }`)],
      findings: [{ field: 'properties.addonProfiles.azurePolicy.enabled', verify: 'az aks show --resource-group rg-prod --name aks-prod --query addonProfiles.azurePolicy.enabled' }],
    },
  ],
});
