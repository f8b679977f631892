import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import type { FrameworkRef } from '../../core/frameworks.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, observed, reportUnknown } from './lib/cluster-settings.js';

const CIS: FrameworkRef = { framework: 'cis-aks', id: '5.5.1' };
// The built-in policy audits clusters with no aadProfile at all; legacy integration passes it.
const POLICY: FrameworkRef = { framework: 'azure-policy', id: '450d2877-ebea-41e8-b00c-e286317d21bf' };

export default defineRule({
  meta: {
    id: 'aks/entra-id-not-managed',
    title: 'Cluster does not use AKS-managed Entra ID integration',
    severity: 'medium',
    pillar: 'access',
    frameworks: [CIS, POLICY],
    description:
      'Without Entra ID integration, users reach the API server with client certificates from ' +
      '`az aks get-credentials`: long-lived, not tied to a person, outside MFA and Conditional Access, and not ' +
      'revocable one by one. The legacy (unmanaged) integration with its own server and client apps is retired. ' +
      'AKS-managed Entra ID (aadProfile.managed: true) is off unless set.',
    remediation:
      'Enable AKS-managed Entra ID: az aks update --enable-aad --aad-admin-group-object-ids <group id> ' +
      '(aadProfile {managed: true, adminGroupObjectIDs: [...]} in templates; ' +
      'azure_active_directory_role_based_access_control {} in Terraform). Legacy integrations migrate with the same command.',
    references: ['https://learn.microsoft.com/azure/aks/enable-authentication-microsoft-entra-id'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const verify = aksVerify(cluster, 'aadProfile.managed');
    const profile = cluster.get('aadProfile');
    if (!profile.known) return reportUnknown(ctx, `cluster ${cluster.name}`, profile, { managed: true }, verify);
    if (profile.absent) {
      ctx.report({
        field: profile.field,
        message: `cluster ${cluster.name} has no Entra ID integration (aadProfile not set): users authenticate with cluster certificates`,
        evidence: { observed: observed(profile, null), expected: { managed: true } },
        verify,
        frameworks: [CIS, POLICY],
      });
      return;
    }
    const s = cluster.get('aadProfile.managed');
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, true, verify);
    if (flag(s) === true) return;
    ctx.report({
      field: s.field,
      message: `cluster ${cluster.name} uses the legacy, unmanaged Entra ID integration (aadProfile.managed ${s.absent ? 'not set, default false' : `is ${JSON.stringify(s.value)}`})`,
      evidence: { observed: observed(s, false), expected: true },
      verify,
      frameworks: [CIS],
    });
  },
});
