import { describe, expect, it } from 'vitest';
import enforcedRule from '../../../src/rules/aks/network-policies-not-enforced.js';
import rule from '../../../src/rules/aks/no-network-policy-engine.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    {
      name: 'REST body with Azure Network Policy Manager',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "networkProfile": { "networkPlugin": "azure", "networkPolicy": "azure" } } }`)],
    },
    {
      name: 'REST body with Calico on kubenet',
      docs: [rest(`{ "name": "aks-prod", "properties": { "networkProfile": { "networkPlugin": "kubenet", "networkPolicy": "calico" } } }`)],
    },
    {
      name: 'az aks show with Cilium',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "networkProfile": { "networkDataplane": "cilium", "networkPlugin": "azure",
        "networkPluginMode": "overlay", "networkPolicy": "cilium", "outboundType": "userDefinedRouting" } }`)],
    },
    {
      name: 'a Cilium dataplane enforces policy even when networkPolicy is not written',
      docs: [rest(`{ "name": "aks-prod", "properties": { "networkProfile": { "networkPlugin": "azure", "networkPluginMode": "overlay", "networkDataplane": "cilium" } } }`)],
    },
    {
      name: 'engine names compare case-insensitively',
      docs: [rest(`{ "name": "aks-prod", "properties": { "networkProfile": { "networkPolicy": "Calico" } } }`)],
    },
  ],
  invalid: [
    {
      name: 'REST body without networkPolicy',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "networkProfile": { "networkPlugin": "azure", "loadBalancerSku": "standard" } } }`)],
      findings: [
        {
          field: 'properties.networkProfile.networkPolicy',
          severity: 'medium',
          message: 'cluster aks-prod has no network policy engine (networkProfile.networkPolicy not set, default none): NetworkPolicy objects are not enforced',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query networkProfile.networkPolicy',
          evidence: { observed: { notSet: true, serviceDefault: 'none' }, expected: ['azure', 'calico', 'cilium'] },
          frameworks: ['cis-aks:5.4.4', 'checkov:CKV_AZURE_7', 'trivy:AVD-AZU-0043'],
        },
      ],
    },
    {
      name: 'az aks show with networkPolicy "none"',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "networkProfile": { "networkDataplane": "azure", "networkPlugin": "azure", "networkPolicy": "none" } }`)],
      findings: [{ field: 'networkProfile.networkPolicy', message: /networkPolicy is "none"/ }],
    },
    {
      name: 'az aks show with networkPolicy null',
      docs: [cli(`{ "name": "aks-prod", "networkProfile": { "networkPlugin": "kubenet", "networkPolicy": null } }`)],
      findings: [{ field: 'networkProfile.networkPolicy', message: /not set, default none/ }],
    },
    {
      name: 'an empty string',
      docs: [rest(`{ "name": "aks-prod", "properties": { "networkProfile": { "networkPlugin": "azure", "networkPolicy": "" } } }`, '2018-03-31')],
      findings: [{ field: 'properties.networkProfile.networkPolicy', message: /networkPolicy is ""/ }],
    },
    {
      name: 'no networkProfile at all',
      docs: [rest(`{ "name": "aks-prod", "properties": { "kubernetesVersion": "1.33.2" } }`)],
      findings: [{ field: 'properties.networkProfile.networkPolicy' }],
    },
    {
      name: 'unknown policy: info',
      docs: [rest(`{ "name": "aks-prod", "properties": { "networkProfile": { "networkPolicy": { "$palisadeUnknown": "parameter networkPolicy has no default value" } } } }`)],
      findings: [{ field: 'properties.networkProfile.networkPolicy', severity: 'info', message: /parameter networkPolicy has no default value/ }],
    },
    {
      name: 'no policy and an unknown dataplane: info on the dataplane',
      docs: [rest(`{ "name": "aks-prod", "properties": { "networkProfile": { "networkDataplane": { "$palisadeUnknown": "parameter dataplane has no default value" } } } }`)],
      findings: [{ field: 'properties.networkProfile.networkDataplane', severity: 'info' }],
    },
    {
      name: 'bring-your-own CNI: whether policy is enforced is decided in the cluster',
      docs: [rest(`{ "name": "aks-byocni", "properties": { "networkProfile": { "networkPlugin": "none" } } }`)],
      findings: [{ field: 'properties.networkProfile.networkPolicy', severity: 'info', message: /bring your own CNI/ }],
    },
    {
      name: 'kubenet: only calico can be offered, and kubenet is retiring',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "networkProfile": { "networkPlugin": "kubenet", "networkPolicy": "none" } } }`)],
      findings: [
        {
          field: 'properties.networkProfile.networkPolicy',
          message:
            'cluster aks-prod has no network policy engine (networkProfile.networkPolicy is "none"): NetworkPolicy objects are not enforced; ' +
            'on kubenet only calico is available (az aks update --network-policy calico): Azure Network Policy Manager needs Azure CNI, ' +
            'and Cilium needs the cluster moved to Azure CNI Overlay first (kubenet retires on 31 March 2028, so it has to move anyway)',
        },
      ],
    },
    {
      name: 'Azure CNI: no kubenet note',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "networkProfile": { "networkPlugin": "azure", "networkPolicy": null, "networkDataplane": "azure" } }`)],
      findings: [{ message: /NetworkPolicy objects are not enforced$/ }],
    },
  ],
});

describe('network policy remediation', () => {
  // AKS refuses --network-policy cilium without the Cilium dataplane, which enables the engine itself.
  it.each([rule, enforcedRule])('$meta.id offers cilium only through the Cilium dataplane', (r) => {
    expect(r.meta.remediation).toContain('az aks update --network-policy azure|calico ');
    expect(r.meta.remediation).not.toContain('azure|calico|cilium');
    expect(r.meta.remediation).toContain('--network-policy cilium alone is refused');
    expect(r.meta.remediation).toContain('az aks update --network-dataplane cilium');
  });
});
