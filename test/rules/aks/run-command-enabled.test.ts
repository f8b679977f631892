import rule from '../../../src/rules/aks/run-command-enabled.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with run command disabled',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "apiServerAccessProfile": { "enablePrivateCluster": true, "disableRunCommand": true } } }`)],
    },
    {
      name: 'az aks show with run command disabled',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "apiServerAccessProfile": { "authorizedIpRanges": null, "disableRunCommand": true, "enablePrivateCluster": true } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body without apiServerAccessProfile: run command is on by default',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "enableRBAC": true } }`)],
      findings: [
        {
          field: 'properties.apiServerAccessProfile.disableRunCommand',
          severity: 'medium',
          message: 'cluster aks-prod allows run command (apiServerAccessProfile.disableRunCommand not set, default false): kubectl can be run through Azure Resource Manager',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query apiServerAccessProfile.disableRunCommand',
          frameworks: ['azure-policy:89f2d532-c53c-4f8f-9afa-4927b1114a0d'],
        },
      ],
    },
    {
      name: 'az aks show with disableRunCommand false',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "apiServerAccessProfile": { "disableRunCommand": false, "enablePrivateCluster": true } }`)],
      findings: [{ field: 'apiServerAccessProfile.disableRunCommand', message: /disableRunCommand is false/ }],
    },
    {
      name: 'unknown: the whole profile comes from an unresolved parameter',
      docs: [rest(`{ "name": "aks-prod", "properties": { "apiServerAccessProfile": { "$palisadeUnknown": "parameter apiServer has no default value" } } }`)],
      findings: [{ field: 'properties.apiServerAccessProfile', severity: 'info' }],
    },
  ],
});
