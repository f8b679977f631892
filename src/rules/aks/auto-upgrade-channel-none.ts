import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, fieldOf, observed, reportUnknown, text } from './lib/cluster-settings.js';

const UPGRADING = ['rapid', 'stable', 'patch'];

export default defineRule({
  meta: {
    id: 'aks/auto-upgrade-channel-none',
    title: 'Cluster has no Kubernetes auto-upgrade channel',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: [
      { framework: 'checkov', id: 'CKV_AZURE_171' },
      { framework: 'azure-policy', id: '5c345cdf-2049-47e0-b8fe-b0e96bc2df35' },
    ],
    description:
      'Kubernetes patch releases carry the fixes for Kubernetes CVEs. With autoUpgradeProfile.upgradeChannel none ' +
      '(the default) AKS never applies them, and clusters drift out of support. The patch channel applies new ' +
      'patches of the current minor; stable and rapid also move minors. The node-image channel updates node ' +
      'images only, never the Kubernetes version.',
    remediation:
      'Set an upgrade channel (az aks update --auto-upgrade-channel patch; autoUpgradeProfile.upgradeChannel: patch; ' +
      'automatic_upgrade_channel = "patch" in Terraform), and a planned maintenance window ' +
      '(aksManagedAutoUpgradeSchedule) to control when upgrades happen.',
    references: [
      'https://learn.microsoft.com/azure/aks/auto-upgrade-cluster',
      'https://learn.microsoft.com/azure/aks/planned-maintenance',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('autoUpgradeProfile.upgradeChannel');
    const verify = aksVerify(cluster, 'autoUpgradeProfile.upgradeChannel');
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, UPGRADING, verify);
    const channel = text(s)?.toLowerCase();
    if (channel !== undefined && UPGRADING.includes(channel)) return;
    const evidence = { observed: observed(s, 'none'), expected: UPGRADING };
    if (channel === 'node-image') {
      ctx.report({
        field: fieldOf(s),
        severity: 'low',
        message: `cluster ${cluster.name} uses the node-image upgrade channel: node images are updated, but Kubernetes patch releases are never applied`,
        evidence,
        verify,
      });
      return;
    }
    ctx.report({
      field: fieldOf(s),
      message: `cluster ${cluster.name} has no Kubernetes auto-upgrade channel (upgradeChannel ${s.absent ? 'not set, default none' : JSON.stringify(s.value)})`,
      evidence,
      verify,
    });
  },
});
