import rule from '../../../src/rules/aks/max-pods-too-low.js';
import { aksRuleTester, cliCluster, restCluster, templateCluster, templatePool, tfCluster, tfPool, unknown } from './aks-tester.js';

aksRuleTester(rule, {
  valid: [
    { name: 'REST body with 110', resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', maxPods: 110 }] })] },
    { name: 'exactly 50', resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', maxPods: 50 }] })] },
    { name: 'not set with kubenet: 110', resources: [restCluster('aks1', { networkProfile: { networkPlugin: 'kubenet' }, agentPoolProfiles: [{ name: 'p1' }] })] },
    {
      name: 'not set with Azure CNI Overlay: 250',
      resources: [cliCluster('aks1', { networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay' }, agentPoolProfiles: [{ name: 'p1', maxPods: null }] })],
    },
    { name: 'Terraform max_pods 51', resources: [tfCluster('main', { default_node_pool: [{ name: 'p1', max_pods: 51 }] })] },
  ],
  invalid: [
    {
      name: 'REST body with 28',
      resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', maxPods: 110 }, { name: 'p2', maxPods: 28 }] })],
      findings: [
        {
          field: 'properties.agentPoolProfiles[1].maxPods',
          severity: 'low',
          message: 'node pool p2 of cluster aks1 allows 28 pods per node, fewer than 50',
          verify: `az aks show --resource-group rg-prod --name aks1 --query "agentPoolProfiles[?name=='p2'].maxPods"`,
          evidence: { observed: 28, expected: '>= 50' },
        },
      ],
    },
    {
      name: 'not set with Azure CNI on the node subnet: 30',
      resources: [cliCluster('aks1', { networkProfile: { networkPlugin: 'azure', networkPluginMode: null }, agentPoolProfiles: [{ name: 'p1' }] })],
      findings: [{ severity: 'low', field: 'agentPoolProfiles[0].maxPods', message: /with Azure CNI it gets 30 pods per node/, evidence: { observed: { notSet: true, serviceDefault: 30 } } }],
    },
    {
      name: 'not set and no network plugin: info',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1' }] })],
      findings: [{ severity: 'info', message: /cannot be decided/ }],
    },
    {
      name: 'a separate pool whose cluster is not in the scan, not set: info',
      resources: [templatePool('aks9', 'p2', { count: 1 })],
      findings: [{ severity: 'info', resource: 'Microsoft.ContainerService/managedClusters/agentPools/aks9/p2', field: 'properties.maxPods' }],
    },
    {
      name: 'Terraform: an empty value and a low separate pool',
      resources: [tfCluster('main', { default_node_pool: [{ name: 'p1', max_pods: [] }] }), tfPool('p2', { name: 'p2', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.main.id}', max_pods: 30 })],
      findings: [
        { field: 'default_node_pool[0].max_pods', message: /sets maxPods to \[\], not a number/ },
        { resource: 'azurerm_kubernetes_cluster_node_pool/p2', field: 'max_pods', message: /allows 30 pods/ },
      ],
    },
    {
      name: 'unknown',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1', maxPods: unknown("parameter 'maxPods' has no default value") }] })],
      findings: [{ severity: 'info', message: /parameter 'maxPods'/ }],
    },
  ],
});
