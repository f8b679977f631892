import rule from '../../../src/rules/aks/azure-rbac-disabled.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with Azure RBAC',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "aadProfile": { "managed": true, "enableAzureRBAC": true } } }`)],
    },
    {
      name: 'az aks show with enableAzureRbac true (CLI casing)',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "aadProfile": { "managed": true, "enableAzureRbac": true } }`)],
    },
    {
      name: 'unknown: a low-severity recommendation reports nothing',
      docs: [rest(`{ "name": "aks-prod", "properties": { "aadProfile": { "managed": true, "enableAzureRBAC": { "$palisadeUnknown": "parameter azureRbac has no default value" } } } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body with managed Entra ID but Kubernetes RBAC only',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "aadProfile": { "managed": true, "enableAzureRBAC": false } } }`)],
      findings: [
        {
          field: 'properties.aadProfile.enableAzureRBAC',
          severity: 'low',
          message: 'cluster aks-prod does not use Azure RBAC for Kubernetes authorization (aadProfile.enableAzureRBAC is false)',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query aadProfile.enableAzureRbac',
          frameworks: ['cis-aks:5.5.2'],
        },
      ],
    },
    {
      name: 'az aks show with enableAzureRbac null',
      docs: [cli(`{ "name": "aks-prod", "aadProfile": { "managed": true, "enableAzureRbac": null } }`)],
      findings: [{ field: 'aadProfile.enableAzureRbac', message: /not set, default false/ }],
    },
    {
      name: 'no aadProfile at all',
      docs: [rest(`{ "name": "aks-prod", "properties": { "enableRBAC": true } }`)],
      findings: [{ field: 'properties.aadProfile.enableAzureRBAC', evidence: { observed: { notSet: true, serviceDefault: false }, expected: true } }],
    },
  ],
});
