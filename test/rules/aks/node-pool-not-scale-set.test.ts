import rule from '../../../src/rules/aks/node-pool-not-scale-set.js';
import { aksRuleTester, cliCluster, restCluster, templateCluster, tfCluster, unknown } from './aks-tester.js';

aksRuleTester(rule, {
  valid: [
    { name: 'REST body with scale sets', resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', type: 'VirtualMachineScaleSets' }] })] },
    { name: 'not set: scale sets are the default', resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1' }] })] },
    { name: 'VirtualMachines pools are current too', resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', type: 'VirtualMachines' }] })] },
    { name: 'Terraform default', resources: [tfCluster('main', { default_node_pool: [{ name: 'p1' }] })] },
  ],
  invalid: [
    {
      name: 'REST body with an availability set',
      resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', type: 'AvailabilitySet' }] })],
      findings: [
        {
          field: 'properties.agentPoolProfiles[0].type',
          severity: 'low',
          message: 'node pool p1 of cluster aks1 is an availability-set pool (type "AvailabilitySet"), not a virtual machine scale set',
          verify: `az aks show --resource-group rg-prod --name aks1 --query "agentPoolProfiles[?name=='p1'].type"`,
          evidence: { observed: 'AvailabilitySet', expected: 'VirtualMachineScaleSets' },
        },
      ],
    },
    { name: 'az aks show', resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', type: 'AvailabilitySet' }] })], findings: [{ field: 'agentPoolProfiles[0].type' }] },
    { name: 'Terraform type AvailabilitySet', resources: [tfCluster('main', { default_node_pool: [{ name: 'p1', type: 'AvailabilitySet' }] })], findings: [{ field: 'default_node_pool[0].type' }] },
    {
      name: 'unknown',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1', type: unknown("parameter 'poolType' has no default value") }] })],
      findings: [{ severity: 'info' }],
    },
  ],
});
