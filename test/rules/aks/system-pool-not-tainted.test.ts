import rule from '../../../src/rules/aks/system-pool-not-tainted.js';
import { aksRuleTester, cliCluster, restCluster, templateCluster, templatePool, tfCluster, tfPool, unknown } from './aks-tester.js';

const TAINT = 'CriticalAddonsOnly=true:NoSchedule';

aksRuleTester(rule, {
  valid: [
    {
      name: 'REST body: tainted system pool, untainted user pool',
      resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'system', mode: 'System', nodeTaints: [TAINT] }, { name: 'apps', mode: 'User' }] })],
    },
    { name: 'az aks show, NoExecute taint', resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'sys', mode: 'System', nodeTaints: ['CriticalAddonsOnly=true:NoExecute'] }] })] },
    { name: 'taint without a value', resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'sys', mode: 'System', nodeTaints: ['CriticalAddonsOnly:NoSchedule'] }] })] },
    {
      name: 'a pool without mode that is not the first is a user pool',
      resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'sys', nodeTaints: [TAINT] }, { name: 'apps' }] })],
    },
    { name: 'a separate pool without mode is a user pool', resources: [templatePool('aks9', 'apps', { count: 3 })] },
    { name: 'Terraform only_critical_addons_enabled', resources: [tfCluster('main', { default_node_pool: [{ name: 'system', only_critical_addons_enabled: true }] })] },
    {
      name: 'Terraform separate pools are User unless they say System',
      resources: [tfCluster('main', { default_node_pool: [{ name: 'system', only_critical_addons_enabled: true }] }), tfPool('apps', { name: 'apps', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.main.id}' })],
    },
  ],
  invalid: [
    {
      name: 'REST body: system pool without taints',
      resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'system', mode: 'System' }, { name: 'apps', mode: 'User' }] })],
      findings: [
        {
          field: 'properties.agentPoolProfiles[0].nodeTaints',
          severity: 'low',
          message: `node pool system of cluster aks1 is a system pool without the ${TAINT} taint: application pods can run beside the cluster's system components`,
          verify: `az aks show --resource-group rg-prod --name aks1 --query "agentPoolProfiles[?name=='system'].nodeTaints"`,
          evidence: { observed: { notSet: true, serviceDefault: [] }, expected: TAINT, nodePool: 'system' },
        },
      ],
    },
    {
      name: 'every system pool is checked; a different taint does not count',
      resources: [
        cliCluster('aks1', {
          agentPoolProfiles: [
            { name: 'sys1', mode: 'System', nodeTaints: [TAINT] },
            { name: 'sys2', mode: 'system', nodeTaints: ['dedicated=infra:NoSchedule', 'CriticalAddonsOnly=true:PreferNoSchedule'] },
          ],
        }),
      ],
      findings: [{ field: 'agentPoolProfiles[1].nodeTaints', evidence: { observed: ['dedicated=infra:NoSchedule', 'CriticalAddonsOnly=true:PreferNoSchedule'] } }],
    },
    {
      name: 'the only pool of an old template has no mode: it is the system pool',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'agentpool', count: 3 }] })],
      findings: [{ field: 'properties.agentPoolProfiles[0].nodeTaints' }],
    },
    {
      name: 'a separate pool in System mode',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'sys', mode: 'System', nodeTaints: [TAINT] }] }), templatePool('aks1', 'sys2', { mode: 'System' })],
      findings: [{ resource: 'Microsoft.ContainerService/managedClusters/agentPools/aks1/sys2', field: 'properties.nodeTaints' }],
    },
    {
      name: 'Terraform default pool without only_critical_addons_enabled',
      resources: [tfCluster('main', { default_node_pool: [{ name: 'system', only_critical_addons_enabled: false }] })],
      findings: [{ resource: 'azurerm_kubernetes_cluster/main', field: 'default_node_pool[0].only_critical_addons_enabled' }],
    },
    {
      name: 'unknown taint list',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'sys', mode: 'System', nodeTaints: [unknown("parameter 'taint' has no default value")] }] })],
      findings: [{ severity: 'info', message: /parameter 'taint' has no default value/ }],
    },
    {
      name: 'unknown mode, no taint',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1', mode: unknown("parameter 'mode' has no default value") }] })],
      findings: [{ severity: 'info', field: 'properties.agentPoolProfiles[0].mode', message: /parameter 'mode'/ }],
    },
  ],
});
