import rule from '../../../src/rules/aks/entra-id-not-managed.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with managed Entra ID',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "aadProfile": { "managed": true, "enableAzureRBAC": true,
        "adminGroupObjectIDs": ["00000000-0000-0000-0000-00000000a001"], "tenantID": "00000000-0000-0000-0000-0000000000aa" } } }`)],
    },
    {
      name: 'az aks show with managed Entra ID (CLI casing, nulls)',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "aadProfile": { "managed": true, "enableAzureRbac": false, "adminGroupObjectIds": null,
        "clientAppId": null, "serverAppId": null, "serverAppSecret": null, "tenantId": "00000000-0000-0000-0000-0000000000aa" } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body without aadProfile: the built-in policy applies too',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "enableRBAC": true } }`)],
      findings: [
        {
          field: 'properties.aadProfile',
          severity: 'medium',
          message: 'cluster aks-prod has no Entra ID integration (aadProfile not set): users authenticate with cluster certificates',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query aadProfile.managed',
          frameworks: ['cis-aks:5.5.1', 'azure-policy:450d2877-ebea-41e8-b00c-e286317d21bf'],
        },
      ],
    },
    {
      name: 'az aks show with aadProfile null',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "aadProfile": null, "enableRbac": true }`)],
      findings: [{ field: 'aadProfile', message: /no Entra ID integration/ }],
    },
    {
      name: 'legacy integration with its own server and client apps',
      docs: [rest(`{ "name": "aks-legacy", "properties": { "aadProfile": { "clientAppID": "00000000-0000-0000-0000-00000000b001",
        "serverAppID": "00000000-0000-0000-0000-00000000b002", "tenantID": "00000000-0000-0000-0000-0000000000aa" } } }`)],
      findings: [
        {
          field: 'properties.aadProfile.managed',
          message: 'cluster aks-legacy uses the legacy, unmanaged Entra ID integration (aadProfile.managed not set, default false)',
          frameworks: ['cis-aks:5.5.1'],
        },
      ],
    },
    {
      name: 'az aks show with managed false',
      docs: [cli(`{ "name": "aks-legacy", "aadProfile": { "managed": false, "serverAppId": "00000000-0000-0000-0000-00000000b002" } }`)],
      findings: [{ field: 'aadProfile.managed', message: /managed is false/ }],
    },
    {
      name: 'unknown: aadProfile from an unresolved parameter',
      docs: [rest(`{ "name": "aks-prod", "properties": { "aadProfile": { "$palisadeUnknown": "parameter aad has no default value" } } }`)],
      findings: [{ field: 'properties.aadProfile', severity: 'info', message: /cannot be decided/ }],
    },
    {
      name: 'unknown: managed from an unresolved expression',
      docs: [rest(`{ "name": "aks-prod", "properties": { "aadProfile": { "managed": { "$palisadeUnknown": "reference() to a live resource" } } } }`)],
      findings: [{ field: 'properties.aadProfile.managed', severity: 'info' }],
    },
  ],
});
