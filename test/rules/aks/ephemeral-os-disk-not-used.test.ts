import rule from '../../../src/rules/aks/ephemeral-os-disk-not-used.js';
import { aksRuleTester, cliCluster, managedSystemCluster, restCluster, templateCluster, tfCluster, tfPool, unknown } from './aks-tester.js';

aksRuleTester(rule, {
  valid: [
    { name: 'REST body, ephemeral OS disks', resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', osDiskType: 'Ephemeral' }] })] },
    { name: 'az aks show', resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', osDiskType: 'Ephemeral', osDiskSizeGb: 64 }] })] },
    { name: 'Terraform os_disk_type Ephemeral', resources: [tfCluster('main', { default_node_pool: [{ name: 'p1', os_disk_type: 'Ephemeral' }] })] },
    { name: 'a managed system pool (AKS Automatic) is AKS\'s to configure, not the user\'s', resources: [managedSystemCluster('auto2')] },
  ],
  invalid: [
    {
      name: 'REST body with Managed',
      resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', osDiskType: 'Ephemeral' }, { name: 'p2', osDiskType: 'Managed' }] })],
      findings: [
        {
          field: 'properties.agentPoolProfiles[1].osDiskType',
          severity: 'low',
          message: 'node pool p2 of cluster aks1 uses OS disk type "Managed", not ephemeral OS disks',
          verify: `az aks show --resource-group rg-prod --name aks1 --query "agentPoolProfiles[?name=='p2'].osDiskType"`,
          evidence: { observed: 'Managed', expected: 'Ephemeral' },
        },
      ],
    },
    { name: 'az aks show with Managed', resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', osDiskType: 'Managed' }] })], findings: [{ field: 'agentPoolProfiles[0].osDiskType' }] },
    {
      name: 'not set in an ARM source: the VM size decides, info',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1', vmSize: 'Standard_E4ads_v5' }] })],
      findings: [{ severity: 'info', field: 'properties.agentPoolProfiles[0].osDiskType', message: /does not set osDiskType/ }],
    },
    {
      name: 'not set in Terraform: the provider sends Managed',
      resources: [tfCluster('main', { default_node_pool: [{ name: 'p1' }] }), tfPool('p2', { name: 'p2', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.main.id}', os_disk_type: 'Managed' })],
      findings: [
        { severity: 'low', field: 'default_node_pool[0].os_disk_type', message: /the Terraform provider default is Managed/ },
        { resource: 'azurerm_kubernetes_cluster_node_pool/p2', field: 'os_disk_type' },
      ],
    },
    {
      name: 'unknown',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1', osDiskType: unknown("parameter 'disk' has no default value") }] })],
      findings: [{ severity: 'info', message: /parameter 'disk'/ }],
    },
  ],
});
