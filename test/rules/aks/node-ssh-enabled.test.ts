import { expect, it } from 'vitest';
import rule from '../../../src/rules/aks/node-ssh-enabled.js';
import { aksRuleTester, cliCluster, managedSystemCluster, restCluster, templateCluster, templatePool, tfCluster, tfPool, unknown } from './aks-tester.js';

aksRuleTester(rule, {
  valid: [
    { name: 'REST body with SSH disabled', resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', securityProfile: { sshAccess: 'Disabled' } }] })] },
    { name: 'az aks show with Entra ID SSH', resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', securityProfile: { sshAccess: 'EntraId' } }] })] },
    { name: 'values compare case-insensitively', resources: [templatePool('aks9', 'p2', { securityProfile: { sshAccess: 'disabled' } })] },
    { name: 'a managed system pool (AKS Automatic) is AKS\'s to configure, not the user\'s', resources: [managedSystemCluster('auto2')] },
    {
      name: 'AKS Automatic takes no SSH key: LocalUser gives nobody a way in',
      resources: [cliCluster('auto1', { sku: { name: 'Automatic', tier: 'Standard' }, linuxProfile: null, agentPoolProfiles: [{ name: 'systempool', mode: 'System', securityProfile: { sshAccess: 'LocalUser' } }] })],
    },
    {
      name: 'Windows pools are skipped (AKS does not support sshAccess Disabled on them)',
      resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'win', osType: 'Windows', securityProfile: { sshAccess: 'LocalUser' } }, { name: 'win2', osType: 'Windows' }] })],
    },
  ],
  invalid: [
    {
      name: 'REST body: not set means LocalUser',
      resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1' }, { name: 'p2', securityProfile: { sshAccess: 'Disabled' } }] })],
      findings: [
        {
          field: 'properties.agentPoolProfiles[0].securityProfile.sshAccess',
          severity: 'low',
          message: 'node pool p1 of cluster aks1 accepts SSH with local keys (sshAccess not set, default LocalUser)',
          verify: `az aks show --resource-group rg-prod --name aks1 --query "agentPoolProfiles[?name=='p1'].securityProfile.sshAccess"`,
          evidence: { observed: { notSet: true, serviceDefault: 'LocalUser' }, expected: ['Disabled', 'EntraId'] },
        },
      ],
    },
    {
      name: 'az aks show with LocalUser',
      resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', securityProfile: { sshAccess: 'LocalUser' } }] })],
      findings: [{ field: 'agentPoolProfiles[0].securityProfile.sshAccess', message: /sshAccess "LocalUser"/ }],
    },
    {
      name: 'Terraform: no attribute, the Azure default applies, reported as info with the way to set it',
      resources: [tfCluster('main', { default_node_pool: [{ name: 'system' }] }), tfPool('user', { name: 'user', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.main.id}' })],
      findings: [
        {
          field: 'default_node_pool[0]',
          severity: 'info',
          message:
            'node pool system of cluster main accepts SSH with local keys (sshAccess not set, default LocalUser), and the azurerm provider has no attribute for it: ' +
            'run az aks nodepool update --ssh-access disabled after apply, or set securityProfile.sshAccess with the azapi provider, ' +
            'then reimage the nodes (az aks nodepool upgrade --node-image-only)',
          evidence: { observed: { notSet: true, serviceDefault: 'LocalUser', azurermAttribute: null } },
        },
        { resource: 'azurerm_kubernetes_cluster_node_pool/user', field: null, severity: 'info', message: /^node pool user of cluster main .*no attribute for it/ },
      ],
    },
    {
      name: 'unknown',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1', securityProfile: { sshAccess: unknown("parameter 'ssh' has no default value") } }] })],
      findings: [{ severity: 'info' }],
    },
  ],
});

it('says the change reaches existing nodes only after a reimage', () => {
  expect(rule.meta.remediation).toMatch(/reimaged: run az aks nodepool upgrade --node-image-only/);
});
