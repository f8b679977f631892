import { describe, expect, it } from 'vitest';
import { aksManagedReason } from '../../src/core/aks-managed.js';
import { parseResources } from '../helpers/rule-tester.js';

const [localAccounts, amaLogsRole, amaLogsBinding, mine] = parseResources(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: aks-cluster-admin-binding
  labels: {addonmanager.kubernetes.io/mode: Reconcile, kubernetes.io/cluster-service: "true"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: clusterAdmin}
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: clusterUser}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ama-logs-reader, labels: {addonmanager.kubernetes.io/mode: Reconcile}}
rules: [{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: amalogsclusterrolebinding, labels: {addonmanager.kubernetes.io/mode: Reconcile}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ama-logs-reader}
subjects: [{kind: ServiceAccount, name: ama-logs, namespace: kube-system}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: clusterAdmin}]
`);

describe('aksManagedReason on cluster-scoped RBAC objects', () => {
  it('counts ClusterRoles and ClusterRoleBindings with the add-on manager label as AKS\'s', () => {
    expect(aksManagedReason(amaLogsRole!)).toBe('AKS-managed component (addonmanager.kubernetes.io/mode=Reconcile, cluster-scoped ClusterRole)');
    expect(aksManagedReason(amaLogsBinding!)).toMatch(/^AKS-managed component \(addonmanager\.kubernetes\.io\/mode=Reconcile/);
  });

  it('names the local accounts as what to turn off for AKS\'s cluster-admin binding', () => {
    expect(aksManagedReason(localAccounts!)).toMatch(/local accounts .*disableLocalAccounts, see aks\/local-accounts-enabled/);
  });

  it('leaves an unlabelled binding alone, whatever it binds', () => {
    expect(aksManagedReason(mine!)).toBeUndefined();
  });
});

describe('aksManagedReason on the VPA add-on', () => {
  const vpa = (name: string, image: string) =>
    parseResources(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: kube-system}
spec: {template: {spec: {containers: [{name: c, image: ${image}}]}}}
`)[0]!;

  it("counts AKS's vertical pod autoscaler components, with AKS's images, as AKS's", () => {
    for (const name of ['vpa-admission-controller', 'vpa-recommender', 'vpa-updater']) {
      expect(aksManagedReason(vpa(name, 'mcr.microsoft.com/oss/kubernetes/autoscaler/vpa-recommender:1.2.1'))).toMatch(/^AKS-managed component/);
    }
  });

  it('leaves a VPA of the same name from another registry alone', () => {
    expect(aksManagedReason(vpa('vpa-recommender', 'registry.k8s.io/autoscaling/vpa-recommender:1.2.1'))).toBeUndefined();
  });
});
