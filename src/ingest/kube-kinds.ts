/**
 * One kind Palisade reads from a live cluster: where its list lives in the REST API and whether it is
 * namespaced. The reader and the scanner's ClusterRole (`palisade manifests scanner-rbac`) both come
 * from this table, so the role grants exactly what the reader asks for.
 */
export interface LiveKind {
  kind: string;
  /** The API group, '' for the core group (`/api/v1`). */
  group: string;
  version: string;
  /** The plural resource name in the REST path and in RBAC rules. */
  resource: string;
  namespaced: boolean;
  /**
   * Read as PartialObjectMetadataList (names, labels, annotations, owners): the values never leave
   * the API server. RBAC cannot tell this list from a full one, so the role still grants `list`.
   */
  metadataOnly?: true;
}

export const LIVE_KINDS: readonly LiveKind[] = [
  { kind: 'Namespace', group: '', version: 'v1', resource: 'namespaces', namespaced: false },
  { kind: 'Pod', group: '', version: 'v1', resource: 'pods', namespaced: true },
  { kind: 'ReplicationController', group: '', version: 'v1', resource: 'replicationcontrollers', namespaced: true },
  { kind: 'Service', group: '', version: 'v1', resource: 'services', namespaced: true },
  { kind: 'ServiceAccount', group: '', version: 'v1', resource: 'serviceaccounts', namespaced: true },
  { kind: 'ConfigMap', group: '', version: 'v1', resource: 'configmaps', namespaced: true },
  { kind: 'Secret', group: '', version: 'v1', resource: 'secrets', namespaced: true, metadataOnly: true },
  { kind: 'PersistentVolume', group: '', version: 'v1', resource: 'persistentvolumes', namespaced: false },
  // The defaults a namespace gives containers that set no resources: the resource rules honour them.
  { kind: 'LimitRange', group: '', version: 'v1', resource: 'limitranges', namespaced: true },
  { kind: 'Deployment', group: 'apps', version: 'v1', resource: 'deployments', namespaced: true },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true },
  { kind: 'StatefulSet', group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true },
  { kind: 'Job', group: 'batch', version: 'v1', resource: 'jobs', namespaced: true },
  { kind: 'CronJob', group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true },
  { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', namespaced: true },
  { kind: 'NetworkPolicy', group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', namespaced: true },
  { kind: 'Role', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', namespaced: true },
  { kind: 'ClusterRole', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false },
  { kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', namespaced: true },
  { kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', namespaced: false },
  { kind: 'CustomResourceDefinition', group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false },
  { kind: 'PodDisruptionBudget', group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespaced: true },
  { kind: 'HorizontalPodAutoscaler', group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', namespaced: true },
  { kind: 'ValidatingWebhookConfiguration', group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations', namespaced: false },
  { kind: 'MutatingWebhookConfiguration', group: 'admissionregistration.k8s.io', version: 'v1', resource: 'mutatingwebhookconfigurations', namespaced: false },
  // Custom resources with a pod template (see core/workload.ts): read where their CRDs are installed,
  // skipped where the API group is not served.
  { kind: 'Rollout', group: 'argoproj.io', version: 'v1alpha1', resource: 'rollouts', namespaced: true },
  { kind: 'ScaledJob', group: 'keda.sh', version: 'v1alpha1', resource: 'scaledjobs', namespaced: true },
  { kind: 'AutoscalingRunnerSet', group: 'actions.github.com', version: 'v1alpha1', resource: 'autoscalingrunnersets', namespaced: true },
  // Gateway API: public Gateways and their routes are ways in for attack paths.
  { kind: 'Gateway', group: 'gateway.networking.k8s.io', version: 'v1', resource: 'gateways', namespaced: true },
  { kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', version: 'v1', resource: 'httproutes', namespaced: true },
  { kind: 'GRPCRoute', group: 'gateway.networking.k8s.io', version: 'v1', resource: 'grpcroutes', namespaced: true },
  { kind: 'ReferenceGrant', group: 'gateway.networking.k8s.io', version: 'v1beta1', resource: 'referencegrants', namespaced: true },
  // The experimental channel's route kinds, served where its CRDs are installed.
  { kind: 'TLSRoute', group: 'gateway.networking.k8s.io', version: 'v1alpha2', resource: 'tlsroutes', namespaced: true },
  { kind: 'TCPRoute', group: 'gateway.networking.k8s.io', version: 'v1alpha2', resource: 'tcproutes', namespaced: true },
  { kind: 'UDPRoute', group: 'gateway.networking.k8s.io', version: 'v1alpha2', resource: 'udproutes', namespaced: true },
  // Which controller serves an Ingress: its IngressClass, and application routing's NginxIngressControllers.
  { kind: 'IngressClass', group: 'networking.k8s.io', version: 'v1', resource: 'ingressclasses', namespaced: false },
  { kind: 'NginxIngressController', group: 'approuting.kubernetes.azure.com', version: 'v1alpha1', resource: 'nginxingresscontrollers', namespaced: false },
];

/** What the RBAC commands need: roles, bindings, the service accounts they name, and the custom resources roles may grant. */
// Secrets (as metadata) for the ServiceAccount token Secrets whose readers become their accounts.
export const RBAC_KINDS: readonly string[] = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount', 'Secret', 'CustomResourceDefinition'];

/** Without the roles and bindings the RBAC commands have nothing to answer from: a refusal of one of them is an error. */
export const RBAC_REQUIRED_KINDS: readonly string[] = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];

/**
 * The kinds a scan judges itself, whose refusal is an error (exit 2): the workloads and their pods, the
 * Services and Ingresses that expose them, the NetworkPolicies that close them, and the Namespaces
 * they live in. These are what the `view` role grants, so a scan with read rights fails only when
 * something it was asked to check was not read. Every other kind is context (Secrets as metadata,
 * RBAC, custom resources, budgets, defaults): its refusal is a note that names it and what it leaves
 * undecided, so a gate run with read-only rights does not fail on every run.
 */
export const SCAN_REQUIRED_KINDS: readonly string[] = [
  'Namespace',
  'Pod',
  'ReplicationController',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Service',
  'Ingress',
  'NetworkPolicy',
];

/** What is not decided when a context kind cannot be read: the note of a refused list says it. */
const UNDECIDED_WITHOUT: Readonly<Record<string, string>> = {
  Secret:
    'attack paths and rules that go through ServiceAccount token Secrets (reading one makes the reader its account) were not evaluated, nor the Secrets workloads refer to',
  ServiceAccount: 'ServiceAccount settings (token automount) were not read: findings about them may be missing or reported on the pods instead',
  ConfigMap: 'what ConfigMaps hold (the settings some rules read beside the workloads) was not checked',
  PersistentVolume: 'PersistentVolumes (hostPath volumes) were not checked',
  LimitRange: "namespaces' default container resources were not read: resource findings may be reported that the defaults satisfy",
  Role: 'the RBAC grants of Roles (risky roles, who a workload\'s account can act as) were not evaluated',
  RoleBinding: 'the RBAC grants of RoleBindings (risky bindings, who a workload\'s account can act as) were not evaluated',
  ClusterRole: 'cluster-wide RBAC grants were not evaluated',
  ClusterRoleBinding: 'cluster-wide RBAC grants were not evaluated',
  CustomResourceDefinition: 'the custom resources roles may grant were not known',
  PodDisruptionBudget: 'disruption budgets were not read: availability findings may be reported that they satisfy',
  HorizontalPodAutoscaler: 'autoscalers were not read: replica findings may be reported that they satisfy',
  ValidatingWebhookConfiguration: 'admission webhooks were not checked',
  MutatingWebhookConfiguration: 'admission webhooks were not checked',
  IngressClass: 'which controller serves each Ingress was not known',
  NginxIngressController: 'which controller serves each Ingress was not known',
  Rollout: 'the pod templates of Argo Rollouts were not checked',
  ScaledJob: 'the pod templates of KEDA ScaledJobs were not checked',
  AutoscalingRunnerSet: 'the pod templates of Actions Runner Controller AutoscalingRunnerSets were not checked',
};

/** The words for what a scan leaves undecided without this kind. */
export function undecidedWithout(k: LiveKind): string {
  return UNDECIDED_WITHOUT[k.kind] ?? (k.group === 'gateway.networking.k8s.io' ? 'Gateway API routes were not counted as ways in for attack paths' : `${k.kind} objects were not checked`);
}

export function apiVersionOf(k: LiveKind): string {
  return k.group === '' ? k.version : `${k.group}/${k.version}`;
}

/** `secrets`, `deployments.apps`: the resource as `kubectl auth can-i` and RBAC messages name it. */
export function qualifiedResource(k: LiveKind): string {
  return k.group === '' ? k.resource : `${k.resource}.${k.group}`;
}

/** The REST path of the list, across the cluster or in one namespace. */
export function listPath(k: LiveKind, namespace?: string): string {
  const base = k.group === '' ? `/api/${k.version}` : `/apis/${k.group}/${k.version}`;
  return k.namespaced && namespace !== undefined ? `${base}/namespaces/${encodeURIComponent(namespace)}/${k.resource}` : `${base}/${k.resource}`;
}
