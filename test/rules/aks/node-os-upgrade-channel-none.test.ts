import rule from '../../../src/rules/aks/node-os-upgrade-channel-none.js';
import { aksRuleTester, cliCluster, restCluster, templateCluster, tfCluster, unknown } from './aks-tester.js';

aksRuleTester(rule, {
  valid: [
    { name: 'not set: the service default is NodeImage', resources: [restCluster('aks1', {})] },
    { name: 'REST body with SecurityPatch', resources: [restCluster('aks1', { autoUpgradeProfile: { nodeOSUpgradeChannel: 'SecurityPatch' } })] },
    { name: 'az aks show spells it nodeOsUpgradeChannel', resources: [cliCluster('aks1', { autoUpgradeProfile: { upgradeChannel: 'patch', nodeOsUpgradeChannel: 'NodeImage' } })] },
    {
      name: 'the node-image cluster channel keeps images current whatever the node OS channel says',
      resources: [restCluster('aks1', { autoUpgradeProfile: { upgradeChannel: 'node-image', nodeOSUpgradeChannel: 'None' } })],
    },
    { name: 'Terraform node_os_upgrade_channel', resources: [tfCluster('main', { node_os_upgrade_channel: 'SecurityPatch' })] },
  ],
  invalid: [
    {
      name: 'REST body with None',
      resources: [restCluster('aks1', { autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'None' } })],
      findings: [
        {
          field: 'properties.autoUpgradeProfile.nodeOSUpgradeChannel',
          severity: 'medium',
          message: 'cluster aks1 applies no node OS security updates (nodeOSUpgradeChannel "None")',
          verify: 'az aks show --resource-group rg-prod --name aks1 --query autoUpgradeProfile.nodeOsUpgradeChannel',
          evidence: { observed: 'None', expected: ['NodeImage', 'SecurityPatch'] },
        },
      ],
    },
    {
      name: 'az aks show with Unmanaged',
      resources: [cliCluster('aks1', { autoUpgradeProfile: { upgradeChannel: null, nodeOsUpgradeChannel: 'Unmanaged' } })],
      findings: [{ field: 'autoUpgradeProfile.nodeOsUpgradeChannel', severity: 'low', message: /unmanaged/ }],
    },
    { name: 'Terraform 3.x node_os_channel_upgrade None', resources: [tfCluster('main', { node_os_channel_upgrade: 'None' })], findings: [{ field: 'node_os_channel_upgrade' }] },
    {
      name: 'unknown',
      resources: [templateCluster('aks1', { autoUpgradeProfile: { nodeOSUpgradeChannel: unknown("variable 'os' uses reference()") } })],
      findings: [{ severity: 'info', message: /reference\(\)/ }],
    },
  ],
});
