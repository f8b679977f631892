import type { Rule } from '../core/rule.js';
import { PSS_RULES } from './pss/index.js';
import dangerousCapabilityAdded from './workload/dangerous-capability-added.js';
import imageNotPinnedByDigest from './workload/image-not-pinned-by-digest.js';
import imagePullPolicyNotAlways from './workload/image-pull-policy-not-always.js';
import imageTagLatest from './workload/image-tag-latest.js';
import imageVulnerablePackage from './image/vulnerable-package.js';
import nakedPod from './workload/naked-pod.js';
import noCpuLimit from './workload/no-cpu-limit.js';
import noCpuRequest from './workload/no-cpu-request.js';
import noMemoryLimit from './workload/no-memory-limit.js';
import noMemoryRequest from './workload/no-memory-request.js';
import runsAsRootGroup from './workload/runs-as-root-group.js';
import lowUidOrGid from './workload/low-uid-or-gid.js';
import sensitiveHostPath from './workload/sensitive-host-path.js';
import sudoInCommand from './workload/sudo-in-command.js';
import untrustedRegistry from './workload/untrusted-registry.js';
import writableHostPath from './workload/writable-host-path.js';
import writableRootFilesystem from './workload/writable-root-filesystem.js';
import secretInEnv from './workload/secret-in-env.js';
import secretInConfigmap from './workload/secret-in-configmap.js';
import secretInManifest from './workload/secret-in-manifest.js';
import secretAsEnvVar from './workload/secret-as-env-var.js';
import automountServiceAccountToken from './workload/automount-service-account-token.js';
import defaultServiceAccount from './workload/default-service-account.js';
import serviceAccountTokenWithPermissions from './workload/service-account-token-with-permissions.js';
import missingPodSecurityLabels from './namespace/missing-pod-security-labels.js';
import networkNamespaceWithoutDefaultDenyIngress from './network/namespace-without-default-deny-ingress.js';
import networkNamespaceWithoutDefaultDenyEgress from './network/namespace-without-default-deny-egress.js';
import networkPolicySelectsNoPods from './network/policy-selects-no-pods.js';
import networkLoadBalancerWithoutSourceRanges from './network/load-balancer-without-source-ranges.js';
import networkNodeportService from './network/nodeport-service.js';
import networkHostNetworkBypassesPolicies from './network/host-network-bypasses-policies.js';
import networkHostPortBypassesPolicies from './network/host-port-bypasses-policies.js';
import networkIngressWithoutTls from './network/ingress-without-tls.js';
import networkReachableFromAllNamespaces from './network/reachable-from-all-namespaces.js';
import networkReachableFromInternet from './network/reachable-from-internet.js';
import networkUnrestrictedEgressToInternet from './network/unrestricted-egress-to-internet.js';
import aksKubernetesRbacDisabled from './aks/kubernetes-rbac-disabled.js';
import aksEntraIdNotManaged from './aks/entra-id-not-managed.js';
import aksAzureRbacDisabled from './aks/azure-rbac-disabled.js';
import aksLocalAccountsEnabled from './aks/local-accounts-enabled.js';
import aksRunCommandEnabled from './aks/run-command-enabled.js';
import aksWorkloadIdentityDisabled from './aks/workload-identity-disabled.js';
import aksPodIdentityEnabled from './aks/pod-identity-enabled.js';
import aksApiServerPubliclyReachable from './aks/api-server-publicly-reachable.js';
import aksNoNetworkPolicyEngine from './aks/no-network-policy-engine.js';
import aksNetworkPoliciesNotEnforced from './aks/network-policies-not-enforced.js';
import aksNodePublicIp from './aks/node-public-ip.js';
import aksOutboundTypeLoadBalancer from './aks/outbound-type-load-balancer.js';
import aksHttpApplicationRoutingEnabled from './aks/http-application-routing-enabled.js';
import aksAzurePolicyAddonDisabled from './aks/azure-policy-addon-disabled.js';
import aksDefenderDisabled from './aks/defender-disabled.js';
import aksKeyVaultSecretsProviderWithoutRotation from './aks/key-vault-secrets-provider-without-rotation.js';
import aksKubeDashboardEnabled from './aks/kube-dashboard-enabled.js';
import aksImageCleanerDisabled from './aks/image-cleaner-disabled.js';
import aksKmsEtcdEncryptionDisabled from './aks/kms-etcd-encryption-disabled.js';
import aksDiskEncryptionSetMissing from './aks/disk-encryption-set-missing.js';
import aksHostEncryptionDisabled from './aks/host-encryption-disabled.js';
import aksAutoUpgradeChannelNone from './aks/auto-upgrade-channel-none.js';
import aksNodeOsUpgradeChannelNone from './aks/node-os-upgrade-channel-none.js';
import aksKubernetesVersionUnsupported from './aks/kubernetes-version-unsupported.js';
import aksSkuTierFree from './aks/sku-tier-free.js';
import aksSystemPoolNotTainted from './aks/system-pool-not-tainted.js';
import aksFipsDisabled from './aks/fips-disabled.js';
import aksTrustedLaunchDisabled from './aks/trusted-launch-disabled.js';
import aksNodeSshEnabled from './aks/node-ssh-enabled.js';
import aksEphemeralOsDiskNotUsed from './aks/ephemeral-os-disk-not-used.js';
import aksNodePoolNotScaleSet from './aks/node-pool-not-scale-set.js';
import aksMaxPodsTooLow from './aks/max-pods-too-low.js';
import aksContainerInsightsDisabled from './aks/container-insights-disabled.js';
import aksAuditLogsNotCollected from './aks/audit-logs-not-collected.js';
import aksNodeAutoProvisioningNotChecked from './aks/node-auto-provisioning-not-checked.js';
import rbacClusterAdminBound from './rbac/cluster-admin-bound.js';
import rbacWildcardPermission from './rbac/wildcard-permission.js';
import rbacCanReadSecrets from './rbac/can-read-secrets.js';
import rbacCanExecIntoPods from './rbac/can-exec-into-pods.js';
import rbacCanPortForward from './rbac/can-port-forward.js';
import rbacCanCreatePods from './rbac/can-create-pods.js';
import rbacCanEscalateOrBind from './rbac/can-escalate-or-bind.js';
import rbacCanImpersonate from './rbac/can-impersonate.js';
import rbacCanProxyNodes from './rbac/can-proxy-nodes.js';
import rbacCanCreateServiceAccountTokens from './rbac/can-create-service-account-tokens.js';
import rbacCanApproveCsr from './rbac/can-approve-csr.js';
import rbacCanModifyAdmissionWebhooks from './rbac/can-modify-admission-webhooks.js';
import rbacCanCreatePersistentVolumes from './rbac/can-create-persistent-volumes.js';
import rbacCanDeleteResources from './rbac/can-delete-resources.js';
import rbacCanDeleteEvents from './rbac/can-delete-events.js';
import rbacCanUpdateCorednsConfigmap from './rbac/can-update-coredns-configmap.js';
import rbacDefaultServiceAccountBound from './rbac/default-service-account-bound.js';
import rbacAnonymousAccessGranted from './rbac/anonymous-access-granted.js';
import rbacEscalationPath from './rbac/escalation-path.js';

/** The catalog: every rule Palisade has. Order here is the order of `palisade rules`. */
export const RULES: readonly Rule[] = [
  ...PSS_RULES,
  sensitiveHostPath,
  writableHostPath,
  dangerousCapabilityAdded,
  runsAsRootGroup,
  lowUidOrGid,
  writableRootFilesystem,
  sudoInCommand,
  untrustedRegistry,
  imageTagLatest,
  imagePullPolicyNotAlways,
  imageNotPinnedByDigest,
  imageVulnerablePackage,
  noMemoryLimit,
  noMemoryRequest,
  noCpuLimit,
  noCpuRequest,
  nakedPod,
  secretInEnv,
  secretInConfigmap,
  secretInManifest,
  secretAsEnvVar,
  automountServiceAccountToken,
  defaultServiceAccount,
  serviceAccountTokenWithPermissions,
  missingPodSecurityLabels,
  networkNamespaceWithoutDefaultDenyIngress,
  networkNamespaceWithoutDefaultDenyEgress,
  networkPolicySelectsNoPods,
  networkLoadBalancerWithoutSourceRanges,
  networkNodeportService,
  networkHostNetworkBypassesPolicies,
  networkHostPortBypassesPolicies,
  networkIngressWithoutTls,
  networkReachableFromAllNamespaces,
  networkReachableFromInternet,
  networkUnrestrictedEgressToInternet,
  aksKubernetesRbacDisabled,
  aksEntraIdNotManaged,
  aksAzureRbacDisabled,
  aksLocalAccountsEnabled,
  aksRunCommandEnabled,
  aksWorkloadIdentityDisabled,
  aksPodIdentityEnabled,
  aksApiServerPubliclyReachable,
  aksNoNetworkPolicyEngine,
  aksNetworkPoliciesNotEnforced,
  aksNodePublicIp,
  aksOutboundTypeLoadBalancer,
  aksHttpApplicationRoutingEnabled,
  aksAzurePolicyAddonDisabled,
  aksDefenderDisabled,
  aksKeyVaultSecretsProviderWithoutRotation,
  aksKubeDashboardEnabled,
  aksImageCleanerDisabled,
  aksKmsEtcdEncryptionDisabled,
  aksDiskEncryptionSetMissing,
  aksHostEncryptionDisabled,
  aksAutoUpgradeChannelNone,
  aksNodeOsUpgradeChannelNone,
  aksKubernetesVersionUnsupported,
  aksSkuTierFree,
  aksSystemPoolNotTainted,
  aksFipsDisabled,
  aksTrustedLaunchDisabled,
  aksNodeSshEnabled,
  aksEphemeralOsDiskNotUsed,
  aksNodePoolNotScaleSet,
  aksMaxPodsTooLow,
  aksNodeAutoProvisioningNotChecked,
  aksContainerInsightsDisabled,
  aksAuditLogsNotCollected,
  rbacClusterAdminBound,
  rbacWildcardPermission,
  rbacCanReadSecrets,
  rbacCanExecIntoPods,
  rbacCanPortForward,
  rbacCanCreatePods,
  rbacCanEscalateOrBind,
  rbacCanImpersonate,
  rbacCanProxyNodes,
  rbacCanCreateServiceAccountTokens,
  rbacCanApproveCsr,
  rbacCanModifyAdmissionWebhooks,
  rbacCanCreatePersistentVolumes,
  rbacCanDeleteResources,
  rbacCanDeleteEvents,
  rbacCanUpdateCorednsConfigmap,
  rbacDefaultServiceAccountBound,
  rbacAnonymousAccessGranted,
  rbacEscalationPath,
];
