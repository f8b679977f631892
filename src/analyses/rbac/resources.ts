/**
 * API group and scope of the built-in resources, so that `who-can get deployments` means what
 * kubectl would resolve through discovery. A resource outside this table (and outside the
 * inventory's CustomResourceDefinitions) is matched in any API group and treated as namespaced.
 */
export interface ResourceInfo {
  group: string;
  namespaced: boolean;
}

const NAMESPACED: Record<string, string[]> = {
  '': ['pods', 'services', 'configmaps', 'secrets', 'serviceaccounts', 'endpoints', 'persistentvolumeclaims', 'events', 'limitranges', 'resourcequotas', 'replicationcontrollers', 'podtemplates', 'bindings'],
  apps: ['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'controllerrevisions'],
  batch: ['jobs', 'cronjobs'],
  autoscaling: ['horizontalpodautoscalers'],
  policy: ['poddisruptionbudgets'],
  'networking.k8s.io': ['networkpolicies', 'ingresses'],
  'rbac.authorization.k8s.io': ['roles', 'rolebindings'],
  'storage.k8s.io': ['csistoragecapacities'],
  'coordination.k8s.io': ['leases'],
  'discovery.k8s.io': ['endpointslices'],
  'authorization.k8s.io': ['localsubjectaccessreviews'],
};

const CLUSTER: Record<string, string[]> = {
  // `users` and `groups` are what the `impersonate` verb is checked against.
  '': ['nodes', 'namespaces', 'persistentvolumes', 'componentstatuses', 'users', 'groups'],
  'networking.k8s.io': ['ingressclasses', 'ipaddresses', 'servicecidrs'],
  'rbac.authorization.k8s.io': ['clusterroles', 'clusterrolebindings'],
  'storage.k8s.io': ['storageclasses', 'volumeattachments', 'csidrivers', 'csinodes'],
  'certificates.k8s.io': ['certificatesigningrequests', 'signers', 'clustertrustbundles'],
  'admissionregistration.k8s.io': ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings'],
  'apiextensions.k8s.io': ['customresourcedefinitions'],
  'apiregistration.k8s.io': ['apiservices'],
  'authentication.k8s.io': ['tokenreviews', 'selfsubjectreviews', 'userextras', 'uids'],
  'authorization.k8s.io': ['subjectaccessreviews', 'selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  'scheduling.k8s.io': ['priorityclasses'],
  'node.k8s.io': ['runtimeclasses'],
  'flowcontrol.apiserver.k8s.io': ['flowschemas', 'prioritylevelconfigurations'],
};

export const BUILTIN_RESOURCES: ReadonlyMap<string, ResourceInfo> = (() => {
  const m = new Map<string, ResourceInfo>();
  for (const [namespaced, table] of [[true, NAMESPACED], [false, CLUSTER]] as const)
    for (const [group, names] of Object.entries(table)) for (const n of names) m.set(n, { group, namespaced });
  return m;
})();

/** kubectl's short names of the built-in resources. */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  po: 'pods',
  svc: 'services',
  cm: 'configmaps',
  sa: 'serviceaccounts',
  ep: 'endpoints',
  pvc: 'persistentvolumeclaims',
  ev: 'events',
  limits: 'limitranges',
  quota: 'resourcequotas',
  rc: 'replicationcontrollers',
  no: 'nodes',
  ns: 'namespaces',
  pv: 'persistentvolumes',
  cs: 'componentstatuses',
  deploy: 'deployments',
  rs: 'replicasets',
  sts: 'statefulsets',
  ds: 'daemonsets',
  cj: 'cronjobs',
  hpa: 'horizontalpodautoscalers',
  pdb: 'poddisruptionbudgets',
  netpol: 'networkpolicies',
  ing: 'ingresses',
  sc: 'storageclasses',
  crd: 'customresourcedefinitions',
  crds: 'customresourcedefinitions',
  csr: 'certificatesigningrequests',
  pc: 'priorityclasses',
};

/** The subresources of the built-in resources besides `status`, which most of them have. */
export const BUILTIN_SUBRESOURCES: Readonly<Record<string, readonly string[]>> = {
  pods: ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'resize'],
  services: ['proxy'],
  nodes: ['proxy'],
  namespaces: ['finalize'],
  serviceaccounts: ['token'],
  replicationcontrollers: ['scale'],
  deployments: ['scale', 'rollback'],
  replicasets: ['scale'],
  statefulsets: ['scale'],
  certificatesigningrequests: ['approval'],
};

/** The singular the API server publishes for a built-in plural: `policies` → `policy`, `ingresses` → `ingress`. */
function singularOf(plural: string): string {
  if (plural.endsWith('ies')) return `${plural.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|us)es$/.test(plural)) return plural.slice(0, -2);
  return plural.endsWith('s') ? plural.slice(0, -1) : plural;
}

export type BuiltinSpellings = ReadonlyMap<string, ReadonlyArray<{ resource: string; group: string }>>;

let spellings: BuiltinSpellings | undefined;

/**
 * Each spelling of a built-in resource (plural, singular, which is also its kind in lower case, short
 * name) → the resource. Built on first use: only resolving a kubectl spelling needs it.
 */
export function builtinSpellings(): BuiltinSpellings {
  if (spellings) return spellings;
  const m = new Map<string, Array<{ resource: string; group: string }>>();
  const add = (spelling: string, resource: string) => {
    const info = BUILTIN_RESOURCES.get(resource);
    if (!info) return;
    const list = m.get(spelling);
    if (list) list.push({ resource, group: info.group });
    else m.set(spelling, [{ resource, group: info.group }]);
  };
  for (const resource of BUILTIN_RESOURCES.keys()) {
    add(resource, resource);
    if (singularOf(resource) !== resource) add(singularOf(resource), resource);
  }
  for (const [short, resource] of Object.entries(SHORT_NAMES)) add(short, resource);
  return (spellings = m);
}
