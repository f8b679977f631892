import rule from '../../../src/rules/aks/kubernetes-version-unsupported.js';
import { aksRuleTester, cliCluster, restCluster, templateCluster, templatePool, tfCluster, tfPool, unknown } from './aks-tester.js';

aksRuleTester(rule, {
  valid: [
    { name: 'REST body at the minimum, pools following the control plane', resources: [restCluster('aks1', { kubernetesVersion: '1.34', agentPoolProfiles: [{ name: 'p1' }] })] },
    {
      name: 'az aks show with patch versions above the minimum',
      resources: [cliCluster('aks1', { kubernetesVersion: '1.35.2', currentKubernetesVersion: '1.35.2', agentPoolProfiles: [{ name: 'p1', orchestratorVersion: '1.35.2' }] })],
    },
    { name: 'compared numerically, not as text (1.100 > 1.34)', resources: [restCluster('aks1', { kubernetesVersion: '1.100.0' })] },
    { name: 'not set: AKS picks its default version', resources: [templateCluster('aks1', {})] },
    { name: 'a lower configured minimum', aks: { minKubernetesVersion: '1.30' }, resources: [restCluster('aks1', { kubernetesVersion: '1.30.4' })] },
    { name: 'a major.minor alias meets a patch minimum', aks: { minKubernetesVersion: '1.34.3' }, resources: [restCluster('aks1', { kubernetesVersion: '1.34' })] },
    { name: 'Terraform kubernetes_version', resources: [tfCluster('main', { kubernetes_version: '1.35', default_node_pool: [{ name: 'p1', orchestrator_version: '1.35' }] })] },
  ],
  invalid: [
    {
      name: 'REST body: control plane and a pool below the minimum',
      resources: [restCluster('aks1', { kubernetesVersion: '1.29.4', agentPoolProfiles: [{ name: 'p1', orchestratorVersion: '1.29.4' }, { name: 'p2', orchestratorVersion: '1.34.1' }] })],
      findings: [
        {
          field: 'properties.kubernetesVersion',
          severity: 'high',
          message: 'cluster aks1 runs Kubernetes 1.29.4, below the supported minimum 1.34',
          verify: 'az aks show --resource-group rg-prod --name aks1 --query kubernetesVersion',
          evidence: { observed: '1.29.4', expected: '>= 1.34' },
        },
        {
          field: 'properties.agentPoolProfiles[0].orchestratorVersion',
          message: 'node pool p1 of cluster aks1 runs Kubernetes 1.29.4, below the supported minimum 1.34',
          verify: `az aks show --resource-group rg-prod --name aks1 --query "agentPoolProfiles[?name=='p1'].orchestratorVersion"`,
        },
      ],
    },
    {
      name: 'az aks show: only an old pool (version skew)',
      resources: [cliCluster('aks1', { kubernetesVersion: '1.35', agentPoolProfiles: [{ name: 'p1', orchestratorVersion: '1.35' }, { name: 'old', orchestratorVersion: '1.33' }] })],
      findings: [{ field: 'agentPoolProfiles[1].orchestratorVersion', message: /node pool old of cluster aks1 runs Kubernetes 1.33/ }],
    },
    {
      // The declared minor alias is kept on the newest patch AKS offers, but the cluster runs the current one.
      name: 'az aks show: the running patch, not the declared alias, against a patch minimum',
      aks: { minKubernetesVersion: '1.34.3' },
      resources: [cliCluster('aks1', { kubernetesVersion: '1.34', currentKubernetesVersion: '1.34.2', agentPoolProfiles: [{ name: 'p1', orchestratorVersion: '1.34', currentOrchestratorVersion: '1.34.2' }] })],
      findings: [
        { field: 'currentKubernetesVersion', message: 'cluster aks1 runs Kubernetes 1.34.2, below the supported minimum 1.34.3', verify: 'az aks show --resource-group rg-prod --name aks1 --query currentKubernetesVersion' },
        { field: 'agentPoolProfiles[0].currentOrchestratorVersion', message: /node pool p1 of cluster aks1 runs Kubernetes 1.34.2/ },
      ],
    },
    {
      name: 'a patch minimum',
      aks: { minKubernetesVersion: '1.34.3' },
      resources: [restCluster('aks1', { kubernetesVersion: '1.34.2' })],
      findings: [{ message: /1.34.2, below the supported minimum 1.34.3/ }],
    },
    {
      name: 'a separate pool resource',
      resources: [templateCluster('aks1', { kubernetesVersion: '1.35' }), templatePool('aks1', 'legacy', { orchestratorVersion: '1.31.9' })],
      findings: [{ resource: 'Microsoft.ContainerService/managedClusters/agentPools/aks1/legacy', field: 'properties.orchestratorVersion' }],
    },
    {
      name: 'long-term support plan slightly below the minimum: info',
      resources: [restCluster('aks1', { kubernetesVersion: '1.32.5', supportPlan: 'AKSLongTermSupport' }, { sku: { name: 'Base', tier: 'Premium' } })],
      findings: [{ severity: 'info', message: /long-term support plan: check that 1.32 is still in its LTS window/ }],
    },
    {
      name: 'long-term support does not cover versions years old',
      resources: [restCluster('aks1', { kubernetesVersion: '1.24.9', supportPlan: 'AKSLongTermSupport' })],
      findings: [{ severity: 'high' }],
    },
    {
      name: 'Terraform: cluster and separate pool',
      resources: [
        tfCluster('main', { kubernetes_version: '1.28.3', default_node_pool: [{ name: 'p1' }] }),
        tfPool('p2', { name: 'p2', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.main.id}', orchestrator_version: '1.27' }),
      ],
      findings: [
        { resource: 'azurerm_kubernetes_cluster/main', field: 'kubernetes_version' },
        { resource: 'azurerm_kubernetes_cluster_node_pool/p2', field: 'orchestrator_version' },
      ],
    },
    {
      name: 'unknown and unparseable versions: info',
      resources: [templateCluster('aks1', { kubernetesVersion: unknown("parameter 'k8sVersion' has no default value"), agentPoolProfiles: [{ name: 'p1', orchestratorVersion: 'latest' }] })],
      findings: [
        { severity: 'info', field: 'properties.kubernetesVersion', message: /k8sVersion/ },
        { severity: 'info', field: 'properties.agentPoolProfiles[0].orchestratorVersion', message: /"latest" is not a version/ },
      ],
    },
  ],
});
