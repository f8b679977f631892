import rule from '../../../src/rules/aks/workload-identity-disabled.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';
const VERIFY = `az aks show --resource-group rg-prod --name aks-prod --query "[securityProfile.workloadIdentity.enabled, oidcIssuerProfile.enabled]"`;

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with both switches on',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "oidcIssuerProfile": { "enabled": true },
        "securityProfile": { "workloadIdentity": { "enabled": true } } } }`)],
    },
    {
      name: 'az aks show with both switches on (issuerUrl read-only)',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "oidcIssuerProfile": { "enabled": true, "issuerUrl": "https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-0000000000aa/11111111-1111-1111-1111-111111111111/" },
        "securityProfile": { "workloadIdentity": { "enabled": true } } }`)],
    },
    {
      name: 'one switch unknown, the other on: nothing is known to be off',
      docs: [rest(`{ "name": "aks-prod", "properties": { "oidcIssuerProfile": { "enabled": true },
        "securityProfile": { "workloadIdentity": { "enabled": { "$palisadeUnknown": "parameter wi has no default value" } } } } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body with neither',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "enableRBAC": true } }`)],
      findings: [
        {
          field: 'properties.securityProfile.workloadIdentity.enabled',
          severity: 'low',
          message:
            'cluster aks-prod does not offer workload identity (securityProfile.workloadIdentity.enabled not set, default false; oidcIssuerProfile.enabled not set, default false)',
          verify: VERIFY,
          evidence: {
            observed: { workloadIdentity: { notSet: true, serviceDefault: false }, oidcIssuer: { notSet: true, serviceDefault: false } },
            expected: { workloadIdentity: true, oidcIssuer: true },
          },
          frameworks: ['azure-policy:2cc2e023-0dac-4046-875b-178f683929d5'],
        },
      ],
    },
    {
      name: 'az aks show with the OIDC issuer only',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "oidcIssuerProfile": { "enabled": true, "issuerUrl": "https://example.invalid/" },
        "securityProfile": { "workloadIdentity": null } }`)],
      findings: [{ field: 'securityProfile.workloadIdentity.enabled', message: /workloadIdentity.enabled not set, default false; oidcIssuerProfile.enabled is true/ }],
    },
    {
      name: 'a template with workload identity but no OIDC issuer: the field is the issuer, the policy does not apply',
      docs: [rest(`{ "name": "aks-prod", "properties": { "oidcIssuerProfile": { "enabled": false },
        "securityProfile": { "workloadIdentity": { "enabled": true } } } }`)],
      findings: [{ field: 'properties.oidcIssuerProfile.enabled', frameworks: [] }],
    },
    {
      name: 'one switch off and the other unknown: reported, saying which is unknown',
      docs: [rest(`{ "name": "aks-prod", "properties": { "oidcIssuerProfile": { "enabled": { "$palisadeUnknown": "parameter oidc has no default value" } },
        "securityProfile": { "workloadIdentity": { "enabled": false } } } }`)],
      findings: [{ field: 'properties.securityProfile.workloadIdentity.enabled', message: /oidcIssuerProfile.enabled cannot be resolved/ }],
    },
  ],
});
