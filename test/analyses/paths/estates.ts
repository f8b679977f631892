import { assignment, CLUSTER_ID, ROLES } from '../rbac/azure-fixtures.js';

/** The hand-built estates of the attack-path tests (and of the paths command's tests). */

/** A ContainerImage object as an image scan or an imported report puts it in the inventory. */
export function image(ref: string, vulns: string): string {
  return `---
apiVersion: palisade.io/v1
kind: ContainerImage
metadata: { name: ${JSON.stringify(ref)} }
ref: ${JSON.stringify(ref)}
source: palisade
vulnerabilities: ${vulns}
`;
}

export const CRITICAL_CVE = `
  - id: CVE-2026-1000
    aliases: []
    package: { name: openssl, version: 3.0.11-1, type: deb, ecosystem: "Debian:12" }
    fixedVersions: [3.0.13-1]
    severity: critical
    cvss: { version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", score: 9.8 }`;

export const WEB_IMAGE = 'registry.example.com/shop/web:1.0';

/** A public LoadBalancer in front of a privileged Deployment `name` running `image`. */
export const internetFacingWorkload = (workloadImage: string, name = 'web') => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: shop }
spec: { type: LoadBalancer, selector: { app: ${name} }, ports: [{ port: 443, targetPort: 8443 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: shop }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: ${workloadImage}
          securityContext: { privileged: true }
`;

/** internet → LoadBalancer → workload with a critical CVE → privileged container → node. */
export const internetFacingPrivileged = `${internetFacingWorkload(WEB_IMAGE)}${image(WEB_IMAGE, CRITICAL_CVE)}`;

/** a pod → service account that can create pods → service account that reads secrets in kube-system. */
export const podCreatorToSecretReader = `
apiVersion: v1
kind: ServiceAccount
metadata: { name: ci, namespace: build }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: backup, namespace: ops }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ci-runner, namespace: build }
spec:
  selector: { matchLabels: { app: ci-runner } }
  template:
    metadata: { labels: { app: ci-runner } }
    spec:
      serviceAccountName: ci
      containers: [{ name: runner, image: registry.example.com/build/runner:2.1 }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pod-creator, namespace: ops }
rules: [{ apiGroups: [""], resources: [pods], verbs: [create] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: ci-creates-pods, namespace: ops }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-creator }
subjects: [{ kind: ServiceAccount, name: ci, namespace: build }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: secret-reader }
rules: [{ apiGroups: [""], resources: [secrets], verbs: [get, list] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: backup-reads-secrets, namespace: kube-system }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader }
subjects: [{ kind: ServiceAccount, name: backup, namespace: ops }]
`;

export const GROUP = '11111111-1111-1111-1111-111111111111';
/** an Entra group → Azure RBAC Cluster Admin role assignment. */
export const groupClusterAdmin = assignment({ role: ROLES.clusterAdmin, scope: CLUSTER_ID, principalId: GROUP, principalType: 'Group', name: 'bbbbbbbb-0000-0000-0000-000000000001' });

/** Nothing leads anywhere: restricted load balancer, no token, no escapes, default deny, a harmless role. */
export const hardened = `
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { type: LoadBalancer, selector: { app: web }, loadBalancerSourceRanges: [203.0.113.0/24], ports: [{ port: 443, targetPort: 8443 }] }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: shop }
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      serviceAccountName: web
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: app
          image: ${WEB_IMAGE}
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: config-reader, namespace: shop }
rules: [{ apiGroups: [""], resources: [configmaps], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: web-reads-config, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: config-reader }
subjects: [{ kind: ServiceAccount, name: web, namespace: shop }]
${image(WEB_IMAGE, '[]')}`;
