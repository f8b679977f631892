import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, fieldOf, observed, reportUnknown, text } from './lib/cluster-settings.js';

const MANAGED = ['NodeImage', 'SecurityPatch'];

export default defineRule({
  meta: {
    id: 'aks/node-os-upgrade-channel-none',
    title: 'Node OS security updates are not managed',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: [{ framework: 'azure-policy', id: '04408ca5-aa10-42ce-8536-98955cdddd4c' }],
    description:
      'The node OS upgrade channel decides how node operating systems get security fixes. None applies nothing: ' +
      'nodes keep the vulnerabilities of their image until someone upgrades it. Unmanaged leaves it to the OS ' +
      'package manager, without node reboots or image updates coordinated by AKS. SecurityPatch and NodeImage ' +
      '(the service default) apply fixes in a maintenance window. The cluster upgrade channel node-image also ' +
      'keeps node images current.',
    remediation:
      'Set autoUpgradeProfile.nodeOSUpgradeChannel to SecurityPatch or NodeImage (az aks update ' +
      '--node-os-upgrade-channel SecurityPatch; node_os_upgrade_channel in Terraform), with an ' +
      'aksManagedNodeOSUpgradeSchedule maintenance window.',
    references: ['https://learn.microsoft.com/azure/aks/auto-upgrade-node-os-image'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('autoUpgradeProfile.nodeOSUpgradeChannel');
    const verify = aksVerify(cluster, 'autoUpgradeProfile.nodeOsUpgradeChannel');
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, MANAGED, verify);
    if (s.absent) return;
    const channel = text(s)?.toLowerCase();
    if (channel === 'nodeimage' || channel === 'securitypatch') return;
    // The node-image cluster channel upgrades node images whatever the node OS channel says.
    const clusterChannel = cluster.get('autoUpgradeProfile.upgradeChannel');
    if (clusterChannel.known && text(clusterChannel)?.toLowerCase() === 'node-image') return;
    const evidence = { observed: observed(s, 'NodeImage'), expected: MANAGED };
    if (channel === 'unmanaged') {
      ctx.report({
        field: fieldOf(s),
        severity: 'low',
        message: `cluster ${cluster.name} leaves node OS updates unmanaged: the OS patches itself, without coordinated reboots or node image updates`,
        evidence,
        verify,
      });
      return;
    }
    ctx.report({
      field: fieldOf(s),
      message: `cluster ${cluster.name} applies no node OS security updates (nodeOSUpgradeChannel ${JSON.stringify(s.value)})`,
      evidence,
      verify,
    });
  },
});
