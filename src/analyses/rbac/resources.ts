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
