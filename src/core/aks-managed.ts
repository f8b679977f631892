import { asString, stringMap, type Resource } from './resource.js';
import { containersOf, podOf } from './workload.js';

/** Namespaces where AKS deploys and reconciles its own components. */
export const AKS_SYSTEM_NAMESPACES: readonly string[] = [
  'kube-system', 'gatekeeper-system', 'calico-system', 'tigera-operator', 'app-routing-system', 'aks-command',
  // The Istio-based service mesh add-on: istiod, and the ingress and egress gateways it runs.
  'aks-istio-system', 'aks-istio-ingress', 'aks-istio-egress',
];
const AKS_NAMESPACES = new Set(AKS_SYSTEM_NAMESPACES);

/**
 * Names of components AKS installs and reconciles (add-ons, CSI drivers, networking, monitoring).
 * Their manifests are owned by Microsoft and re-applied on upgrade: operators cannot fix them, so
 * failing them is noise. Prefix match, because AKS suffixes names per variant (`-windows`, `-rs`, ...).
 */
const AKS_COMPONENT_PREFIXES = [
  'azure-policy', 'gatekeeper-', 'ama-logs', 'ama-metrics', 'omsagent', 'coredns', 'konnectivity-agent',
  'csi-azuredisk', 'csi-azurefile', 'csi-blob', 'cloud-node-manager', 'kube-proxy', 'azure-ip-masq-agent',
  'ip-masq-agent', 'azure-cns', 'azure-npm', 'metrics-server', 'aks-secrets-store', 'secrets-store-csi-driver',
  'microsoft-defender', 'keda-', 'retina-', 'cilium', 'calico-', 'tigera-', 'aks-link', 'tunnelfront',
  'eraser-', 'azure-wi-webhook', 'workload-identity-webhook', 'extension-', 'cloud-controller',
  'overlay-extension', 'aks-operator', 'aks-command', 'node-local-dns', 'snapshot-controller', 'csi-snapshot',
  'istiod-asm', 'aks-istio-', 'vpa-admission-controller', 'vpa-recommender', 'vpa-updater',
];

/**
 * The repositories of mcr.microsoft.com that AKS's components come from. The registry also serves
 * general-purpose images (azure-cli, azurelinux, dotnet, powershell, mirrored Docker Hub images under
 * `mirror/`) that anyone can run under a component's name, so the registry alone proves nothing.
 */
const AKS_IMAGE_REPOSITORIES = [
  'oss/kubernetes/', 'oss/kubernetes-csi/', 'oss/v2/', 'oss/azure/', 'oss/open-policy-agent/', 'oss/calico/',
  'oss/tigera/', 'oss/kedacore/', 'oss/eraser/', 'oss/fluxcd/', 'oss/istio/', 'oss/cilium/', 'aks/', 'azuremonitor/',
  'azure-policy/', 'containernetworking/', 'azuredefender/', 'azurek8sflux/', 'azurearck8s/', 'aci/', 'k8s/',
].map((r) => `mcr.microsoft.com/${r}`);

const MANAGED_LABELS: Array<[string, (v: string) => boolean]> = [
  ['kubernetes.azure.com/managedby', (v) => v === 'aks'],
  ['addonmanager.kubernetes.io/mode', (v) => v === 'Reconcile' || v === 'EnsureExists'],
  // The application routing add-on's operator labels the NGINX controllers it runs in app-routing-system
  // (Deployment, Service, HPA, ...); their names (`nginx`, ...) say nothing.
  ['app.kubernetes.io/managed-by', (v) => v === 'aks-app-routing-operator'],
];

/** RBAC objects without a namespace: AKS's own carry its labels like its namespaced components. */
const CLUSTER_SCOPED_RBAC = new Set(['ClusterRole', 'ClusterRoleBinding']);

/** The users of AKS's local accounts (`az aks get-credentials --admin` and the non-Entra user credential). */
const LOCAL_ACCOUNT_USERS = new Set(['clusterAdmin', 'clusterUser']);

function managedLabel(r: Resource): [string, string] | undefined {
  const labels = stringMap((r.object.metadata as { labels?: unknown } | undefined)?.labels);
  for (const [key, test] of MANAGED_LABELS) {
    const v = labels[key];
    if (v !== undefined && test(v)) return [key, v];
  }
  return undefined;
}

/**
 * AKS binds its local accounts to cluster-admin in a ClusterRoleBinding it reconciles: the binding
 * cannot be removed, only the accounts, which is what aks/local-accounts-enabled asks for.
 */
function bindsLocalAccounts(r: Resource): boolean {
  if (r.kind !== 'ClusterRoleBinding') return false;
  const subjects = Array.isArray(r.object.subjects) ? (r.object.subjects as unknown[]) : [];
  return subjects.some((s) => {
    const o = s as { kind?: unknown; name?: unknown } | null;
    return o?.kind === 'User' && typeof o.name === 'string' && LOCAL_ACCOUNT_USERS.has(o.name);
  });
}

/**
 * Why a cluster-scoped RBAC object is AKS's: the add-on manager label on a ClusterRole or
 * ClusterRoleBinding (AKS's local-account binding, ama-logs' and the other add-ons' roles).
 */
function clusterScopedReason(r: Resource): string | undefined {
  if (r.namespace || !CLUSTER_SCOPED_RBAC.has(r.kind)) return undefined;
  const label = managedLabel(r);
  if (!label) return undefined;
  const [key, v] = label;
  if (bindsLocalAccounts(r)) return `AKS-managed binding of the local accounts (${key}=${v}): AKS re-creates it; turn the local accounts off instead (disableLocalAccounts, see aks/local-accounts-enabled)`;
  return `AKS-managed component (${key}=${v}, cluster-scoped ${r.kind})`;
}

/** Why a resource counts as AKS-managed, or undefined. */
export function aksManagedReason(r: Resource): string | undefined {
  const clusterScoped = clusterScopedReason(r);
  if (clusterScoped) return clusterScoped;
  if (!r.namespace || !AKS_NAMESPACES.has(r.namespace)) return undefined;
  const label = managedLabel(r);
  if (label) return `AKS-managed component (${label[0]}=${label[1]} in ${r.namespace})`;
  // A name alone is not proof: anyone can call a DaemonSet kube-proxy-debug. The name must match and
  // every container must run an image of AKS's own repositories, as AKS's components do.
  const prefix = AKS_COMPONENT_PREFIXES.find((p) => r.name.startsWith(p));
  if (prefix && runsOnlyAksImages(r)) return `AKS-managed component (${r.name} in ${r.namespace}, images from AKS's repositories on mcr.microsoft.com)`;
  return undefined;
}

/** Ephemeral containers are added by whoever debugs the pod, not by AKS: they never decide, and are never AKS's. */
function runsOnlyAksImages(r: Resource): boolean {
  const pod = podOf(r);
  if (!pod) return false;
  const containers = containersOf(pod, { ephemeral: false });
  return containers.length > 0 && containers.every((c) => {
    const image = asString(c.spec.image) ?? '';
    return AKS_IMAGE_REPOSITORIES.some((repo) => image.startsWith(repo));
  });
}
