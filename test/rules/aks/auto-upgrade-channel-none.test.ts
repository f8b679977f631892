import rule from '../../../src/rules/aks/auto-upgrade-channel-none.js';
import { aksRuleTester, cliCluster, restCluster, templateCluster, tfCluster, unknown } from './aks-tester.js';

aksRuleTester(rule, {
  valid: [
    { name: 'REST body on the patch channel', resources: [restCluster('aks1', { autoUpgradeProfile: { upgradeChannel: 'patch' } })] },
    { name: 'az aks show on stable', resources: [cliCluster('aks1', { autoUpgradeProfile: { upgradeChannel: 'stable', nodeOsUpgradeChannel: 'NodeImage' } })] },
    { name: 'channel names compare case-insensitively', resources: [templateCluster('aks1', { autoUpgradeProfile: { upgradeChannel: 'Rapid' } })] },
    { name: 'Terraform automatic_upgrade_channel', resources: [tfCluster('main', { automatic_upgrade_channel: 'patch' })] },
    { name: 'Terraform 3.x automatic_channel_upgrade', resources: [tfCluster('main', { automatic_channel_upgrade: 'stable' })] },
  ],
  invalid: [
    {
      name: 'REST body without an auto-upgrade profile: the default is none',
      resources: [restCluster('aks1', {})],
      findings: [
        {
          field: 'properties.autoUpgradeProfile.upgradeChannel',
          severity: 'medium',
          message: 'cluster aks1 has no Kubernetes auto-upgrade channel (upgradeChannel not set, default none)',
          verify: 'az aks show --resource-group rg-prod --name aks1 --query autoUpgradeProfile.upgradeChannel',
          evidence: { observed: { notSet: true, serviceDefault: 'none' }, expected: ['rapid', 'stable', 'patch'] },
        },
      ],
    },
    {
      name: 'az aks show with channel none',
      resources: [cliCluster('aks1', { autoUpgradeProfile: { upgradeChannel: 'none', nodeOsUpgradeChannel: 'NodeImage' } })],
      findings: [{ field: 'autoUpgradeProfile.upgradeChannel', severity: 'medium', message: /upgradeChannel "none"/ }],
    },
    {
      name: 'node-image updates images but never Kubernetes',
      resources: [restCluster('aks1', { autoUpgradeProfile: { upgradeChannel: 'node-image' } })],
      findings: [{ severity: 'low', message: /node-image upgrade channel/ }],
    },
    { name: 'Terraform with channel none', resources: [tfCluster('main', { automatic_upgrade_channel: 'none' })], findings: [{ field: 'automatic_upgrade_channel' }] },
    {
      name: 'unknown channel from a template',
      resources: [templateCluster('aks1', { autoUpgradeProfile: { upgradeChannel: unknown("parameter 'channel' has no default value") } })],
      findings: [{ severity: 'info', field: 'properties.autoUpgradeProfile.upgradeChannel' }],
    },
  ],
});
