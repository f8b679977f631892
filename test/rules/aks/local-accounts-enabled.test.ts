import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/aks/local-accounts-enabled.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with local accounts disabled',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "aadProfile": { "managed": true }, "disableLocalAccounts": true } }`)],
    },
    {
      name: 'az aks show with local accounts disabled',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "aadProfile": { "managed": true }, "disableLocalAccounts": true }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body without the setting: local accounts exist by default',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "enableRBAC": true } }`)],
      findings: [
        {
          field: 'properties.disableLocalAccounts',
          severity: 'high',
          message: 'cluster aks-prod keeps local accounts (disableLocalAccounts not set, default false): a static cluster-admin credential can be downloaded',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query disableLocalAccounts',
          evidence: { observed: { notSet: true, serviceDefault: false }, expected: true },
          frameworks: ['checkov:CKV_AZURE_141', 'azure-policy:993c2fcd-2b29-49d2-9eb0-df2c3a730c32'],
        },
      ],
    },
    {
      name: 'names who can download the credential when the role assignments are given',
      docs: [
        cli(`{ "id": "${ID}", "name": "aks-prod", "aadProfile": { "managed": true, "enableAzureRbac": true }, "disableLocalAccounts": false }`),
        cli(
          JSON.stringify({
            name: 'a1',
            type: 'Microsoft.Authorization/roleAssignments',
            principalId: '00000000-0000-0000-0000-0000000d0001',
            principalName: 'ops@contoso.com',
            principalType: 'User',
            roleDefinitionId: '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42ed-a40f-0ae24588f7bc',
            scope: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod',
          }),
          'Microsoft.Authorization/roleAssignments',
        ),
      ],
      findings: [
        {
          field: 'disableLocalAccounts',
          message: /can be downloaded — by 1 principal of the role assignments given: ops@contoso\.com \(Contributor at resource group rg-prod\)$/,
          evidence: { observed: false, expected: true, credentialHolders: ['ops@contoso.com (Contributor at resource group rg-prod)'] },
        },
      ],
    },
    {
      name: 'az aks show with disableLocalAccounts false',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "disableLocalAccounts": false }`)],
      findings: [{ field: 'disableLocalAccounts', message: /disableLocalAccounts is false/ }],
    },
    {
      name: 'az aks show with disableLocalAccounts null',
      docs: [cli(`{ "name": "aks-prod", "disableLocalAccounts": null }`)],
      findings: [{ field: 'disableLocalAccounts', message: /not set, default false/ }],
    },
    {
      name: 'unknown: info that says why',
      docs: [rest(`{ "name": "aks-prod", "properties": { "disableLocalAccounts": { "$palisadeUnknown": "parameter disableLocal has no default value" } } }`)],
      findings: [{ field: 'properties.disableLocalAccounts', severity: 'info', message: /parameter disableLocal has no default value/ }],
    },
  ],
});

describe('local accounts remediation', () => {
  it('says to rotate the cluster certificates after disabling local accounts that were used', () => {
    expect(rule.meta.remediation).toMatch(/az aks update --disable-local-accounts.*az aks rotate-certs/s);
  });
});
