import rule from '../../../src/rules/aks/host-encryption-disabled.js';
import { AGENT_POOL_TYPE } from '../../../src/analyses/aks/index.js';
import { aksRuleTester, cliCluster, clusterId, managedSystemCluster, resource, restCluster, templateCluster, templatePool, tfCluster, tfPool, unknown } from './aks-tester.js';

const pool = (name: string, extra: Record<string, unknown> = {}) => ({ name, count: 3, vmSize: 'Standard_D4ds_v5', mode: 'User', ...extra });

aksRuleTester(rule, {
  valid: [
    {
      name: 'REST body, every pool encrypted at host',
      resources: [restCluster('aks1', { agentPoolProfiles: [pool('system', { mode: 'System', enableEncryptionAtHost: true }), pool('user', { enableEncryptionAtHost: true })] })],
    },
    { name: 'az aks show', resources: [cliCluster('aks1', { agentPoolProfiles: [pool('system', { enableEncryptionAtHost: true, enableFips: false })] })] },
    { name: 'a cluster without pools has nothing to check', resources: [restCluster('aks1', { enableRBAC: true })] },
    {
      name: 'Terraform default pool and separate pool, both spellings',
      resources: [
        tfCluster('main', { default_node_pool: [{ name: 'system', host_encryption_enabled: true }] }),
        tfPool('user', { name: 'user', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.main.id}', enable_host_encryption: true }),
      ],
    },
    { name: 'a managed system pool (AKS Automatic) is AKS\'s to configure, not the user\'s', resources: [managedSystemCluster('auto2')] },
  ],
  invalid: [
    {
      name: 'every pool is checked, not only the first',
      resources: [restCluster('aks1', { agentPoolProfiles: [pool('system', { enableEncryptionAtHost: true }), pool('user'), pool('gpu', { enableEncryptionAtHost: false })] })],
      findings: [
        {
          field: 'properties.agentPoolProfiles[1].enableEncryptionAtHost',
          severity: 'medium',
          message: 'node pool user of cluster aks1 does not encrypt temp disks and disk caches at host (enableEncryptionAtHost not set, default false)',
          verify: `az aks show --resource-group rg-prod --name aks1 --query "agentPoolProfiles[?name=='user'].enableEncryptionAtHost"`,
          evidence: { observed: { notSet: true, serviceDefault: false }, expected: true, nodePool: 'user' },
        },
        { field: 'properties.agentPoolProfiles[2].enableEncryptionAtHost', message: /node pool gpu of cluster aks1 .*is false/ },
      ],
    },
    {
      name: 'az aks show with null',
      resources: [cliCluster('aks1', { agentPoolProfiles: [pool('nodepool1', { enableEncryptionAtHost: null })] })],
      findings: [{ field: 'agentPoolProfiles[0].enableEncryptionAtHost' }],
    },
    {
      name: 'a separate agentPools resource: the finding lands on it',
      resources: [
        templateCluster('aks1', { agentPoolProfiles: [pool('system', { enableEncryptionAtHost: true })] }),
        templatePool('aks1', 'user', { count: 2, enableEncryptionAtHost: false }),
      ],
      findings: [
        {
          resource: 'Microsoft.ContainerService/managedClusters/agentPools/aks1/user',
          field: 'properties.enableEncryptionAtHost',
          message: /node pool user of cluster aks1/,
          verify: /--name aks1 --query "agentPoolProfiles\[\?name=='user'\]\.enableEncryptionAtHost"/,
        },
      ],
    },
    {
      // A GET of the cluster repeats its pools; scanned with the pool list, each pool is reported once.
      name: 'the cluster and its pool list: one finding per pool, on the pool',
      resources: [
        restCluster('aks1', { agentPoolProfiles: [pool('system', { enableEncryptionAtHost: false }), pool('user', { enableEncryptionAtHost: false })] }),
        resource(AGENT_POOL_TYPE, 'arm-rest', { id: `${clusterId('aks1')}/agentPools/user`, name: 'user', type: AGENT_POOL_TYPE, properties: { enableEncryptionAtHost: false } }, 'user'),
      ],
      findings: [
        { resource: 'Microsoft.ContainerService/managedClusters/aks1', field: 'properties.agentPoolProfiles[0].enableEncryptionAtHost', message: /node pool system of cluster aks1/ },
        { resource: 'Microsoft.ContainerService/managedClusters/agentPools/user', field: 'properties.enableEncryptionAtHost', message: /node pool user of cluster aks1/ },
      ],
    },
    {
      name: 'an agentPools resource whose cluster is not in the scan',
      resources: [templatePool('aks9', 'batch', { count: 2 })],
      findings: [
        {
          resource: 'Microsoft.ContainerService/managedClusters/agentPools/aks9/batch',
          field: 'properties.enableEncryptionAtHost',
          message: /node pool batch of cluster aks9/,
          verify: 'az aks nodepool show --resource-group <resource-group> --cluster-name aks9 --name batch --query enableEncryptionAtHost',
        },
      ],
    },
    {
      name: 'a REST agent pool GET body, named by its id',
      resources: [
        resource(
          'Microsoft.ContainerService/managedClusters/agentPools',
          'arm-rest',
          { id: '/subscriptions/0/resourceGroups/rg-x/providers/Microsoft.ContainerService/managedClusters/aks7/agentPools/pool2', name: 'pool2', properties: { count: 1 } },
          'pool2',
        ),
      ],
      findings: [{ verify: 'az aks nodepool show --resource-group rg-x --cluster-name aks7 --name pool2 --query enableEncryptionAtHost' }],
    },
    {
      name: 'Terraform: default pool and separate pool',
      resources: [
        tfCluster('main', { default_node_pool: [{ name: 'system' }] }),
        tfPool('user', { name: 'user', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.main.id}', host_encryption_enabled: false }),
      ],
      findings: [
        { resource: 'azurerm_kubernetes_cluster/main', field: 'default_node_pool[0].host_encryption_enabled' },
        { resource: 'azurerm_kubernetes_cluster_node_pool/user', field: 'host_encryption_enabled' },
      ],
    },
    {
      name: 'unknown per pool',
      resources: [templateCluster('aks1', { agentPoolProfiles: [pool('system', { enableEncryptionAtHost: unknown("parameter 'hostEnc' has no default value") })] })],
      findings: [{ severity: 'info', field: 'properties.agentPoolProfiles[0].enableEncryptionAtHost', message: /node pool system of cluster aks1: .*hostEnc/ }],
    },
  ],
});
