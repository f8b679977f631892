import { globToRegExp } from '../core/glob.js';

/**
 * What the built-in detectors take as normal. The defaults describe a healthy AKS cluster: the
 * identities AKS operates it with, the namespaces and images of its add-ons, the host paths that give
 * a container the node. Every list can be extended (or replaced) in the `settings` of a rules file.
 */
export interface AuditSettings {
  /** User names (globs) whose requests the built-in detectors ignore: AKS's own identities by default. */
  allowedIdentities: string[];
  /** Namespaces where AKS runs its add-ons; pods there whose every image matches `aksImages` are AKS's. */
  aksNamespaces: string[];
  aksImages: string[];
  /** Image globs (matched against the repository and the full reference) trusted per detector. */
  trustedImages: TrustedImages;
  /**
   * Host paths that hand a container the node: a path, everything below it, and every directory above it
   * but `/` (mounting /var exposes /var/lib/kubelet); `/` itself matches only `/`.
   */
  sensitiveHostPaths: string[];
  /**
   * Service accounts (names) that may be created in kube-system / kube-public; in kube-system, also the
   * cluster's components whose secret reads are their work.
   */
  knownKubeServiceAccounts: string[];
  /** Opt-in: when set, requests by other non-system users are reported (Falco's allowed_k8s_users). */
  allowedUsers?: string[];
  /** Opt-in: when set, creating any other namespace is reported (Falco's allowed_namespaces). */
  allowedNamespaces?: string[];
  /** Opt-in: when set, pods with other images are reported (Falco's allowed_k8s_containers). */
  allowedImages?: string[];
  /** Object lifecycle events (created/deleted Deployments, Services, ...) at severity info. */
  activity: boolean;
  /** Detector ids (globs) not to run. */
  disable: string[];
  /** How many recent requests (auditID, verb, URI, user, receive time) and stages are remembered to drop duplicates. */
  dedupeWindow: number;
  /** 401/403 answers to one identity within `windowSeconds` that make a burst. */
  authFailures: { threshold: number; windowSeconds: number };
  /**
   * Where the cluster's own requests come from: its pod, node and service CIDRs and, on a cluster whose
   * API server is public, its outbound (egress) addresses. A service-account token used from anywhere
   * else is reported. Unset, only public addresses are (see AKS_CLUSTER_CIDRS for AKS's defaults).
   */
  clusterCidrs?: string[];
  /**
   * Identities seen in the first `learningSeconds` of the stream (by event time) are known; one first
   * seen later is reported on its first sensitive write. At most `maxIdentities` are remembered (the
   * least recently seen are forgotten first).
   */
  firstSeen: { learningSeconds: number; maxIdentities: number };
}

export interface TrustedImages {
  all: string[];
  privileged: string[];
  hostNetwork: string[];
  hostPID: string[];
  hostIPC: string[];
  sensitiveMount: string[];
  kubeNamespace: string[];
}

/** Namespaces AKS deploys and reconciles its own components in. */
export const AKS_NAMESPACES = ['kube-system', 'gatekeeper-system', 'calico-system', 'tigera-operator', 'app-routing-system', 'aks-istio-system'];

/**
 * The identities AKS runs a cluster with. `aksService` is the resource provider (leader election,
 * node patching, add-on reconciliation; group system:masters), `hcpService` scrapes /metrics,
 * `readinessChecker` probes /readyz and `guard` is the Entra ID authentication webhook. The control
 * plane's own components follow, then the service accounts of AKS add-ons. `masterclient`, the local
 * admin certificate, is not among them: `az aks get-credentials --admin` hands it out, and on a cluster
 * without Entra ID so does every `az aks get-credentials`, so its requests are people's.
 */
export const AKS_IDENTITIES = [
  'aksService',
  'hcpService',
  'readinessChecker',
  'guard',
  'system:apiserver',
  'system:kube-controller-manager',
  'system:kube-scheduler',
  'cluster-autoscaler',
  ...[
    'metrics-server', 'coredns', 'coredns-autoscaler', 'konnectivity-agent', 'cloud-node-manager', 'kube-proxy',
    'azure-cns', 'azure-ip-masq-agent', 'ip-masq-agent', 'csi-*', 'azure-policy', 'azure-policy-webhook-account',
    'ama-*', 'omsagent', 'cilium', 'cilium-operator', 'keda-*', 'aks-secrets-store-*', 'secrets-store-csi-driver',
    'csi-secrets-store-provider-azure', 'azure-wi-webhook-admin', 'eraser-*', 'microsoft-defender-*', 'retina-*',
    'node-local-dns', 'cluster-autoscaler', 'extension-agent', 'extension-operator', 'aks-operator',
  ].map((sa) => `system:serviceaccount:kube-system:${sa}`),
  'system:serviceaccount:gatekeeper-system:*',
  'system:serviceaccount:calico-system:*',
  'system:serviceaccount:tigera-operator:*',
  'system:serviceaccount:app-routing-system:*',
  // The Istio-based service mesh add-on: istiod watches secrets in every namespace for its certificates.
  'system:serviceaccount:aks-istio-system:*',
];

/**
 * The kube-system service accounts that run in AKS's managed control plane, not on the nodes:
 * kube-controller-manager's controllers (--use-service-account-credentials) and cloud-controller-manager's.
 * Their requests come from AKS's addresses, so where they come from says nothing about theft. The
 * add-ons that run as pods on the nodes (NODE_ADDON_SERVICE_ACCOUNTS) hold ordinary projected tokens and
 * are not among them.
 */
const CONTROL_PLANE_ACCOUNTS = [
  'attachdetach-controller', 'bootstrap-signer', 'certificate-controller', 'clusterrole-aggregation-controller',
  'cronjob-controller', 'daemon-set-controller', 'deployment-controller', 'disruption-controller', 'endpoint-controller',
  'endpointslice-controller', 'endpointslicemirroring-controller', 'ephemeral-volume-controller', 'expand-controller',
  'generic-garbage-collector', 'horizontal-pod-autoscaler', 'job-controller', 'legacy-service-account-token-cleaner',
  'namespace-controller', 'node-controller', 'persistent-volume-binder', 'pod-garbage-collector', 'pv-protection-controller',
  'pvc-protection-controller', 'replicaset-controller', 'replication-controller', 'resourcequota-controller',
  'root-ca-cert-publisher', 'service-account-controller', 'service-controller', 'statefulset-controller', 'token-cleaner',
  'ttl-after-finished-controller', 'ttl-controller', 'validatingadmissionpolicy-status-controller',
  'cloud-controller-manager', 'cloud-node-controller', 'cloud-node-lifecycle-controller', 'route-controller',
];

export const CONTROL_PLANE_SERVICE_ACCOUNTS: ReadonlySet<string> = new Set(CONTROL_PLANE_ACCOUNTS);

/** AKS add-ons that run in kube-system as pods on the nodes. */
const NODE_ADDON_SERVICE_ACCOUNTS = ['coredns', 'coredns-autoscaler', 'metrics-server', 'kube-proxy', 'konnectivity-agent', 'cloud-node-manager', 'azure-cns'];

/**
 * Service accounts Kubernetes' own controllers and DNS run as (kube-controller-manager creates them in
 * kube-system when it starts with --use-service-account-credentials; cloud-controller-manager, which AKS
 * runs in the control plane beside it, does the same for its node, node-lifecycle, route and service
 * controllers), and those of AKS add-ons.
 */
export const KNOWN_KUBE_SERVICE_ACCOUNTS = [...CONTROL_PLANE_ACCOUNTS, ...NODE_ADDON_SERVICE_ACCOUNTS];

/**
 * Host directories whose mount gives a container the node, its container runtime or its credentials.
 * `/var/lib/waagent` is the Azure VM agent's: its ovf-env.xml holds the node's custom data.
 */
export const SENSITIVE_HOST_PATHS = [
  '/', '/proc', '/etc', '/root', '/home/admin', '/boot', '/var/lib/kubelet', '/etc/kubernetes',
  '/var/run/docker.sock', '/run/docker.sock', '/var/lib/docker', '/var/run/crio', '/run/crio',
  '/var/run/containerd', '/run/containerd', '/var/lib/containerd', '/var/lib/waagent',
];

/**
 * AKS's default address ranges, for `clusterCidrs`: pod CIDR (kubenet and Azure CNI Overlay), service
 * CIDR, the node subnet of the virtual network AKS creates (Azure CNI pods share it), and the Docker
 * bridge. Clusters with their own network use their own ranges (`az aks show --query networkProfile`),
 * and a public API server sees in-cluster requests from the outbound IPs
 * (`networkProfile.loadBalancerProfile.effectiveOutboundIPs`, or the NAT gateway's), which belong in the list too.
 */
export const AKS_CLUSTER_CIDRS = ['10.244.0.0/16', '10.0.0.0/16', '10.224.0.0/12', '172.17.0.0/16'];

export const DEFAULT_AUDIT_SETTINGS: AuditSettings = {
  allowedIdentities: AKS_IDENTITIES,
  aksNamespaces: AKS_NAMESPACES,
  aksImages: ['mcr.microsoft.com/*'],
  trustedImages: { all: [], privileged: [], hostNetwork: [], hostPID: [], hostIPC: [], sensitiveMount: [], kubeNamespace: [] },
  sensitiveHostPaths: SENSITIVE_HOST_PATHS,
  knownKubeServiceAccounts: KNOWN_KUBE_SERVICE_ACCOUNTS,
  activity: true,
  disable: [],
  dedupeWindow: 100_000,
  authFailures: { threshold: 20, windowSeconds: 60 },
  firstSeen: { learningSeconds: 3600, maxIdentities: 50_000 },
};

/**
 * A list of globs compiled once: exact names in a set, `prefix*` as prefixes, anything else as a regular
 * expression. Answers are cached per name (a stream repeats the same few identities millions of times).
 */
export class GlobList {
  private readonly exact = new Set<string>();
  private readonly prefixes: string[] = [];
  private readonly patterns: RegExp[] = [];
  private readonly cache = new Map<string, boolean>();

  constructor(readonly globs: readonly string[]) {
    for (const g of globs) {
      const star = g.indexOf('*');
      if (!g.includes('?') && star === -1) this.exact.add(g);
      else if (!g.includes('?') && star === g.length - 1) this.prefixes.push(g.slice(0, -1));
      else this.patterns.push(globToRegExp(g));
    }
  }

  get empty(): boolean {
    return this.globs.length === 0;
  }

  has(name: string): boolean {
    const hit = this.cache.get(name);
    if (hit !== undefined) return hit;
    const v = this.exact.has(name) || this.prefixes.some((p) => name.startsWith(p)) || this.patterns.some((r) => r.test(name));
    // Bounded: a hostile stream of unique names must not grow the cache without end.
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(name, v);
    return v;
  }
}
