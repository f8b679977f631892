import rule from '../../../src/rules/aks/container-insights-disabled.js';
import { aksRuleTester, cliCluster, restCluster, templateCluster, tfCluster, unknown } from './aks-tester.js';

const WS = '/subscriptions/0/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law1';

aksRuleTester(rule, {
  valid: [
    { name: 'REST body with the omsagent add-on', resources: [restCluster('aks1', { addonProfiles: { omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: WS } } } })] },
    { name: 'add-on key spelled omsAgent', resources: [templateCluster('aks1', { addonProfiles: { omsAgent: { enabled: true } } })] },
    { name: 'az aks show with managed Prometheus only', resources: [cliCluster('aks1', { addonProfiles: null, azureMonitorProfile: { metrics: { enabled: true } } })] },
    { name: 'azureMonitorProfile.containerInsights', resources: [restCluster('aks1', { azureMonitorProfile: { containerInsights: { enabled: true, logAnalyticsWorkspaceResourceId: WS } } })] },
    { name: 'Terraform oms_agent block', resources: [tfCluster('main', { oms_agent: [{ log_analytics_workspace_id: WS }] })] },
    { name: 'Terraform 2.x addon_profile', resources: [tfCluster('main', { addon_profile: [{ oms_agent: [{ enabled: true }] }] })] },
  ],
  invalid: [
    {
      name: 'REST body with no monitoring',
      resources: [restCluster('aks1', { addonProfiles: { kubeDashboard: { enabled: false } } })],
      findings: [
        {
          field: 'properties.addonProfiles.omsagent.enabled',
          severity: 'medium',
          message: 'cluster aks1 sends no logs or metrics to Azure Monitor: Container Insights and managed Prometheus are off',
          verify: 'az aks show --resource-group rg-prod --name aks1 --query addonProfiles.omsagent.enabled',
          evidence: { expected: { 'addonProfiles.omsagent.enabled': true } },
        },
      ],
    },
    {
      name: 'az aks show with the add-on disabled',
      resources: [cliCluster('aks1', { addonProfiles: { omsagent: { enabled: false, config: null } }, azureMonitorProfile: null })],
      findings: [{ field: 'addonProfiles.omsagent.enabled', evidence: { observed: { 'addonProfiles.omsagent.enabled': false } } }],
    },
    {
      // JMESPath keys are case-sensitive: the command queries the key the cluster has.
      name: 'az aks show with the add-on key spelled omsAgent',
      resources: [cliCluster('aks1', { addonProfiles: { omsAgent: { enabled: false, config: null } }, azureMonitorProfile: null })],
      findings: [{ field: 'addonProfiles.omsAgent.enabled', verify: 'az aks show --resource-group rg-prod --name aks1 --query addonProfiles.omsAgent.enabled' }],
    },
    {
      name: 'REST body with omsAgent disabled',
      resources: [restCluster('aks1', { addonProfiles: { omsAgent: { enabled: false } } })],
      findings: [{ field: 'properties.addonProfiles.omsAgent.enabled', verify: 'az aks show --resource-group rg-prod --name aks1 --query addonProfiles.omsAgent.enabled' }],
    },
    { name: 'Terraform without oms_agent', resources: [tfCluster('main', { oms_agent: [] })], findings: [{ field: 'oms_agent', verify: /--query addonProfiles\.omsagent\.enabled$/ }] },
    {
      name: 'unknown add-on state: info',
      resources: [templateCluster('aks1', { addonProfiles: unknown("if() on parameter 'monitoring' without default") })],
      findings: [{ severity: 'info', field: 'properties.addonProfiles', message: /parameter 'monitoring'/, verify: /--query addonProfiles\.omsagent\.enabled$/ }],
    },
  ],
});
