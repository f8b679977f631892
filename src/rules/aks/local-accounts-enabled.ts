import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { permissionIndexOf } from '../../analyses/rbac/permission-index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, observed, reportUnknown } from './lib/cluster-settings.js';
import { azureScopeText } from '../../analyses/rbac/azure-scope.js';

export default defineRule({
  meta: {
    id: 'aks/local-accounts-enabled',
    title: 'Local cluster-admin accounts are enabled',
    severity: 'high',
    pillar: 'access',
    frameworks: [
      { framework: 'checkov', id: 'CKV_AZURE_141' },
      { framework: 'azure-policy', id: '993c2fcd-2b29-49d2-9eb0-df2c3a730c32' },
    ],
    description:
      'While local accounts exist, anyone allowed the listClusterAdminCredential action (Contributor on the ' +
      'cluster is enough) gets a static cluster-admin certificate with `az aks get-credentials --admin`. It ' +
      'bypasses Entra ID, MFA, Conditional Access and Kubernetes RBAC bindings, and stays valid until the ' +
      'cluster certificates are rotated. disableLocalAccounts is false unless set.',
    remediation:
      'Disable local accounts (requires AKS-managed Entra ID): az aks update --disable-local-accounts ' +
      '(disableLocalAccounts: true in templates; local_account_disabled = true in Terraform). On an existing ' +
      'cluster whose local accounts may have been used, then rotate the cluster certificates (az aks rotate-certs; ' +
      'the nodes are reimaged and the API server is briefly unavailable): a cluster-admin certificate downloaded ' +
      'before stays valid until they are rotated.',
    references: [
      'https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad',
      'https://learn.microsoft.com/azure/aks/certificate-rotation',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('disableLocalAccounts');
    const verify = aksVerify(cluster, 'disableLocalAccounts');
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, true, verify);
    if (flag(s) === true) return;
    // Who can download it, when the input has the cluster's role assignments.
    const index = permissionIndexOf(ctx.inventory);
    const holders = index
      .whoCan({ verb: '*', resource: '*', apiGroup: '*' })
      .filter((g) => g.via.binding.kind === 'AksLocalAdminCredential')
      .map((g) => {
        const name = index.displayNames.get(g.subject.name);
        return `${g.subject.name}${name ? ` "${name}"` : ''} (${g.via.role.name} at ${azureScopeText(g.via.binding.scope)})`;
      });
    const who = [...new Set(holders)];
    ctx.report({
      field: s.field,
      message:
        `cluster ${cluster.name} keeps local accounts (disableLocalAccounts ${s.absent ? 'not set, default false' : `is ${JSON.stringify(s.value)}`}): a static cluster-admin credential can be downloaded` +
        (who.length ? ` — by ${who.length} principal${who.length === 1 ? '' : 's'} of the role assignments given: ${who.join(', ')}` : ''),
      evidence: { observed: observed(s, false), expected: true, ...(who.length ? { credentialHolders: who } : {}) },
      verify,
    });
  },
});
