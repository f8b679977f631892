import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import type { FrameworkRef } from '../../core/frameworks.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, observed } from './lib/cluster-settings.js';

// The built-in policy reads the workload identity switch only.
const POLICY: FrameworkRef = { framework: 'azure-policy', id: '2cc2e023-0dac-4046-875b-178f683929d5' };

export default defineRule({
  meta: {
    id: 'aks/workload-identity-disabled',
    title: 'Workload identity (with the OIDC issuer) is not enabled',
    severity: 'low',
    pillar: 'access',
    frameworks: [POLICY],
    description:
      'Workload identity lets a pod use an Entra ID identity through its Kubernetes service account: short-lived, ' +
      'federated tokens and one identity per workload. Without it, pods that call Azure fall back to client ' +
      'secrets kept in Kubernetes Secrets, to the retired pod identity, or to the kubelet managed identity that ' +
      'every pod on the node can use. It needs both securityProfile.workloadIdentity.enabled and ' +
      'oidcIssuerProfile.enabled; both are false unless set.',
    remediation:
      'Enable both: az aks update --enable-oidc-issuer --enable-workload-identity ' +
      '(oidcIssuerProfile.enabled: true and securityProfile.workloadIdentity.enabled: true in templates; ' +
      'oidc_issuer_enabled = true and workload_identity_enabled = true in Terraform), then federate each ' +
      'workload\'s service account with its own managed identity.',
    references: ['https://learn.microsoft.com/azure/aks/workload-identity-overview'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const wi = cluster.get('securityProfile.workloadIdentity.enabled');
    const oidc = cluster.get('oidcIssuerProfile.enabled');
    const wiOn = wi.known ? flag(wi) === true : undefined;
    const oidcOn = oidc.known ? flag(oidc) === true : undefined;
    // Low severity: only a switch known to be off is reported.
    if (wiOn !== false && oidcOn !== false) return;
    const said = (name: string, s: typeof wi) =>
      !s.known ? `${name} cannot be resolved` : s.absent ? `${name} not set, default false` : `${name} is ${JSON.stringify(s.value)}`;
    ctx.report({
      field: wiOn === false ? wi.field : oidc.field,
      message: `cluster ${cluster.name} does not offer workload identity (${said('securityProfile.workloadIdentity.enabled', wi)}; ${said('oidcIssuerProfile.enabled', oidc)})`,
      evidence: {
        observed: {
          workloadIdentity: wi.known ? observed(wi, false) : 'unknown',
          oidcIssuer: oidc.known ? observed(oidc, false) : 'unknown',
        },
        expected: { workloadIdentity: true, oidcIssuer: true },
      },
      verify: aksVerify(cluster, '"[securityProfile.workloadIdentity.enabled, oidcIssuerProfile.enabled]"'),
      frameworks: wiOn === false ? [POLICY] : [],
    });
  },
});
