import rule from '../../../src/rules/aks/defender-disabled.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';
const LAW = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law1';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with the Defender sensor',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "securityProfile": { "defender": {
        "logAnalyticsWorkspaceResourceId": "${LAW}", "securityMonitoring": { "enabled": true } } } } }`)],
    },
    {
      name: 'az aks show with the Defender sensor',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "securityProfile": { "azureKeyVaultKms": null, "defender": {
        "logAnalyticsWorkspaceResourceId": "${LAW}", "securityGating": null, "securityMonitoring": { "enabled": true } }, "imageCleaner": null } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body without securityProfile',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "enableRBAC": true } }`)],
      findings: [
        {
          field: 'properties.securityProfile.defender.securityMonitoring.enabled',
          severity: 'medium',
          message: 'cluster aks-prod does not run the Defender sensor (securityProfile.defender.securityMonitoring.enabled not set, default false)',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query securityProfile.defender.securityMonitoring.enabled',
          frameworks: ['azure-policy:a1840de2-8088-4ea8-b153-b4c723e9cb01'],
        },
      ],
    },
    {
      name: 'az aks show with defender null',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "securityProfile": { "defender": null, "workloadIdentity": { "enabled": true } } }`)],
      findings: [{ field: 'securityProfile.defender.securityMonitoring.enabled' }],
    },
    {
      name: 'REST body with monitoring switched off',
      docs: [rest(`{ "name": "aks-prod", "properties": { "securityProfile": { "defender": { "logAnalyticsWorkspaceResourceId": "${LAW}", "securityMonitoring": { "enabled": false } } } } }`)],
      findings: [{ field: 'properties.securityProfile.defender.securityMonitoring.enabled', message: /enabled is false/ }],
    },
    {
      name: 'unknown: info',
      docs: [rest(`{ "name": "aks-prod", "properties": { "securityProfile": { "defender": { "securityMonitoring": { "enabled": { "$palisadeUnknown": "parameter defender has no default value" } } } } } }`)],
      findings: [{ field: 'properties.securityProfile.defender.securityMonitoring.enabled', severity: 'info' }],
    },
  ],
});
