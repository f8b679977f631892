import rule from '../../../src/rules/aks/sku-tier-free.js';
import { aksRuleTester, azapiCluster, cliCluster, restCluster, templateCluster, tfCluster, unknown } from './aks-tester.js';

aksRuleTester(rule, {
  valid: [
    { name: 'REST body on Standard', resources: [restCluster('aks1', {}, { sku: { name: 'Base', tier: 'Standard' } })] },
    { name: 'az aks show on Premium', resources: [cliCluster('aks1', { sku: { name: 'Base', tier: 'Premium' } })] },
    { name: 'the legacy name Paid', resources: [templateCluster('aks1', {}, { sku: { name: 'Basic', tier: 'Paid' } })] },
    { name: 'Terraform sku_tier Standard', resources: [tfCluster('main', { sku_tier: 'Standard' })] },
    { name: 'AzAPI body on Standard', resources: [azapiCluster('this', 'aks1', { sku: { name: 'Base', tier: 'Standard' } })] },
    { name: 'AzAPI body left to Terraform: nothing to say', resources: [azapiCluster('this', 'aks1', unknown('local.resource_body is resolved by Terraform'))] },
    // AKS runs Automatic clusters on the Standard tier and sets it.
    { name: 'AKS Automatic template without a tier', resources: [templateCluster('aks1', {}, { sku: { name: 'Automatic' } })] },
    { name: 'unknown: nothing to say', resources: [templateCluster('aks1', {}, { sku: { tier: unknown("parameter 'tier' has no default value") } })] },
  ],
  invalid: [
    {
      name: 'REST body on Free',
      resources: [restCluster('aks1', {}, { sku: { name: 'Base', tier: 'Free' } })],
      findings: [
        {
          field: 'sku.tier',
          severity: 'info',
          message: 'cluster aks1 is on the "Free" tier: no uptime SLA for the control plane',
          verify: 'az aks show --resource-group rg-prod --name aks1 --query sku.tier',
          evidence: { observed: 'Free', expected: ['Standard', 'Premium'] },
        },
      ],
    },
    {
      name: 'no sku: the default is Free',
      resources: [restCluster('aks1', {})],
      findings: [{ field: 'sku.tier', message: /Free tier \(sku.tier not set\)/, evidence: { observed: { notSet: true, serviceDefault: 'Free' } } }],
    },
    {
      name: 'AKS Automatic with a tier written: what is written is judged',
      resources: [templateCluster('aks1', {}, { sku: { name: 'Automatic', tier: 'Free' } })],
      findings: [{ field: 'sku.tier', message: /"Free" tier/ }],
    },
    { name: 'az aks show on Free', resources: [cliCluster('aks1', { sku: { name: 'Base', tier: 'Free' } })], findings: [{ field: 'sku.tier' }] },
    { name: 'Terraform without sku_tier', resources: [tfCluster('main', {})], findings: [{ field: 'sku_tier', resource: 'azurerm_kubernetes_cluster/main' }] },
    {
      name: 'AzAPI body on Free: the field is in the body, the command names the Azure name and the group of parent_id',
      resources: [azapiCluster('this', 'aks1', { sku: { name: 'Base', tier: 'Free' }, properties: {} })],
      findings: [{ field: 'body.sku.tier', resource: 'Microsoft.ContainerService/managedClusters/this', verify: 'az aks show --resource-group rg-prod --name aks1 --query sku.tier' }],
    },
  ],
});
