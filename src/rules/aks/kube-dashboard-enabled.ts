import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, queryPathOf, reportUnknown } from './lib/cluster-settings.js';

const ENABLED = 'addonProfiles.kubeDashboard.enabled';

export default defineRule({
  meta: {
    id: 'aks/kube-dashboard-enabled',
    title: 'Kubernetes dashboard add-on is enabled',
    severity: 'high',
    pillar: 'addons',
    frameworks: [{ framework: 'checkov', id: 'CKV_AZURE_8' }],
    description:
      'The kube-dashboard add-on runs a web UI with broad rights inside the cluster; exposed dashboards have been ' +
      'used to take clusters over for crypto-mining. AKS removed the add-on in Kubernetes 1.19, so where it is ' +
      'still enabled the cluster also runs an unsupported Kubernetes version. It is off unless enabled; an absent ' +
      'setting is not reported.',
    remediation:
      'Disable it: az aks disable-addons --addons kube-dashboard (addonProfiles.kubeDashboard.enabled: false or ' +
      'removed in templates), and use the Kubernetes resource view in the Azure portal or kubectl.',
    references: ['https://learn.microsoft.com/azure/aks/kubernetes-portal'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get(ENABLED);
    const verify = aksVerify(cluster, queryPathOf(cluster, s, ENABLED));
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, false, verify);
    if (s.absent || flag(s) !== true) return;
    ctx.report({
      field: s.field,
      message: `cluster ${cluster.name} runs the kube-dashboard add-on (addonProfiles.kubeDashboard.enabled is ${JSON.stringify(s.value)})`,
      evidence: { observed: s.value, expected: false },
      verify,
    });
  },
});
