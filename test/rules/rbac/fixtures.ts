/** Small RBAC manifests for the rbac rule tests. `rules` and `subjects` are YAML flow sequences. */
export const clusterRole = (name: string, rules: string, extra = '') => `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: ${name} }
rules: ${rules}
${extra}`;

export const role = (namespace: string, name: string, rules: string) => `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: ${name}, namespace: ${namespace} }
rules: ${rules}
`;

export const clusterRoleBinding = (name: string, roleName: string, subjects: string, labels = '') => `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ${name}${labels ? `, labels: { ${labels} }` : ''} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${roleName} }
subjects: ${subjects}
`;

export const roleBinding = (namespace: string, name: string, roleKind: 'Role' | 'ClusterRole', roleName: string, subjects: string, labels = '') => `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: ${name}, namespace: ${namespace}${labels ? `, labels: { ${labels} }` : ''} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ${roleKind}, name: ${roleName} }
subjects: ${subjects}
`;

export const user = (name: string) => `{ kind: User, name: '${name}', apiGroup: rbac.authorization.k8s.io }`;
export const group = (name: string) => `{ kind: Group, name: '${name}', apiGroup: rbac.authorization.k8s.io }`;
export const sa = (namespace: string, name: string) => `{ kind: ServiceAccount, name: ${name}, namespace: ${namespace} }`;
