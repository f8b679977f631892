import rule from '../../../src/rules/aks/node-ssh-enabled.js';
import { aksRuleTester, cliCluster, restCluster, templateCluster, templatePool, tfCluster, unknown } from './aks-tester.js';

aksRuleTester(rule, {
  valid: [
    { name: 'REST body with SSH disabled', resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', securityProfile: { sshAccess: 'Disabled' } }] })] },
    { name: 'az aks show with Entra ID SSH', resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', securityProfile: { sshAccess: 'EntraId' } }] })] },
    { name: 'values compare case-insensitively', resources: [templatePool('aks9', 'p2', { securityProfile: { sshAccess: 'disabled' } })] },
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
    { name: 'Terraform: no attribute, the Azure default applies', resources: [tfCluster('main', { default_node_pool: [{ name: 'system' }] })], findings: [{ field: 'default_node_pool[0]' }] },
    {
      name: 'unknown',
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1', securityProfile: { sshAccess: unknown("parameter 'ssh' has no default value") } }] })],
      findings: [{ severity: 'info' }],
    },
  ],
});
