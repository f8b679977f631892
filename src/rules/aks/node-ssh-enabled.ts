import { defineRule } from '../../core/rule.js';
import { fieldOf, observed, POOL_RULE_KINDS, poolsToCheck, reportUnknown, text } from './lib/cluster-settings.js';

const SAFE = ['disabled', 'entraid'];

export default defineRule({
  meta: {
    id: 'aks/node-ssh-enabled',
    title: 'Node pool accepts SSH with local keys',
    severity: 'low',
    pillar: 'access',
    frameworks: [{ framework: 'azure-policy', id: '28257686-e9db-403e-b9e2-a5eecbe03da9' }],
    description:
      'With sshAccess LocalUser (the default) every node runs an SSH daemon that accepts the cluster\'s admin ' +
      'key: whoever holds that key, or reaches the node network with it, gets a root-capable shell on the node, ' +
      'outside Kubernetes RBAC and its audit log. Disabled turns the daemon off; EntraId accepts only Entra ID ' +
      'identities allowed by Azure RBAC. Debugging remains possible with kubectl debug node/... .',
    remediation:
      'Disable SSH per node pool (az aks nodepool update --ssh-access disabled; securityProfile.sshAccess: ' +
      'Disabled), or use EntraId where node SSH is still needed.',
    references: ['https://learn.microsoft.com/azure/aks/manage-ssh-node-access'],
  },
  target: { kinds: [...POOL_RULE_KINDS] },
  check(ctx) {
    for (const t of poolsToCheck(ctx.resource, ctx.inventory)) {
      const s = t.pool.get('securityProfile.sshAccess');
      const verify = t.verify('securityProfile.sshAccess');
      if (!s.known) {
        reportUnknown(ctx, t.label, s, ['Disabled', 'EntraId'], verify);
        continue;
      }
      const mode = text(s)?.toLowerCase();
      if (mode !== undefined && SAFE.includes(mode)) continue;
      ctx.report({
        field: fieldOf(s),
        message: `${t.label} accepts SSH with local keys (sshAccess ${s.absent ? 'not set, default LocalUser' : JSON.stringify(s.value)})`,
        evidence: { observed: observed(s, 'LocalUser'), expected: ['Disabled', 'EntraId'], nodePool: t.pool.name },
        verify,
      });
    }
  },
});
