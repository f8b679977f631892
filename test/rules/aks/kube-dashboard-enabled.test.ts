import rule from '../../../src/rules/aks/kube-dashboard-enabled.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with the dashboard disabled',
      docs: [rest(`{ "name": "aks101cluster", "properties": { "addonProfiles": { "kubeDashboard": { "config": null, "enabled": false } } } }`, '2020-03-01')],
    },
    {
      name: 'REST body without the add-on: it is off unless enabled',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "addonProfiles": {} } }`)],
    },
    {
      name: 'az aks show without the add-on',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "addonProfiles": { "azurepolicy": { "enabled": true } } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body with the dashboard enabled',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "kubernetesVersion": "1.18.14", "addonProfiles": { "kubeDashboard": { "config": null, "enabled": true } } } }`)],
      findings: [
        {
          field: 'properties.addonProfiles.kubeDashboard.enabled',
          severity: 'high',
          message: 'cluster aks-prod runs the kube-dashboard add-on (addonProfiles.kubeDashboard.enabled is true)',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query addonProfiles.kubeDashboard.enabled',
          frameworks: ['checkov:CKV_AZURE_8'],
        },
      ],
    },
    {
      name: 'az aks show with the lower-case key',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "addonProfiles": { "kubedashboard": { "config": null, "enabled": true } } }`)],
      findings: [{ field: 'addonProfiles.kubedashboard.enabled' }],
    },
    {
      name: 'unknown: info',
      docs: [rest(`{ "name": "aks-prod", "properties": { "addonProfiles": { "kubeDashboard": { "enabled": { "$palisadeUnknown": "parameter dashboard has no default value" } } } } }`)],
      findings: [{ field: 'properties.addonProfiles.kubeDashboard.enabled', severity: 'info' }],
    },
    {
      name: 'the verify command spells the add-on key as the document does (JMESPath is case-sensitive)',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "addonProfiles": { "kubedashboard": { "enabled": true } } } }`)],
      findings: [{ verify: 'az aks show --resource-group rg-prod --name aks-prod --query addonProfiles.kubedashboard.enabled' }],
    },
  ],
});
