import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, observed, reportUnknown } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/run-command-enabled',
    title: 'Run command (az aks command invoke) is enabled',
    severity: 'medium',
    pillar: 'access',
    frameworks: [{ framework: 'azure-policy', id: '89f2d532-c53c-4f8f-9afa-4927b1114a0d' }],
    description:
      'Run command lets anyone allowed the Azure runCommand action run kubectl and helm inside the cluster ' +
      'through Azure Resource Manager, from anywhere: it is a path around a private API server and authorized IP ' +
      'ranges that network controls do not see. apiServerAccessProfile.disableRunCommand is false unless set.',
    remediation:
      'Disable it: az aks update --disable-run-command (apiServerAccessProfile.disableRunCommand: true in ' +
      'templates; run_command_enabled = false in Terraform). Reach a private cluster through a jump host, VPN or ' +
      'Azure Bastion instead.',
    references: ['https://learn.microsoft.com/azure/aks/access-private-cluster'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('apiServerAccessProfile.disableRunCommand');
    const verify = aksVerify(cluster, 'apiServerAccessProfile.disableRunCommand');
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, true, verify);
    if (flag(s) === true) return;
    ctx.report({
      field: s.field,
      message: `cluster ${cluster.name} allows run command (apiServerAccessProfile.disableRunCommand ${s.absent ? 'not set, default false' : `is ${JSON.stringify(s.value)}`}): kubectl can be run through Azure Resource Manager`,
      evidence: { observed: observed(s, false), expected: true },
      verify,
    });
  },
});
