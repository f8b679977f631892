import rule from '../../../src/rules/aks/http-application-routing-enabled.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with the add-on disabled',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "addonProfiles": { "httpApplicationRouting": { "enabled": false, "config": null } } } }`)],
    },
    {
      name: 'REST body without the add-on',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "addonProfiles": { "azurepolicy": { "enabled": true } } } }`)],
    },
    {
      name: 'az aks show without add-ons',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "addonProfiles": null }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body with the add-on enabled',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "addonProfiles": { "httpApplicationRouting": { "enabled": true,
        "config": { "HTTPApplicationRoutingZoneName": "0000000000000000.westeurope.aksapp.io" } } } } }`)],
      findings: [
        {
          field: 'properties.addonProfiles.httpApplicationRouting.enabled',
          severity: 'medium',
          message: 'cluster aks-prod runs the retired HTTP application routing add-on (addonProfiles.httpApplicationRouting.enabled is true)',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query addonProfiles.httpApplicationRouting.enabled',
          frameworks: ['checkov:CKV_AZURE_246'],
        },
      ],
    },
    {
      name: 'az aks show with the lower-case add-on key',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "addonProfiles": { "httpapplicationrouting": { "enabled": true, "config": null, "identity": null } } }`)],
      findings: [{ field: 'addonProfiles.httpapplicationrouting.enabled' }],
    },
    {
      name: 'unknown: info',
      docs: [rest(`{ "name": "aks-prod", "properties": { "addonProfiles": { "httpApplicationRouting": { "enabled": { "$palisadeUnknown": "parameter httpApplicationRouting has no default value" } } } } }`)],
      findings: [{ field: 'properties.addonProfiles.httpApplicationRouting.enabled', severity: 'info' }],
    },
    {
      name: 'the verify command spells the add-on key as the document does (JMESPath is case-sensitive)',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "addonProfiles": { "HttpApplicationRouting": { "enabled": true } } } }`)],
      findings: [{ verify: 'az aks show --resource-group rg-prod --name aks-prod --query addonProfiles.HttpApplicationRouting.enabled' }],
    },
  ],
});
