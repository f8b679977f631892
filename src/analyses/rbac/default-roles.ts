import type { PolicyRule } from './permission-index.js';

/**
 * ClusterRoles every Kubernetes cluster creates at start-up (the RBAC bootstrap policy,
 * `plugin/pkg/auth/authorizer/rbac/bootstrappolicy`): manifests bind them by name without defining
 * them, so an index built from files must know them. The user-facing roles; `admin`, `edit` and `view`
 * are aggregated on a live cluster, and these are their bootstrap rules, the floor that add-ons'
 * aggregated rules only extend. Besides them, the control-plane roles that hand out much when someone
 * binds them to another subject (Secrets, tokens, pods as any account, `*` verbs, escalate, the
 * kubelet's API): their rules as the bootstrap policy writes them. The other control-plane roles
 * (events, leases, status writers) are left out, and a binding to one stays a binding to a role the
 * input lacks.
 */
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

function rule(apiGroups: string[], resources: string[], verbs: string[]): PolicyRule {
  return { apiGroups, resources, verbs, resourceNames: [], nonResourceURLs: [] };
}

function named(apiGroups: string[], resources: string[], resourceNames: string[], verbs: string[]): PolicyRule {
  return { apiGroups, resources, verbs, resourceNames, nonResourceURLs: [] };
}

const VIEW: PolicyRule[] = [
  rule([''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'], READ),
  rule([''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'], READ),
  rule([''], ['namespaces'], READ),
  rule(['discovery.k8s.io'], ['endpointslices'], READ),
  rule(['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status'], READ),
  rule(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], READ),
  rule(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], READ),
  rule(['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale'], READ),
  rule(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], READ),
  rule(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], READ),
];

/** What `edit` adds to `view`: writes, Secrets, exec and friends, tokens, impersonating service accounts. */
const EDIT_ONLY: PolicyRule[] = [
  rule([''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], READ),
  rule([''], ['serviceaccounts'], ['impersonate']),
  rule([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], WRITE),
  rule([''], ['pods/eviction'], ['create']),
  rule([''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'], WRITE),
  rule([''], ['serviceaccounts/token'], ['create']),
  rule(['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'], WRITE),
  rule(['autoscaling'], ['horizontalpodautoscalers'], WRITE),
  rule(['batch'], ['cronjobs', 'jobs'], WRITE),
  rule(['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale'], WRITE),
  rule(['policy'], ['poddisruptionbudgets'], WRITE),
  rule(['networking.k8s.io'], ['ingresses', 'networkpolicies'], WRITE),
  rule(['coordination.k8s.io'], ['leases'], [...WRITE, ...READ]),
];

/** What `admin` adds to `edit`: Roles and RoleBindings of the namespace, and access reviews. */
const ADMIN_ONLY: PolicyRule[] = [
  rule(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
  rule(['rbac.authorization.k8s.io'], ['rolebindings', 'roles'], [...WRITE, ...READ]),
];

export const DEFAULT_CLUSTER_ROLES: ReadonlyMap<string, readonly PolicyRule[]> = new Map([
  ['cluster-admin', [rule(['*'], ['*'], ['*']), { apiGroups: [], resources: [], verbs: ['*'], resourceNames: [], nonResourceURLs: ['*'] }]],
  ['admin', [...ADMIN_ONLY, ...EDIT_ONLY, ...VIEW]],
  ['edit', [...EDIT_ONLY, ...VIEW]],
  ['view', VIEW],
  // What the aggregated roles gather: bound directly, or gathered by an input role that selects them.
  ['system:aggregate-to-admin', ADMIN_ONLY],
  ['system:aggregate-to-edit', EDIT_ONLY],
  ['system:aggregate-to-view', VIEW],
  ['system:node', [
    rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    rule(['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews'], ['create']),
    rule([''], ['services'], ['get', 'list', 'watch']),
    rule([''], ['nodes'], ['create', 'get', 'list', 'watch']),
    rule([''], ['nodes/status'], ['patch', 'update']),
    rule([''], ['nodes'], ['patch', 'update']),
    rule([''], ['events'], ['create', 'patch', 'update']),
    rule([''], ['pods'], ['get', 'list', 'watch']),
    rule([''], ['pods'], ['create', 'delete']),
    rule([''], ['pods/status'], ['patch', 'update']),
    rule([''], ['pods/eviction'], ['create']),
    rule([''], ['configmaps', 'secrets'], ['get', 'list', 'watch']),
    rule([''], ['persistentvolumeclaims', 'persistentvolumes'], ['get']),
    rule([''], ['endpoints'], ['get']),
    rule(['certificates.k8s.io'], ['certificatesigningrequests'], ['create', 'get', 'list', 'watch']),
    rule(['coordination.k8s.io'], ['leases'], ['create', 'delete', 'get', 'patch', 'update']),
    rule(['storage.k8s.io'], ['volumeattachments'], ['get']),
    rule([''], ['serviceaccounts/token'], ['create']),
    rule([''], ['persistentvolumeclaims/status'], ['get', 'patch', 'update']),
    rule(['storage.k8s.io'], ['csidrivers'], ['get', 'list', 'watch']),
    rule(['storage.k8s.io'], ['csinodes'], ['create', 'delete', 'get', 'patch', 'update']),
    rule(['node.k8s.io'], ['runtimeclasses'], ['get', 'list', 'watch']),
  ]],
  ['system:kube-controller-manager', [
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
    rule(['coordination.k8s.io'], ['leases'], ['create']),
    named(['coordination.k8s.io'], ['leases'], ['kube-controller-manager'], ['get', 'update']),
    rule([''], ['secrets', 'serviceaccounts'], ['create']),
    rule([''], ['secrets'], ['delete']),
    rule([''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts'], ['get']),
    rule([''], ['secrets', 'serviceaccounts'], ['update']),
    rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    rule(['*'], ['*'], ['list', 'watch']),
    rule([''], ['serviceaccounts/token'], ['create']),
  ]],
  ['system:kubelet-api-admin', [
    rule([''], ['nodes'], ['get', 'list', 'watch']),
    rule([''], ['nodes'], ['proxy']),
    rule([''], ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats'], ['*']),
  ]],
  ['system:persistent-volume-provisioner', [
    rule([''], ['persistentvolumes'], ['create', 'delete', 'get', 'list', 'watch']),
    rule([''], ['persistentvolumeclaims'], ['get', 'list', 'update', 'watch']),
    rule(['storage.k8s.io'], ['storageclasses'], ['get', 'list', 'watch']),
    rule([''], ['events'], ['watch']),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  ]],
  ['system:controller:clusterrole-aggregation-controller', [
    rule(['rbac.authorization.k8s.io'], ['clusterroles'], ['escalate', 'get', 'list', 'patch', 'update', 'watch']),
  ]],
  ['system:controller:generic-garbage-collector', [
    rule(['*'], ['*'], ['delete', 'get', 'list', 'patch', 'update', 'watch']),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  ]],
  ['system:controller:namespace-controller', [
    rule([''], ['namespaces'], ['delete', 'get', 'list', 'watch']),
    rule([''], ['namespaces/finalize', 'namespaces/status'], ['update']),
    rule(['*'], ['*'], ['delete', 'deletecollection', 'get', 'list', 'watch']),
  ]],
  ['system:controller:resourcequota-controller', [
    rule(['*'], ['*'], ['list', 'watch']),
    rule([''], ['resourcequotas/status'], ['update']),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  ]],
  ['system:controller:certificate-controller', [
    rule(['certificates.k8s.io'], ['certificatesigningrequests'], ['delete', 'get', 'list', 'watch']),
    rule(['certificates.k8s.io'], ['certificatesigningrequests/approval', 'certificatesigningrequests/status'], ['update']),
    named(['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet'], ['approve']),
    named(['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving', 'kubernetes.io/legacy-unknown'], ['sign']),
    rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  ]],
  ['system:controller:cronjob-controller', [
    rule(['batch'], ['cronjobs'], ['get', 'list', 'update', 'watch']),
    rule(['batch'], ['jobs'], ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
    rule(['batch'], ['cronjobs/status'], ['update']),
    rule(['batch'], ['cronjobs/finalizers'], ['update']),
    rule([''], ['pods'], ['delete', 'list', 'watch']),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  ]],
  ['system:controller:daemon-set-controller', [
    rule(['apps', 'extensions'], ['daemonsets'], ['get', 'list', 'watch']),
    rule(['apps', 'extensions'], ['daemonsets/status'], ['update']),
    rule(['apps', 'extensions'], ['daemonsets/finalizers'], ['update']),
    rule([''], ['nodes'], ['list', 'watch']),
    rule([''], ['pods'], ['create', 'delete', 'list', 'patch', 'watch']),
    rule([''], ['pods/binding'], ['create']),
    rule(['apps'], ['controllerrevisions'], ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  ]],
  ['system:controller:deployment-controller', [
    rule(['apps', 'extensions'], ['deployments'], ['get', 'list', 'update', 'watch']),
    rule(['apps', 'extensions'], ['deployments/status'], ['update']),
    rule(['apps', 'extensions'], ['deployments/finalizers'], ['update']),
    rule(['apps', 'extensions'], ['replicasets'], ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
    rule([''], ['pods'], ['get', 'list', 'update', 'watch']),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  ]],
  ['system:controller:job-controller', [
    rule(['batch'], ['jobs'], ['get', 'list', 'patch', 'update', 'watch']),
    rule(['batch'], ['jobs/status'], ['update']),
    rule(['batch'], ['jobs/finalizers'], ['update']),
    rule([''], ['pods'], ['create', 'delete', 'list', 'patch', 'watch']),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  ]],
  ['system:controller:persistent-volume-binder', [
    rule([''], ['persistentvolumes'], ['create', 'delete', 'get', 'list', 'update', 'watch']),
    rule([''], ['persistentvolumes/status'], ['update']),
    rule([''], ['persistentvolumeclaims'], ['get', 'list', 'update', 'watch']),
    rule([''], ['persistentvolumeclaims/status'], ['update']),
    rule([''], ['pods'], ['create', 'delete', 'get', 'list', 'watch']),
    rule(['storage.k8s.io'], ['storageclasses'], ['get', 'list', 'watch']),
    rule([''], ['nodes'], ['list', 'watch']),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
    rule([''], ['events'], ['watch']),
  ]],
  ['system:controller:replicaset-controller', [
    rule(['apps', 'extensions'], ['replicasets'], ['get', 'list', 'update', 'watch']),
    rule(['apps', 'extensions'], ['replicasets/status'], ['update']),
    rule(['apps', 'extensions'], ['replicasets/finalizers'], ['update']),
    rule([''], ['pods'], ['create', 'delete', 'list', 'patch', 'watch']),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  ]],
  ['system:controller:replication-controller', [
    rule([''], ['replicationcontrollers'], ['get', 'list', 'update', 'watch']),
    rule([''], ['replicationcontrollers/status'], ['update']),
    rule([''], ['replicationcontrollers/finalizers'], ['update']),
    rule([''], ['pods'], ['create', 'delete', 'list', 'patch', 'watch']),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  ]],
  ['system:controller:statefulset-controller', [
    rule([''], ['pods'], ['list', 'watch']),
    rule(['apps'], ['statefulsets'], ['get', 'list', 'watch']),
    rule(['apps'], ['statefulsets/status'], ['update']),
    rule(['apps'], ['statefulsets/finalizers'], ['update']),
    rule([''], ['pods'], ['create', 'delete', 'get', 'patch', 'update']),
    rule(['apps'], ['controllerrevisions'], ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
    rule([''], ['persistentvolumeclaims'], ['create', 'get', 'list', 'watch']),
    rule([''], ['persistentvolumeclaims'], ['delete', 'update']),
    rule([''], ['pods/finalizers'], ['update']),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
  ]],
]);

/**
 * How the bootstrap policy labels and aggregates the default ClusterRoles
 * (`plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go`): admin gathers what is labelled
 * aggregate-to-admin (edit among it), edit gathers aggregate-to-edit (view among it), view gathers
 * aggregate-to-view. Every default role is also labelled `kubernetes.io/bootstrapping: rbac-defaults`.
 * A default role this table does not name is a plain role with that one label.
 */
export const BOOTSTRAP_AGGREGATION: ReadonlyMap<string, { aggregateTo?: string; gathers?: string }> = new Map([
  ['admin', { gathers: 'admin' }],
  ['edit', { aggregateTo: 'admin', gathers: 'edit' }],
  ['view', { aggregateTo: 'edit', gathers: 'view' }],
  ['system:aggregate-to-admin', { aggregateTo: 'admin' }],
  ['system:aggregate-to-edit', { aggregateTo: 'edit' }],
  ['system:aggregate-to-view', { aggregateTo: 'view' }],
]);

/**
 * The default ClusterRoles the aggregation controller rewrites from the roles labelled for them (those
 * that gather): rules written into one by hand are gone at its next pass.
 */
export const AGGREGATED_DEFAULT_ROLES: ReadonlySet<string> = new Set([...BOOTSTRAP_AGGREGATION].flatMap(([name, shape]) => (shape.gathers !== undefined ? [name] : [])));
