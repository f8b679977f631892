import { describe, expect, it } from 'vitest';
import { Inventory } from '../../../src/core/inventory.js';
import { ruleApplies, runRule } from '../../../src/core/rule.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import rule from '../../../src/rules/aks/api-server-publicly-reachable.js';
import { decode } from '../../ingest/azure/helpers.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';
const ALL_REFS = [
  'cis-aks:5.4.1',
  'cis-aks:5.4.2',
  'checkov:CKV_AZURE_115',
  'trivy:AVD-AZU-0065',
  'azure-policy:040732e8-d947-40b8-95d6-854c95024bf8',
  'checkov:CKV_AZURE_6',
  'trivy:AVD-AZU-0041',
  'azure-policy:0e246bcf-5f6f-4f87-bc6f-775d4712c7ea',
];

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body of a private cluster',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "apiServerAccessProfile": { "enablePrivateCluster": true, "privateDNSZone": "system" } } }`)],
    },
    {
      name: 'az aks show of a private cluster (authorizedIpRanges null)',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "apiServerAccessProfile": { "authorizedIpRanges": null, "disableRunCommand": true,
        "enablePrivateCluster": true, "enablePrivateClusterPublicFqdn": false, "privateDnsZone": "system" } }`)],
    },
    {
      name: 'REST body of a public cluster restricted to two ranges',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "apiServerAccessProfile": { "authorizedIPRanges": ["203.0.113.0/24", "198.51.100.7/32"] } } }`)],
    },
    {
      name: 'az aks show with authorizedIpRanges (CLI casing)',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "apiServerAccessProfile": { "authorizedIpRanges": ["203.0.113.0/24"], "enablePrivateCluster": false } }`)],
    },
    {
      name: '2019 preview API: the list sits at properties.apiServerAuthorizedIPRanges',
      docs: [rest(`{ "name": "aks101cluster", "properties": { "apiServerAuthorizedIPRanges": ["73.140.245.0/24"] } }`, '2019-02-01')],
    },
    {
      name: 'public network access disabled closes the public endpoint',
      docs: [rest(`{ "name": "aks-prod", "properties": { "publicNetworkAccess": "Disabled", "apiServerAccessProfile": { "enableVnetIntegration": true } } }`)],
    },
    {
      name: 'private cluster decided, ranges unknown: nothing to say',
      docs: [rest(`{ "name": "aks-prod", "properties": { "apiServerAccessProfile": { "enablePrivateCluster": true, "authorizedIPRanges": { "$palisadeUnknown": "parameter ranges has no default value" } } } }`)],
    },
    {
      name: 'private flag unknown but ranges restrict the public endpoint',
      docs: [rest(`{ "name": "aks-prod", "properties": { "apiServerAccessProfile": { "enablePrivateCluster": { "$palisadeUnknown": "parameter private has no default value" }, "authorizedIPRanges": ["203.0.113.0/24"] } } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body with no apiServerAccessProfile',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "enableRBAC": true } }`)],
      findings: [
        {
          field: 'properties.apiServerAccessProfile.authorizedIPRanges',
          severity: 'high',
          message: 'cluster aks-prod is not private (enablePrivateCluster not set, default false) and sets no authorized IP ranges: its API server accepts connections from any address',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query apiServerAccessProfile',
          frameworks: ALL_REFS,
        },
      ],
    },
    {
      name: 'an empty list and the string "false" (checkov-style template)',
      docs: [rest(`{ "name": "aks101cluster", "properties": { "apiServerAccessProfile": { "authorizedIPRanges": [], "enablePrivateCluster": "false" } } }`, '2020-03-01')],
      findings: [{ field: 'properties.apiServerAccessProfile.authorizedIPRanges', message: /enablePrivateCluster is "false"\) and sets no authorized IP ranges/ }],
    },
    {
      name: 'az aks show with enablePrivateCluster false and authorizedIpRanges null',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "apiServerAccessProfile": { "authorizedIpRanges": null, "enablePrivateCluster": false } }`)],
      findings: [{ field: 'apiServerAccessProfile.authorizedIpRanges', evidence: { observed: { enablePrivateCluster: false, authorizedIPRanges: { notSet: true, serviceDefault: [] } } } }],
    },
    {
      name: '0.0.0.0/0 among the ranges: only the private-cluster references apply',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "apiServerAccessProfile": { "authorizedIPRanges": ["203.0.113.0/24", "0.0.0.0/0"] } } }`)],
      findings: [
        {
          field: 'properties.apiServerAccessProfile.authorizedIPRanges[1]',
          message: 'cluster aks-prod is not private (enablePrivateCluster not set, default false) and authorizes 0.0.0.0/0 on its API server: any address can connect',
          frameworks: ALL_REFS.slice(0, 5),
        },
      ],
    },
    {
      name: 'az aks show with ::/0',
      docs: [cli(`{ "name": "aks-prod", "apiServerAccessProfile": { "authorizedIpRanges": ["2001:db8::/32", "::/0"], "enablePrivateCluster": false } }`)],
      findings: [{ field: 'apiServerAccessProfile.authorizedIpRanges[1]', message: /authorizes ::\/0/ }],
    },
    {
      name: 'any /0 admits everything',
      docs: [rest(`{ "name": "aks-prod", "properties": { "apiServerAccessProfile": { "authorizedIPRanges": ["10.1.2.3/0"] } } }`)],
      findings: [{ field: 'properties.apiServerAccessProfile.authorizedIPRanges[0]' }],
    },
    {
      name: 'API version 2017-08-31: no access profile exists',
      docs: [rest(`{ "name": "aks", "properties": { "kubernetesVersion": "1.9.6" } }`, '2017-08-31')],
      findings: [{ field: 'properties.apiServerAccessProfile.authorizedIPRanges' }],
    },
    {
      name: 'public network access enabled does not restrict anything',
      docs: [rest(`{ "name": "aks-prod", "properties": { "publicNetworkAccess": "Enabled" } }`)],
      findings: [{ field: 'properties.apiServerAccessProfile.authorizedIPRanges' }],
    },
    {
      name: 'unknown private flag with no ranges: info on the private flag',
      docs: [rest(`{ "name": "aks-prod", "properties": { "apiServerAccessProfile": { "enablePrivateCluster": { "$palisadeUnknown": "parameter private has no default value" } } } }`)],
      findings: [{ field: 'properties.apiServerAccessProfile.enablePrivateCluster', severity: 'info', message: /parameter private has no default value/ }],
    },
    {
      name: 'public cluster whose range list cannot be resolved: info on the list',
      docs: [rest(`{ "name": "aks-prod", "properties": { "apiServerAccessProfile": { "enablePrivateCluster": false, "authorizedIPRanges": { "$palisadeUnknown": "parameter ranges has no default value" } } } }`)],
      findings: [{ field: 'properties.apiServerAccessProfile.authorizedIPRanges', severity: 'info', message: /parameter ranges has no default value/ }],
    },
    {
      name: 'one range cannot be resolved and none admits all: info',
      docs: [rest(`{ "name": "aks-prod", "properties": { "apiServerAccessProfile": { "authorizedIPRanges": ["203.0.113.0/24", { "$palisadeUnknown": "variable officeRange not resolved" }] } } }`)],
      findings: [{ field: 'properties.apiServerAccessProfile.authorizedIPRanges', severity: 'info', message: /1 authorized IP range\(s\) cannot be resolved/ }],
    },
    {
      name: 'an unresolved range does not hide a known 0.0.0.0/0',
      docs: [rest(`{ "name": "aks-prod", "properties": { "apiServerAccessProfile": { "authorizedIPRanges": [{ "$palisadeUnknown": "variable officeRange not resolved" }, "0.0.0.0/0"] } } }`)],
      findings: [{ field: 'properties.apiServerAccessProfile.authorizedIPRanges[1]', severity: 'high' }],
    },
    {
      name: 'API Server VNet Integration: the finding says the cluster can be made private in place',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "apiServerAccessProfile": { "authorizedIpRanges": null, "enablePrivateCluster": false, "enableVnetIntegration": true } }`)],
      findings: [
        {
          field: 'apiServerAccessProfile.authorizedIpRanges',
          message:
            'cluster aks-prod is not private (enablePrivateCluster is false) and sets no authorized IP ranges: its API server accepts connections from any address ' +
            '(it uses API Server VNet Integration, so az aks update --enable-private-cluster makes it private in place)',
        },
      ],
    },
    {
      name: 'AKS Automatic has API Server VNet Integration even where the template leaves it out',
      docs: [rest(`{ "id": "${ID}", "name": "auto1", "sku": { "name": "Automatic", "tier": "Standard" }, "properties": { "apiServerAccessProfile": { "authorizedIPRanges": ["0.0.0.0/0"] } } }`)],
      findings: [{ message: /authorizes 0\.0\.0\.0\/0 .*az aks update --enable-private-cluster makes it private in place\)$/ }],
    },
    {
      name: 'VNet Integration explicitly off: no in-place advice',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "apiServerAccessProfile": { "enableVnetIntegration": false } } }`)],
      findings: [{ message: /accepts connections from any address$/ }],
    },
  ],
});

describe('authorized IP ranges a template builds with lambda functions', () => {
  const templateWith = (ips: unknown) =>
    JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { ips: { type: 'array', ...(ips === undefined ? {} : { defaultValue: ips }) }, openAll: { type: 'bool', defaultValue: true } },
      resources: [
        {
          type: 'Microsoft.ContainerService/managedClusters',
          apiVersion: '2025-01-01',
          name: 'aks-fn',
          properties: {
            apiServerAccessProfile: {
              authorizedIPRanges:
                "[concat(map(parameters('ips'), lambda('ip', concat(lambdaVariables('ip'), '/32'))), if(parameters('openAll'), createArray('0.0.0.0/0'), createArray()))]",
            },
          },
        },
      ],
    });
  const findingsOf = (text: string) => {
    const sink = decode(text, 'main.json');
    const inventory = new Inventory(sink.resources);
    return sink.resources.filter((r) => ruleApplies(rule, r)).flatMap((r) => runRule(rule, r, inventory, DEFAULT_SETTINGS));
  };

  it('sees 0.0.0.0/0 among the ranges map and if build', () => {
    const found = findingsOf(templateWith(['203.0.113.7']));
    expect(found.map((f) => [f.severity, f.field])).toEqual([['high', 'properties.apiServerAccessProfile.authorizedIPRanges[1]']]);
  });

  it('still cannot decide when the mapped list is supplied at deployment', () => {
    expect(findingsOf(templateWith(undefined)).map((f) => f.severity)).toEqual(['info']);
  });
});
