import { expect, it } from 'vitest';
import rule from '../../../src/rules/aks/node-auto-provisioning-not-checked.js';
import { aksFindings, managedSystemCluster, restCluster, templateCluster, tfCluster } from './aks-tester.js';
import { cli, clusterRuleTester, rest } from './cluster-rule-tester.js';

const ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';

clusterRuleTester(rule, {
  valid: [
    { name: 'no node provisioning profile: every node comes from an agent pool', docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "agentPoolProfiles": [{ "name": "p1" }] } }`)] },
    { name: 'node provisioning mode Manual', docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "nodeProvisioningProfile": { "mode": "Manual", "defaultNodePools": "Auto" } }`)] },
    { name: 'mode unknown: an info rule says nothing', docs: [rest(`{ "name": "aks-prod", "properties": { "nodeProvisioningProfile": { "mode": { "$palisadeUnknown": "parameter nap has no default value" } } } }`)] },
  ],
  invalid: [
    {
      name: 'az aks show with node auto-provisioning',
      docs: [cli(`{ "id": "${ID}", "name": "aks-prod", "agentPoolProfiles": [{ "name": "system", "mode": "System" }], "nodeProvisioningProfile": { "mode": "Auto", "defaultNodePools": "Auto" } }`)],
      findings: [
        {
          field: 'nodeProvisioningProfile.mode',
          severity: 'info',
          message:
            'cluster aks-prod creates nodes with node auto-provisioning (nodeProvisioningProfile.mode "Auto"): those nodes are configured by Karpenter NodePool ' +
            'and AKSNodeClass objects, which the node pool rules did not check; check each AKSNodeClass (kubectl get aksnodeclasses -o yaml: imageFamily, ' +
            'imageVersion, osDiskSizeGB, maxPods, kubelet, vnetSubnetID) and each NodePool (kubectl get nodepools.karpenter.sh -o yaml: the node classes and ' +
            'requirements it allows, taints, limits, disruption budgets)',
          verify: 'az aks show --resource-group rg-prod --name aks-prod --query nodeProvisioningProfile',
          evidence: { observed: 'Auto', checkedPools: ['system'] },
        },
      ],
    },
    {
      name: 'REST body, mode compares case-insensitively',
      docs: [rest(`{ "id": "${ID}", "name": "aks-prod", "properties": { "nodeProvisioningProfile": { "mode": "auto" } } }`)],
      findings: [{ field: 'properties.nodeProvisioningProfile.mode' }],
    },
  ],
});

it('an AKS Automatic template gets node auto-provisioning without saying so', () => {
  const found = aksFindings(rule, [templateCluster('auto', { agentPoolProfiles: [{ name: 'systempool', mode: 'System' }] }, { sku: { name: 'Automatic', tier: 'Standard' } })]);
  expect(found.map((f) => f.severity)).toEqual(['info']);
  expect(found[0]?.message).toMatch(/^cluster auto creates nodes with node auto-provisioning \(nodeProvisioningProfile\.mode "Auto"\)/);
});

it('with managed system node pools, names no pool as checked and asks for fipsMode when FIPS is required', () => {
  const found = aksFindings(rule, [managedSystemCluster('auto2')], { requireFips: true });
  expect(found).toHaveLength(1);
  expect(found[0]?.evidence).toMatchObject({ checkedPools: [] });
  expect(found[0]?.message).toMatch(/; FIPS is required, so every AKSNodeClass needs fipsMode: FIPS$/);
});

it('reports nothing for clusters without auto-provisioning', () => {
  expect(aksFindings(rule, [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1' }] }), tfCluster('main', { default_node_pool: [{ name: 'system' }] })])).toEqual([]);
});
