import { expect, it } from 'vitest';
import rule from '../../../src/rules/aks/pod-identity-enabled.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body without pod identity',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "securityProfile": { "workloadIdentity": { "enabled": true } } } }`)],
    },
    {
      name: 'az aks show with pod identity disabled',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "podIdentityProfile": { "enabled": false, "allowNetworkPluginKubenet": null, "userAssignedIdentities": null } }`)],
    },
    {
      name: 'az aks show with podIdentityProfile null',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "podIdentityProfile": null }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body with pod identity on',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "networkProfile": { "networkPlugin": "azure" },
        "podIdentityProfile": { "enabled": true, "userAssignedIdentities": [ { "name": "app", "namespace": "shop",
          "identity": { "resourceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app" } } ] } } }`)],
      findings: [
        {
          field: 'properties.podIdentityProfile.enabled',
          severity: 'medium',
          message: 'cluster aks-prod runs the deprecated pod identity (podIdentityProfile.enabled is true)',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query podIdentityProfile',
          evidence: { observed: true, expected: false },
        },
      ],
    },
    {
      name: 'az aks show with pod identity on kubenet: high',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "networkProfile": { "networkPlugin": "kubenet" },
        "podIdentityProfile": { "enabled": true, "allowNetworkPluginKubenet": true, "userAssignedIdentities": [] } }`)],
      findings: [
        {
          field: 'podIdentityProfile.enabled',
          severity: 'high',
          message: "cluster aks-prod runs the deprecated pod identity with allowNetworkPluginKubenet true: pods can spoof ARP and take other pods' tokens",
        },
      ],
    },
    {
      name: 'unknown: info',
      docs: [rest(`{ "name": "aks-prod", "properties": { "podIdentityProfile": { "enabled": { "$palisadeUnknown": "parameter podIdentity has no default value" } } } }`)],
      findings: [{ field: 'properties.podIdentityProfile.enabled', severity: 'info' }],
    },
  ],
});

it('says the aks-preview extension is needed before az aks update --disable-pod-identity', () => {
  expect(rule.meta.remediation).toMatch(/az extension add --name aks-preview first, then az aks update --disable-pod-identity/);
});
