import { defineRule, type RuleContext } from '../../core/rule.js';
import { azurermCannotSet } from './lib/azurerm-gaps.js';
import { fieldOf, isAutomatic, isWindows, observed, POOL_RULE_KINDS, poolsToCheck, reportUnknown, text } from './lib/cluster-settings.js';

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
      'identities allowed by Azure RBAC. Debugging remains possible with kubectl debug node/... . Windows pools ' +
      'are skipped (AKS does not support these SSH settings on them), and so are AKS Automatic clusters, which ' +
      'take no SSH key. The azurerm Terraform provider has no attribute for sshAccess: on pools written with it ' +
      'the finding is info and says how to set it outside azurerm.',
    remediation:
      'Disable SSH per Linux node pool (az aks nodepool update --ssh-access disabled; securityProfile.sshAccess: ' +
      'Disabled), or use EntraId where node SSH is still needed. The change reaches existing nodes only when ' +
      'they are reimaged: run az aks nodepool upgrade --node-image-only afterwards. With Terraform (azurerm has ' +
      'no attribute for it), run those commands after apply, or set securityProfile.sshAccess on the agent pool ' +
      'with the azapi provider (azapi_update_resource).',
    references: ['https://learn.microsoft.com/azure/aks/manage-ssh-node-access'],
  },
  target: { kinds: [...POOL_RULE_KINDS] },
  check(ctx) {
    for (const t of poolsToCheck(ctx.resource, ctx.inventory)) {
      if (isWindows(t.pool)) continue;
      // AKS Automatic refuses SSH keys: nodes have no key a local user could log in with.
      if (t.cluster && isAutomatic(t.cluster)) continue;
      const s = t.pool.get('securityProfile.sshAccess');
      const verify = t.verify('securityProfile.sshAccess');
      if (!s.known) {
        reportUnknown(ctx, t.label, s, ['Disabled', 'EntraId'], verify);
        continue;
      }
      const mode = text(s)?.toLowerCase();
      if (mode !== undefined && SAFE.includes(mode)) continue;
      if (azurermCannotSet(t.pool, 'securityProfile.sshAccess', s)) {
        reportNoAttribute(ctx, t.label, t.pool.name, fieldOf(s), verify);
        continue;
      }
      ctx.report({
        field: fieldOf(s),
        message: `${t.label} accepts SSH with local keys (sshAccess ${s.absent ? 'not set, default LocalUser' : JSON.stringify(s.value)})`,
        evidence: { observed: observed(s, 'LocalUser'), expected: ['Disabled', 'EntraId'], nodePool: t.pool.name },
        verify,
      });
    }
  },
});

/** A pool written with azurerm: the default applies and the provider cannot change it, so the finding says where it can be changed. */
function reportNoAttribute(ctx: RuleContext, label: string, pool: string, field: string | undefined, verify: string): void {
  ctx.report({
    field,
    severity: 'info',
    message:
      `${label} accepts SSH with local keys (sshAccess not set, default LocalUser), and the azurerm provider has no attribute for it: ` +
      'run az aks nodepool update --ssh-access disabled after apply, or set securityProfile.sshAccess with the azapi provider, ' +
      'then reimage the nodes (az aks nodepool upgrade --node-image-only)',
    evidence: { observed: { notSet: true, serviceDefault: 'LocalUser', azurermAttribute: null }, expected: ['Disabled', 'EntraId'], nodePool: pool },
    verify,
  });
}
