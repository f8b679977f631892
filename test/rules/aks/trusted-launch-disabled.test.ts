import rule from '../../../src/rules/aks/trusted-launch-disabled.js';
import { aksRuleTester, cliCluster, managedSystemCluster, restCluster, templateCluster, tfCluster, tfPool, unknown } from './aks-tester.js';

aksRuleTester(rule, {
  valid: [
    {
      name: 'REST body with secure boot and vTPM',
      resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', securityProfile: { enableSecureBoot: true, enableVTPM: true } }] })],
    },
    { name: 'az aks show spells it enableVtpm', resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', securityProfile: { enableSecureBoot: true, enableVtpm: true, sshAccess: 'Disabled' } }] })] },
    { name: 'Windows pools are skipped', resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'win', osType: 'Windows' }] })] },
    { name: 'a managed system pool (AKS Automatic) is AKS\'s to configure, not the user\'s', resources: [managedSystemCluster('auto2')] },
  ],
  invalid: [
    {
      name: 'REST body without a security profile',
      resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', osType: 'Linux' }] })],
      findings: [
        {
          field: 'properties.agentPoolProfiles[0].securityProfile.enableSecureBoot',
          severity: 'low',
          message: 'node pool p1 of cluster aks1 does not use Trusted Launch: secure boot and vTPM are off',
          verify: `az aks show --resource-group rg-prod --name aks1 --query "agentPoolProfiles[?name=='p1'].securityProfile.enableSecureBoot"`,
          evidence: { observed: { 'securityProfile.enableSecureBoot': null, 'securityProfile.enableVTPM': null }, nodePool: 'p1' },
        },
      ],
    },
    {
      name: 'az aks show: vTPM off on the second pool',
      resources: [
        cliCluster('aks1', {
          agentPoolProfiles: [
            { name: 'p1', securityProfile: { enableSecureBoot: true, enableVtpm: true } },
            { name: 'p2', securityProfile: { enableSecureBoot: true, enableVtpm: false } },
          ],
        }),
      ],
      findings: [{ field: 'agentPoolProfiles[1].securityProfile.enableVtpm', message: 'node pool p2 of cluster aks1 does not use Trusted Launch: vTPM is off', verify: /securityProfile\.enableVtpm"$/ }],
    },
    {
      name: 'Terraform cannot set Trusted Launch: the Azure default (off) applies, reported as info with the way to set it',
      resources: [tfCluster('main', { default_node_pool: [{ name: 'system' }] }), tfPool('user', { name: 'user', kubernetes_cluster_id: '${azurerm_kubernetes_cluster.main.id}' })],
      findings: [
        {
          field: 'default_node_pool[0]',
          severity: 'info',
          message:
            'node pool system of cluster main does not use Trusted Launch: secure boot and vTPM are off, and the azurerm provider has no attribute for them: ' +
            'run az aks nodepool update --enable-secure-boot --enable-vtpm after apply (Generation 2 VM size), or set securityProfile with the azapi provider',
        },
        { resource: 'azurerm_kubernetes_cluster_node_pool/user', field: null, severity: 'info', message: /node pool user of cluster main .*azurerm provider has no attribute/ },
      ],
    },
    {
      name: 'unknown, the other part on: info',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1', securityProfile: { enableSecureBoot: true, enableVTPM: unknown("parameter 'vtpm' has no default value") } }] })],
      findings: [{ severity: 'info', field: 'properties.agentPoolProfiles[0].securityProfile.enableVTPM' }],
    },
  ],
});
