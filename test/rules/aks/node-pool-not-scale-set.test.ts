import rule from '../../../src/rules/aks/node-pool-not-scale-set.js';
import { AGENT_POOL_TYPE } from '../../../src/analyses/aks/index.js';
import { aksRuleTester, cliCluster, clusterId, resource, restCluster, templateCluster, tfCluster, unknown } from './aks-tester.js';

/** An item of `az aks nodepool list`: flattened, so the pool's type is `typePropertiesType` beside the resource type. */
const cliPool = (cluster: string, pool: string, type: string) =>
  resource(AGENT_POOL_TYPE, 'az-cli', { id: `${clusterId(cluster)}/agentPools/${pool}`, name: pool, type: AGENT_POOL_TYPE, resourceGroup: 'rg-prod', typePropertiesType: type }, pool, 'az-cli');

aksRuleTester(rule, {
  valid: [
    { name: 'REST body with scale sets', resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', type: 'VirtualMachineScaleSets' }] })] },
    { name: 'not set: scale sets are the default', resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1' }] })] },
    { name: 'VirtualMachines pools are current too', resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', type: 'VirtualMachines' }] })] },
    {
      name: 'az aks nodepool list beside az aks show: scale sets',
      resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', type: 'VirtualMachineScaleSets' }] }), cliPool('aks1', 'p1', 'VirtualMachineScaleSets')],
    },
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
    {
      name: 'az aks nodepool list: the type is typePropertiesType, not the resource type',
      resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', type: 'AvailabilitySet' }] }), cliPool('aks1', 'p1', 'AvailabilitySet')],
      findings: [{ field: 'typePropertiesType', resource: `${AGENT_POOL_TYPE}/p1`, evidence: { observed: 'AvailabilitySet' } }],
    },
    {
      name: 'az aks nodepool list alone',
      resources: [cliPool('aks1', 'p1', 'AvailabilitySet')],
      findings: [{ field: 'typePropertiesType', verify: 'az aks nodepool show --resource-group rg-prod --cluster-name aks1 --name p1 --query typePropertiesType' }],
    },
    { name: 'Terraform type AvailabilitySet', resources: [tfCluster('main', { default_node_pool: [{ name: 'p1', type: 'AvailabilitySet' }] })], findings: [{ field: 'default_node_pool[0].type' }] },
    {
      name: 'unknown',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1', type: unknown("parameter 'poolType' has no default value") }] })],
      findings: [{ severity: 'info' }],
    },
  ],
});
