import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, observed, reportUnknown } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/defender-disabled',
    title: 'Microsoft Defender for Containers sensor is not enabled on the cluster',
    severity: 'medium',
    pillar: 'addons',
    frameworks: [{ framework: 'azure-policy', id: 'a1840de2-8088-4ea8-b153-b4c723e9cb01' }],
    description:
      'The Defender profile deploys the Defender for Containers sensor on every node: runtime threat detection ' +
      '(crypto miners, reverse shells, container escapes, access to the instance metadata service) and the ' +
      'inventory used for vulnerability findings on running images. Without it, threats inside the cluster go ' +
      'unseen by Defender for Cloud. securityProfile.defender.securityMonitoring.enabled is false unless set; the ' +
      'subscription also needs the Defender for Containers plan, which this check does not see.',
    remediation:
      'Enable it: az aks update --enable-defender [--defender-config <file with the workspace id>] ' +
      '(securityProfile.defender {logAnalyticsWorkspaceResourceId, securityMonitoring: {enabled: true}} in ' +
      'templates; microsoft_defender { log_analytics_workspace_id } in Terraform), with the Containers plan on ' +
      'in the subscription.',
    references: ['https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-introduction'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('securityProfile.defender.securityMonitoring.enabled');
    const verify = aksVerify(cluster, 'securityProfile.defender.securityMonitoring.enabled');
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, true, verify);
    if (flag(s) === true) return;
    ctx.report({
      field: s.field,
      message: `cluster ${cluster.name} does not run the Defender sensor (securityProfile.defender.securityMonitoring.enabled ${s.absent ? 'not set, default false' : `is ${JSON.stringify(s.value)}`})`,
      evidence: { observed: observed(s, false), expected: true },
      verify,
    });
  },
});
