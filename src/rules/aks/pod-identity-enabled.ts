import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, reportUnknown } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/pod-identity-enabled',
    title: 'Legacy pod-managed identity is enabled',
    severity: 'medium',
    maxSeverity: 'high',
    pillar: 'access',
    frameworks: [],
    description:
      'Microsoft Entra pod-managed identity is deprecated and no longer maintained. It works by intercepting ' +
      'traffic to the instance metadata service on every node, so a pod that escapes the interception (hostNetwork, ' +
      'NET_RAW) can take the identities meant for others; with the kubenet network plugin ' +
      '(allowNetworkPluginKubenet) a pod can spoof ARP and steal tokens outright. Workload identity replaces it.',
    remediation:
      'Move each workload to workload identity (az aks update --enable-oidc-issuer --enable-workload-identity, ' +
      'then federate the service accounts), and remove pod identity: the command is in the aks-preview extension, ' +
      'so run az extension add --name aks-preview first, then az aks update --disable-pod-identity ' +
      '(podIdentityProfile.enabled: false in templates).',
    references: [
      'https://learn.microsoft.com/azure/aks/use-azure-ad-pod-identity',
      'https://learn.microsoft.com/azure/aks/workload-identity-migrate-from-pod-identity',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('podIdentityProfile.enabled');
    const verify = aksVerify(cluster, 'podIdentityProfile');
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, false, verify);
    if (s.absent || flag(s) !== true) return;
    const kubenet = cluster.get('podIdentityProfile.allowNetworkPluginKubenet');
    const onKubenet = kubenet.known && flag(kubenet) === true;
    ctx.report({
      field: s.field,
      message: onKubenet
        ? `cluster ${cluster.name} runs the deprecated pod identity with allowNetworkPluginKubenet true: pods can spoof ARP and take other pods' tokens`
        : `cluster ${cluster.name} runs the deprecated pod identity (podIdentityProfile.enabled is ${JSON.stringify(s.value)})`,
      evidence: { observed: onKubenet ? { enabled: s.value, allowNetworkPluginKubenet: kubenet.value } : s.value, expected: false },
      severity: onKubenet ? 'high' : undefined,
      verify,
    });
  },
});
