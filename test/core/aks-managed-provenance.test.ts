import { describe, expect, it } from 'vitest';
import { aksManagedReason } from '../../src/core/aks-managed.js';
import { parseResources } from '../helpers/rule-tester.js';

const one = (yaml: string) => parseResources(yaml)[0]!;

const INSTALLATION = '[{apiVersion: operator.tigera.io/v1, kind: Installation, name: default, uid: u, controller: true}]';

const daemonSet = (name: string, namespace: string, image: string, metadata = '') => one(`
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
  namespace: ${namespace}
${metadata}spec:
  template:
    spec:
      containers: [{name: c, image: ${image}, securityContext: {privileged: true}}]
`);

const pod = (name: string, namespace: string, image: string, owner = '') => one(`
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
${owner ? `  ownerReferences: [${owner}]\n` : ''}spec:
  containers: [{name: c, image: ${image}}]
`);

const binding = (labels: string, subjects: string, extra = '') => one(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: b
  labels: {${labels}}
${extra}roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: ${subjects}
`);

describe("aksManagedReason on Calico, which AKS's tigera operator creates", () => {
  const CSI = 'mcr.microsoft.com/oss/calico/csi:v3.29.3';

  it('counts what the operator creates for its Installation in calico-system, running AKS images, as AKS\'s', () => {
    const owned = daemonSet('csi-node-driver', 'calico-system', CSI, `  ownerReferences: ${INSTALLATION}\n`);
    expect(aksManagedReason(owned)).toBe("AKS-managed component (created by the tigera operator for its Installation in calico-system, images from AKS's repositories on mcr.microsoft.com)");
  });

  it('counts csi-node-driver by name in calico-system only, and its pods by their DaemonSet', () => {
    expect(aksManagedReason(daemonSet('csi-node-driver', 'calico-system', CSI))).toMatch(/^AKS-managed component \(csi-node-driver in calico-system/);
    expect(aksManagedReason(daemonSet('csi-node-driver', 'kube-system', CSI))).toBeUndefined();
    const owner = '{apiVersion: apps/v1, kind: DaemonSet, name: csi-node-driver, uid: d, controller: true}';
    expect(aksManagedReason(pod('csi-node-driver-x7k2p', 'calico-system', CSI, owner))).toMatch(/csi-node-driver-x7k2p of csi-node-driver in calico-system/);
  });

  it('does not take the Installation for proof of an image from elsewhere', () => {
    expect(aksManagedReason(daemonSet('csi-node-driver', 'calico-system', 'docker.io/calico/csi:v3.29.3', `  ownerReferences: ${INSTALLATION}\n`))).toBeUndefined();
  });

  it("counts the operator's cluster roles and bindings for its own service accounts", () => {
    const owned = binding('', '[{kind: ServiceAccount, name: csi-node-driver, namespace: calico-system}]', `  ownerReferences: ${INSTALLATION}\n`.replace('  labels: {}\n', ''));
    expect(aksManagedReason(owned)).toMatch(/^AKS-managed component \(created by the tigera operator/);
  });
});

describe('aksManagedReason on cluster-scoped bindings', () => {
  const RECONCILE = 'addonmanager.kubernetes.io/mode: Reconcile';

  it('requires every subject to be AKS\'s, whatever the label', () => {
    for (const subjects of [
      '[{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:authenticated"}]',
      '[{kind: ServiceAccount, name: ama-logs, namespace: kube-system}, {kind: ServiceAccount, name: default, namespace: shop}]',
      '[{apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:serviceaccount:shop:default"}]',
      '[{apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:anonymous"}]',
      '[{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:serviceaccounts"}]',
      '[{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice@contoso.com}]',
      '[]',
    ]) expect(aksManagedReason(binding(RECONCILE, subjects)), subjects).toBeUndefined();
    expect(aksManagedReason(binding('kubernetes.azure.com/managedby: aks', '[{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:unauthenticated"}]'))).toBeUndefined();
  });

  it("accepts AKS's users, Kubernetes' components and nodes, and service accounts of AKS's namespaces", () => {
    for (const subjects of [
      '[{kind: ServiceAccount, name: ama-logs, namespace: kube-system}, {kind: ServiceAccount, name: istiod, namespace: aks-istio-system}]',
      '[{apiGroup: rbac.authorization.k8s.io, kind: User, name: aks-support}]',
      '[{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:nodes"}]',
      '[{apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:kube-controller-manager"}]',
      '[{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:serviceaccounts:kube-system"}]',
    ]) expect(aksManagedReason(binding(RECONCILE, subjects)), subjects).toMatch(/^AKS-managed component/);
  });

  it("leaves a binding labelled EnsureExists to the user: the add-on manager creates those once and lets go", () => {
    expect(aksManagedReason(binding('addonmanager.kubernetes.io/mode: EnsureExists', '[{kind: ServiceAccount, name: ama-logs, namespace: kube-system}]'))).toBeUndefined();
  });
});

describe('aksManagedReason on labelled namespaced objects', () => {
  it('leaves EnsureExists objects to the user: coredns-custom is theirs to edit', () => {
    const custom = one(`
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns-custom, namespace: kube-system, labels: {addonmanager.kubernetes.io/mode: EnsureExists, k8s-app: kube-dns}}
data: {api_token: ghp_1234567890abcdefghijklmnopqrstuvwxyzAB}
`);
    expect(aksManagedReason(custom)).toBeUndefined();
    expect(aksManagedReason(daemonSet('node-tuning', 'kube-system', 'docker.io/library/alpine:latest', '  labels: {addonmanager.kubernetes.io/mode: EnsureExists}\n'))).toBeUndefined();
  });

  it('requires AKS images of a labelled object that runs pods', () => {
    const upstream = daemonSet('node-local-dns', 'kube-system', 'registry.k8s.io/dns/k8s-dns-node-cache:1.23.1', '  labels: {addonmanager.kubernetes.io/mode: Reconcile}\n');
    expect(aksManagedReason(upstream)).toBeUndefined();
    const csi = daemonSet('csi-azuredisk-node', 'kube-system', 'mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi:v1.31.0', '  labels: {addonmanager.kubernetes.io/mode: Reconcile}\n');
    expect(aksManagedReason(csi)).toMatch(/^AKS-managed component \(addonmanager\.kubernetes\.io\/mode=Reconcile in kube-system, images from AKS's repositories/);
  });

  it("takes the application routing operator's label in app-routing-system only, and with AKS images", () => {
    const label = '  labels: {app.kubernetes.io/managed-by: aks-app-routing-operator}\n';
    expect(aksManagedReason(daemonSet('legacy-proxy', 'kube-system', 'docker.io/library/nginx:latest', label))).toBeUndefined();
    expect(aksManagedReason(daemonSet('legacy-proxy', 'kube-system', 'mcr.microsoft.com/oss/kubernetes/ingress/nginx-ingress-controller:v1.11.5', label))).toBeUndefined();
    expect(aksManagedReason(daemonSet('nginx', 'app-routing-system', 'docker.io/library/nginx:latest', label))).toBeUndefined();
    expect(aksManagedReason(daemonSet('nginx', 'app-routing-system', 'mcr.microsoft.com/oss/kubernetes/ingress/nginx-ingress-controller:v1.11.5', label))).toMatch(/^AKS-managed component/);
  });

  it("leaves the load balancer of an NginxIngressController to the user, whose exposure it is", () => {
    const svc = one(`
apiVersion: v1
kind: Service
metadata:
  name: nginx-public-0
  namespace: app-routing-system
  labels: {app.kubernetes.io/managed-by: aks-app-routing-operator}
  ownerReferences: [{apiVersion: approuting.kubernetes.azure.com/v1alpha1, kind: NginxIngressController, name: nginx-public, uid: u, controller: true}]
spec: {type: LoadBalancer, selector: {app: nginx-public-0}, ports: [{port: 443}]}
`);
    expect(aksManagedReason(svc)).toBeUndefined();
    const clusterIp = one(JSON.stringify({ ...svc.object, spec: { selector: { app: 'nginx-public-0' }, ports: [{ port: 443 }] } }));
    expect(aksManagedReason(clusterIp)).toMatch(/^AKS-managed component/);
  });
});

describe('aksManagedReason by name', () => {
  const KUBE_PROXY = 'mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.5';

  it('never counts a bare Pod, whatever its name and image', () => {
    expect(aksManagedReason(pod('kube-proxy-debug', 'kube-system', KUBE_PROXY))).toBeUndefined();
    expect(aksManagedReason(pod('kube-proxy', 'kube-system', KUBE_PROXY))).toBeUndefined();
  });

  it("counts a Pod by the controller that owns it, when its name has that controller's shape", () => {
    const ds = '{apiVersion: apps/v1, kind: DaemonSet, name: kube-proxy, uid: d, controller: true}';
    expect(aksManagedReason(pod('kube-proxy-8xk2p', 'kube-system', KUBE_PROXY, ds))).toMatch(/^AKS-managed component \(kube-proxy-8xk2p of kube-proxy in kube-system/);
    expect(aksManagedReason(pod('debug-shell', 'kube-system', KUBE_PROXY, ds))).toBeUndefined();
    const mine = '{apiVersion: apps/v1, kind: DaemonSet, name: node-debugger, uid: d, controller: true}';
    expect(aksManagedReason(pod('node-debugger-8xk2p', 'kube-system', KUBE_PROXY, mine))).toBeUndefined();
  });

  it("counts a Deployment's pods through the ReplicaSet the pod-template-hash names", () => {
    const rs = '{apiVersion: apps/v1, kind: ReplicaSet, name: coredns-6d8f7c9b5, uid: r, controller: true}';
    const coredns = one(`
apiVersion: v1
kind: Pod
metadata:
  name: coredns-6d8f7c9b5-x2x7p
  namespace: kube-system
  labels: {pod-template-hash: 6d8f7c9b5}
  ownerReferences: [${rs}]
spec: {containers: [{name: c, image: "mcr.microsoft.com/oss/v2/kubernetes/coredns:v1.11.3"}]}
`);
    expect(aksManagedReason(coredns)).toMatch(/of coredns in kube-system/);
  });
});

describe('aksManagedReason on cluster extensions', () => {
  const EXTENSION = `  labels: {app.kubernetes.io/managed-by: Helm, clusterconfig.azure.com/extension-name: flux}
  annotations: {meta.helm.sh/release-name: flux, meta.helm.sh/release-namespace: flux-system}
`;
  const deployment = (labels: string, image: string) => one(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: source-controller
  namespace: flux-system
${labels}spec: {template: {spec: {containers: [{name: manager, image: ${image}}]}}}
`);

  it("counts the extension manager's Helm releases running AKS images as AKS's", () => {
    expect(aksManagedReason(deployment(EXTENSION, 'mcr.microsoft.com/oss/fluxcd/source-controller:v1.4.1'))).toBe(
      "AKS-managed component (AKS cluster extension, clusterconfig.azure.com/extension-name=flux in flux-system, images from AKS's repositories on mcr.microsoft.com)",
    );
  });

  it('leaves Flux installed otherwise to the user: upstream images, or a Helm release without the extension label', () => {
    expect(aksManagedReason(deployment(EXTENSION, 'ghcr.io/fluxcd/source-controller:v1.4.1'))).toBeUndefined();
    expect(aksManagedReason(deployment('  labels: {app.kubernetes.io/managed-by: Helm}\n', 'mcr.microsoft.com/oss/fluxcd/source-controller:v1.4.1'))).toBeUndefined();
  });

  it("counts Flux's cluster-admin binding of its own controllers, and no binding that adds another subject", () => {
    const flux = '[{kind: ServiceAccount, name: kustomize-controller, namespace: flux-system}, {kind: ServiceAccount, name: helm-controller, namespace: flux-system}]';
    const labels = 'app.kubernetes.io/managed-by: Helm, clusterconfig.azure.com/extension-name: flux';
    expect(aksManagedReason(binding(labels, flux))).toMatch(/^AKS-managed component \(AKS cluster extension/);
    const more = flux.replace(']', ', {kind: ServiceAccount, name: default, namespace: shop}]');
    expect(aksManagedReason(binding(labels, more))).toBeUndefined();
    expect(aksManagedReason(binding('app.kubernetes.io/managed-by: Helm', flux))).toBeUndefined();
  });
});
