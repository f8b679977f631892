import { asArray, asObj, asString, type Resource } from './resource.js';
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
 * Only controllers (and what they own) are matched by name: a bare Pod can be called anything.
 */
const AKS_COMPONENT_PREFIXES = [
  'azure-policy', 'gatekeeper-', 'ama-logs', 'ama-metrics', 'omsagent', 'coredns', 'konnectivity-agent',
  'csi-azuredisk', 'csi-azurefile', 'csi-blob', 'cloud-node-manager', 'kube-proxy', 'azure-ip-masq-agent',
  'ip-masq-agent', 'azure-cns', 'azure-npm', 'metrics-server', 'aks-secrets-store', 'secrets-store-csi-driver',
  'microsoft-defender', 'keda-', 'retina-', 'cilium', 'hubble-', 'calico-', 'tigera-', 'aks-link', 'tunnelfront',
  'eraser-', 'azure-wi-webhook', 'workload-identity-webhook', 'extension-', 'cloud-controller',
  'overlay-extension', 'aks-operator', 'aks-command', 'snapshot-controller', 'csi-snapshot',
  'istiod-asm', 'aks-istio-', 'vpa-admission-controller', 'vpa-recommender', 'vpa-updater', 'cost-analysis-agent',
];

/**
 * Components whose names are AKS's only in one namespace: the tigera operator AKS runs for network
 * policy creates Calico's CSI driver as `csi-node-driver` in calico-system, a name anyone may use elsewhere.
 */
const NAMESPACE_COMPONENTS: Readonly<Record<string, readonly string[]>> = {
  'calico-system': ['csi-node-driver'],
};

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

/**
 * Labels AKS puts on what it reconciles. The add-on manager's `EnsureExists` is not among them: it
 * creates an object once and leaves it to the user afterwards (kube-system/coredns-custom, which AKS
 * asks users to edit), so what such an object holds is the user's.
 */
const MANAGED_LABELS: Array<[string, (v: string) => boolean]> = [
  ['kubernetes.azure.com/managedby', (v) => v === 'aks'],
  ['addonmanager.kubernetes.io/mode', (v) => v === 'Reconcile'],
];

/**
 * The application routing add-on's operator labels what it runs for its NGINX controllers (Deployment,
 * Service, HPA, ...) and their RBAC; their names (`nginx`, ...) say nothing. Its namespaced objects
 * live in app-routing-system only.
 */
const APP_ROUTING_LABEL = 'app.kubernetes.io/managed-by';
const APP_ROUTING_OPERATOR = 'aks-app-routing-operator';
const APP_ROUTING_NAMESPACE = 'app-routing-system';

/**
 * The default controller the add-on creates when it is enabled (`az aks approuting enable`): an
 * NginxIngressController named `default` whose objects are called `nginx`.
 */
const DEFAULT_NGINX_CONTROLLER = 'default';

/**
 * Cluster extensions (`az k8s-extension create`, microsoft.flux and others) are Helm releases the
 * extension manager installs; it labels their objects with the extension they belong to.
 */
const EXTENSION_LABELS = ['clusterconfig.azure.com/extension-name', 'clusterconfig.azure.com/extension-version'];
/** The namespace an extension installs into when its objects do not name their Helm release's. */
const EXTENSION_NAMESPACES = new Set(['flux-system']);

/** RBAC objects without a namespace: AKS's own carry its labels like its namespaced components. */
const CLUSTER_SCOPED_RBAC = new Set(['ClusterRole', 'ClusterRoleBinding']);

/** The users of AKS's local accounts (`az aks get-credentials --admin` and the non-Entra user credential). */
const LOCAL_ACCOUNT_USERS = new Set(['clusterAdmin', 'clusterUser']);

/**
 * Users AKS's own bindings name besides the local accounts: the resource provider (`aksService`), its
 * metrics scraper and readiness checker, Entra ID's authentication webhook, and Microsoft support's
 * access (`aks-support`).
 */
const AKS_USERS = new Set([...LOCAL_ACCOUNT_USERS, 'aksService', 'hcpService', 'readinessChecker', 'guard', 'aks-support']);

/** Groups of Kubernetes' own components that AKS binds: nodes, and bootstrap tokens when nodes join. */
const AKS_GROUPS = new Set(['system:masters', 'system:nodes', 'system:bootstrappers']);

interface OwnerRef { apiVersion: string; kind: string; name: string; controller: boolean }

/**
 * One string entry of an object's metadata map (`labels`, `annotations`), read in place: every
 * namespaced object of a scan is asked about the extension label, so nothing is copied for it.
 */
function metadataEntry(r: Resource, map: 'labels' | 'annotations', key: string): string | undefined {
  const entries = asObj(asObj(r.object.metadata)?.[map]);
  const v = entries !== undefined && Object.hasOwn(entries, key) ? entries[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function ownerRefs(r: Resource): OwnerRef[] {
  return asArray(asObj(r.object.metadata)?.ownerReferences).map(asObj).flatMap((o) => {
    const kind = asString(o?.kind);
    const name = asString(o?.name);
    return kind && name ? [{ apiVersion: asString(o?.apiVersion) ?? '', kind, name, controller: o?.controller === true }] : [];
  });
}

function managedLabel(r: Resource): [string, string] | undefined {
  for (const [key, test] of MANAGED_LABELS) {
    const v = metadataEntry(r, 'labels', key);
    if (v !== undefined && test(v)) return [key, v];
  }
  return undefined;
}

function hasAppRoutingLabel(r: Resource): boolean {
  return metadataEntry(r, 'labels', APP_ROUTING_LABEL) === APP_ROUTING_OPERATOR;
}

/** The tigera operator AKS runs for Calico network policy owns what it creates by its Installation. */
function ownedByCalicoInstallation(r: Resource): boolean {
  return ownerRefs(r).some((o) => o.kind === 'Installation' && o.apiVersion.startsWith('operator.tigera.io/'));
}

/** The extension an object belongs to, when the extension manager installed it with Helm. */
function extensionOf(r: Resource): string | undefined {
  if (metadataEntry(r, 'labels', 'app.kubernetes.io/managed-by') !== 'Helm') return undefined;
  for (const key of EXTENSION_LABELS) {
    const v = metadataEntry(r, 'labels', key);
    if (v !== undefined) return `${key}=${v}`;
  }
  return undefined;
}

/** What marks an object as AKS's, said for the reason; undefined when nothing does. */
function mark(r: Resource): string | undefined {
  const label = managedLabel(r);
  if (label) return `${label[0]}=${label[1]}`;
  if (hasAppRoutingLabel(r) && (r.namespace === null || r.namespace === APP_ROUTING_NAMESPACE)) return `${APP_ROUTING_LABEL}=${APP_ROUTING_OPERATOR}`;
  if (ownedByCalicoInstallation(r) && (r.namespace === null || r.namespace === 'calico-system')) return 'created by the tigera operator for its Installation';
  const extension = extensionOf(r);
  if (extension) return `AKS cluster extension, ${extension}`;
  return undefined;
}

/**
 * The namespaces whose service accounts an AKS binding may name: AKS's, and for an extension the
 * namespace of its Helm release.
 */
function serviceAccountNamespaces(r: Resource): Set<string> {
  if (!extensionOf(r)) return AKS_NAMESPACES;
  const release = metadataEntry(r, 'annotations', 'meta.helm.sh/release-namespace');
  return new Set([...AKS_NAMESPACES, ...EXTENSION_NAMESPACES, ...(release ? [release] : [])]);
}

/**
 * Whether a subject is one of AKS's: its users, Kubernetes' components and nodes, or a service
 * account in a namespace AKS runs. Never a group of every (un)authenticated caller or every service
 * account, nor an account of a user namespace.
 */
function isAksSubject(subject: unknown, namespaces: ReadonlySet<string>): boolean {
  const s = asObj(subject);
  const kind = asString(s?.kind);
  const name = asString(s?.name) ?? '';
  if (kind === 'ServiceAccount') return namespaces.has(asString(s?.namespace) ?? '');
  if (kind === 'Group') {
    if (AKS_GROUPS.has(name) || name.startsWith('system:bootstrappers:')) return true;
    const sa = /^system:serviceaccounts:(.+)$/.exec(name);
    return sa !== null && namespaces.has(sa[1]!);
  }
  if (kind !== 'User') return false;
  if (AKS_USERS.has(name)) return true;
  const sa = /^system:serviceaccount:([^:]+):/.exec(name);
  if (sa) return namespaces.has(sa[1]!);
  return name.startsWith('system:') && name !== 'system:anonymous';
}

function subjectsOf(r: Resource): unknown[] {
  return asArray(r.object.subjects);
}

/**
 * AKS binds its local accounts to cluster-admin in a ClusterRoleBinding it reconciles: the binding
 * cannot be removed, only the accounts, which is what aks/local-accounts-enabled asks for.
 */
function bindsLocalAccounts(r: Resource): boolean {
  return subjectsOf(r).some((s) => {
    const o = asObj(s);
    return o?.kind === 'User' && LOCAL_ACCOUNT_USERS.has(asString(o.name) ?? '');
  });
}

/**
 * Why a cluster-scoped RBAC object is AKS's: AKS's mark on it (the add-on manager's labels on its
 * local-account binding and the add-ons' roles, the tigera operator's Installation, an extension), and
 * for a binding, subjects that are all AKS's. A label is copied as easily as written: a binding that
 * grants every authenticated user, or an application's account, is reported whatever it carries.
 */
function clusterScopedReason(r: Resource): string | undefined {
  if (!CLUSTER_SCOPED_RBAC.has(r.kind)) return undefined;
  const why = mark(r);
  if (!why) return undefined;
  if (r.kind === 'ClusterRoleBinding') {
    const subjects = subjectsOf(r);
    const namespaces = serviceAccountNamespaces(r);
    if (subjects.length === 0 || !subjects.every((s) => isAksSubject(s, namespaces))) return undefined;
    if (bindsLocalAccounts(r)) return `AKS-managed binding of the local accounts (${why}): AKS re-creates it; turn the local accounts off instead (disableLocalAccounts, see aks/local-accounts-enabled)`;
  }
  return `AKS-managed component (${why}, cluster-scoped ${r.kind})`;
}

/**
 * The NginxIngressController a Service of the application routing add-on publishes: its controller
 * owner, else the add-on's default controller, whose Service is `nginx`. Undefined for other Services.
 */
export function appRoutingController(r: Resource): string | undefined {
  if (r.kind !== 'Service' || r.namespace !== APP_ROUTING_NAMESPACE || !hasAppRoutingLabel(r)) return undefined;
  const owner = ownerRefs(r).find((o) => o.kind === 'NginxIngressController');
  if (owner) return owner.name;
  return r.name === 'nginx' ? DEFAULT_NGINX_CONTROLLER : undefined;
}

/**
 * Whether a Service's exposure is the user's although AKS's operator writes the Service: the load
 * balancer of an NginxIngressController, which the user created, or asked for when enabling the add-on
 * (`--nginx External|Internal|None`), and whose spec.loadBalancerAnnotations decide who reaches it.
 */
function userChosenExposure(r: Resource): boolean {
  const spec = asObj(r.object.spec);
  return appRoutingController(r) !== undefined && spec?.type === 'LoadBalancer';
}

/**
 * The name of the component a controller-made object belongs to: its own name for a controller the
 * user could have written (Deployment, DaemonSet, StatefulSet, CronJob), its controller's for what a
 * controller created (Pod, ReplicaSet, Job), provided its name has the shape that controller gives it.
 * A bare Pod called like a DaemonSet's pods belongs to nobody.
 */
function componentName(r: Resource): string | undefined {
  const owner = ownerRefs(r).find((o) => o.controller);
  if (!owner) return ['Deployment', 'DaemonSet', 'StatefulSet', 'CronJob'].includes(r.kind) ? r.name : undefined;
  if (!r.name.startsWith(`${owner.name}-`)) {
    // Eraser's ImageJob names its pods after the node they clean, not after itself.
    return r.kind === 'Pod' && owner.kind === 'ImageJob' && owner.apiVersion.startsWith('eraser.sh/') ? r.name : undefined;
  }
  if (r.kind === 'Pod' && (owner.kind === 'DaemonSet' || owner.kind === 'StatefulSet')) return owner.name;
  if (r.kind === 'Pod' && owner.kind === 'ReplicaSet') return deploymentOf(owner.name, metadataEntry(r, 'labels', 'pod-template-hash'));
  if (r.kind === 'Pod' && owner.kind === 'Job') return owner.name.replace(/-\d+$/, '');
  if ((r.kind === 'ReplicaSet' && owner.kind === 'Deployment') || (r.kind === 'Job' && owner.kind === 'CronJob')) return owner.name;
  return undefined;
}

/** A Deployment's ReplicaSet is `<deployment>-<pod-template-hash>`, the hash a label its pods carry too. */
function deploymentOf(replicaSet: string, hash: string | undefined): string | undefined {
  if (hash === undefined) return replicaSet.replace(/-[a-z0-9]+$/, '');
  return replicaSet.endsWith(`-${hash}`) ? replicaSet.slice(0, -hash.length - 1) : undefined;
}

function isAksComponentName(name: string, namespace: string): boolean {
  return AKS_COMPONENT_PREFIXES.some((p) => name.startsWith(p)) || (NAMESPACE_COMPONENTS[namespace] ?? []).includes(name);
}

/**
 * Why a namespaced object is AKS's: AKS's mark on it in one of AKS's namespaces (an extension's in
 * its own), else a component's name and shape. Whatever marks it, an object that runs pods must run
 * AKS's images only: a label or a name is copied onto a privileged nginx:latest as easily as written.
 */
function namespacedReason(r: Resource, namespace: string): string | undefined {
  const inAksNamespace = AKS_NAMESPACES.has(namespace);
  // Most objects of a scan are the user's, in the user's namespaces: one look at the labels settles them.
  if (!inAksNamespace && !extensionOf(r)) return undefined;
  if (userChosenExposure(r)) return undefined;
  const why = mark(r);
  const runsPods = podOf(r) !== undefined;
  if (why && (inAksNamespace || extensionOf(r))) {
    if (runsPods && !runsOnlyAksImages(r)) return undefined;
    return `AKS-managed component (${why} in ${namespace}${runsPods ? ', images from AKS\'s repositories on mcr.microsoft.com' : ''})`;
  }
  if (!inAksNamespace) return undefined;
  const component = componentName(r);
  if (component && isAksComponentName(component, namespace) && runsOnlyAksImages(r)) {
    return `AKS-managed component (${component === r.name ? r.name : `${r.name} of ${component}`} in ${namespace}, images from AKS's repositories on mcr.microsoft.com)`;
  }
  return undefined;
}

/** Why a resource counts as AKS-managed, or undefined. */
export function aksManagedReason(r: Resource): string | undefined {
  if (r.namespace === null) return clusterScopedReason(r);
  return namespacedReason(r, r.namespace);
}

/**
 * Why a Namespace is AKS's: one of AKS's namespaces that carries AKS's mark (its labels, the tigera
 * operator's Installation, the application routing operator's label). A namespace of the same name the
 * user created for their own Gatekeeper or Calico carries none of them.
 */
export function aksManagedNamespaceReason(r: Resource): string | undefined {
  if (r.kind !== 'Namespace' || !AKS_NAMESPACES.has(r.name)) return undefined;
  const why = managedLabel(r)
    ?? (hasAppRoutingLabel(r) && r.name === APP_ROUTING_NAMESPACE ? [APP_ROUTING_LABEL, APP_ROUTING_OPERATOR] : undefined);
  if (why) return `${why[0]}=${why[1]}`;
  return ownedByCalicoInstallation(r) && r.name === 'calico-system' ? 'created by the tigera operator for its Installation' : undefined;
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
