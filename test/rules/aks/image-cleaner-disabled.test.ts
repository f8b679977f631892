import rule from '../../../src/rules/aks/image-cleaner-disabled.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with Image Cleaner',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "securityProfile": { "imageCleaner": { "enabled": true, "intervalHours": 24 } } } }`)],
    },
    {
      name: 'az aks show with Image Cleaner',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "securityProfile": { "imageCleaner": { "enabled": true, "intervalHours": 48 } } }`)],
    },
    {
      name: 'unknown: a low-severity rule reports nothing',
      docs: [rest(`{ "name": "aks-prod", "properties": { "securityProfile": { "imageCleaner": { "$palisadeUnknown": "parameter cleaner has no default value" } } } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body without it',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "securityProfile": { "workloadIdentity": { "enabled": true } } } }`)],
      findings: [
        {
          field: 'properties.securityProfile.imageCleaner.enabled',
          severity: 'low',
          message: 'cluster aks-prod does not remove unused vulnerable images (securityProfile.imageCleaner.enabled not set, default false)',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query securityProfile.imageCleaner.enabled',
          frameworks: ['azure-policy:af3c26b2-6fad-493e-9236-9c68928516ab'],
        },
      ],
    },
    {
      name: 'az aks show with imageCleaner null',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "securityProfile": { "imageCleaner": null } }`)],
      findings: [{ field: 'securityProfile.imageCleaner.enabled' }],
    },
    {
      name: 'REST body with it disabled',
      docs: [rest(`{ "name": "aks-prod", "properties": { "securityProfile": { "imageCleaner": { "enabled": false, "intervalHours": 24 } } } }`)],
      findings: [{ field: 'properties.securityProfile.imageCleaner.enabled', message: /enabled is false/ }],
    },
  ],
});
