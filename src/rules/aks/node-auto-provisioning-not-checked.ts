import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, providerManaged, text } from './lib/cluster-settings.js';

/** What to look at in the Karpenter objects, for the settings the node pool rules check on agent pools. */
const WHAT_TO_CHECK =
  'each AKSNodeClass (kubectl get aksnodeclasses -o yaml: imageFamily, imageVersion, osDiskSizeGB, maxPods, kubelet, ' +
  'vnetSubnetID) and each NodePool (kubectl get nodepools.karpenter.sh -o yaml: the node classes and requirements it ' +
  'allows, taints, limits, disruption budgets)';

export default defineRule({
  meta: {
    id: 'aks/node-auto-provisioning-not-checked',
    title: 'Nodes from node auto-provisioning are not covered by the node pool checks',
    severity: 'info',
    pillar: 'configuration',
    frameworks: [],
    description:
      'With node auto-provisioning (nodeProvisioningProfile.mode Auto, which every AKS Automatic cluster uses) ' +
      'AKS runs Karpenter, which creates nodes from NodePool and AKSNodeClass objects inside the cluster, not ' +
      'from the agent pools of the cluster resource. The node pool rules (encryption at host, FIPS, SSH, ' +
      'Trusted Launch, OS disk, max pods, Kubernetes version) read only agent pools, so that no finding on them ' +
      'says nothing about those nodes. This note says so, and what to check in those objects.',
    remediation:
      'Review the NodePool and AKSNodeClass objects (kubectl get nodepools.karpenter.sh,aksnodeclasses -o yaml): ' +
      'the image family and version, fipsMode: FIPS where FIPS is required, the subnet, max pods and kubelet ' +
      'settings of each AKSNodeClass, and the requirements, taints and limits of each NodePool. Keep them in ' +
      'source control with the cluster definition.',
    references: [
      'https://learn.microsoft.com/azure/aks/node-autoprovision',
      'https://learn.microsoft.com/azure/aks/node-auto-provisioning-aksnodeclass',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const mode = cluster.get('nodeProvisioningProfile.mode');
    if (!mode.known || text(mode)?.trim().toLowerCase() !== 'auto') return;
    const fips = ctx.settings.aks.requireFips ? '; FIPS is required, so every AKSNodeClass needs fipsMode: FIPS' : '';
    ctx.report({
      field: mode.field,
      message:
        `cluster ${cluster.name} creates nodes with node auto-provisioning (nodeProvisioningProfile.mode ${JSON.stringify(mode.value)}): ` +
        `those nodes are configured by Karpenter NodePool and AKSNodeClass objects, which the node pool rules did not check; check ${WHAT_TO_CHECK}${fips}`,
      evidence: { observed: mode.value, expected: 'NodePool and AKSNodeClass objects reviewed', checkedPools: cluster.nodePools.filter((p) => !providerManaged(p)).map((p) => p.name) },
      verify: aksVerify(cluster, 'nodeProvisioningProfile'),
    });
  },
});
