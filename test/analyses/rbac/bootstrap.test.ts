import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Inventory } from '../../../src/core/inventory.js';
import { PermissionIndex } from '../../../src/analyses/rbac/permission-index.js';
import { resourcesOf, who } from './fixture.js';

// The Kubernetes default RBAC policy; expectations below come from reading its roles and bindings.
const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus/rbac/bootstrap');
const present = existsSync(DIR);

const EXTRA = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shop-admins, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
subjects: [{kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shop-viewers, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: auditors}]
`;

function load(extra = ''): PermissionIndex {
  const resources = readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => resourcesOf(readFileSync(join(DIR, f), 'utf8'), f));
  return new PermissionIndex(new Inventory([...resources, ...resourcesOf(extra, 'extra.yaml')]));
}

const CONTROLLER = (name: string) => `ServiceAccount:kube-system/${name}@cluster`;

describe.skipIf(!present)('Kubernetes bootstrap policy', () => {
  const idx = present ? load() : undefined!;

  it('get secrets in kube-system', () => {
    expect(who(idx.whoCan({ verb: 'get', resource: 'secrets', namespace: 'kube-system' }))).toEqual([
      'Group:system:masters@cluster',
      // Roles in kube-system
      'ServiceAccount:kube-system/bootstrap-signer@kube-system',
      // `get` on */* (the garbage collector and namespace controller), kube-controller-manager's own get
      CONTROLLER('generic-garbage-collector'),
      CONTROLLER('namespace-controller'),
      'ServiceAccount:kube-system/token-cleaner@kube-system',
      'User:system:kube-controller-manager@cluster',
    ]);
    // system:node reads secrets too, but its ClusterRoleBinding has no subjects.
  });

  it('list secrets cluster-wide adds the list/watch */* holders', () => {
    expect(who(idx.whoCan({ verb: 'list', resource: 'secrets' })).filter((s) => s.endsWith('@cluster'))).toEqual([
      'Group:system:masters@cluster',
      CONTROLLER('generic-garbage-collector'),
      CONTROLLER('namespace-controller'),
      CONTROLLER('resourcequota-controller'),
      'User:system:kube-controller-manager@cluster',
    ]);
  });

  it('create pods/exec: only system:masters (edit and admin are not bound by default)', () => {
    expect(who(idx.whoCan({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'default' }))).toEqual(['Group:system:masters@cluster']);
  });

  it('create pods: system:masters and the pod-creating controllers', () => {
    expect(who(idx.whoCan({ verb: 'create', resource: 'pods', namespace: 'default' }))).toEqual([
      'Group:system:masters@cluster',
      ...['daemon-set-controller', 'job-controller', 'persistent-volume-binder', 'replicaset-controller', 'replication-controller', 'statefulset-controller'].map(CONTROLLER),
    ]);
  });

  it('impersonate users, groups and service accounts: only system:masters', () => {
    for (const q of [{ resource: 'users', name: 'alice' }, { resource: 'groups', name: 'system:masters' }, { resource: 'serviceaccounts', namespace: 'kube-system', name: 'default' }])
      expect(who(idx.whoCan({ verb: 'impersonate', ...q }))).toEqual(['Group:system:masters@cluster']);
  });

  it('escalate: clusterroles by the aggregation controller, roles by nobody else', () => {
    expect(who(idx.whoCan({ verb: 'escalate', resource: 'clusterroles' }))).toEqual(['Group:system:masters@cluster', CONTROLLER('clusterrole-aggregation-controller')]);
    expect(who(idx.whoCan({ verb: 'escalate', resource: 'roles', namespace: 'kube-system' }))).toEqual(['Group:system:masters@cluster']);
    expect(who(idx.whoCan({ verb: 'bind', resource: 'clusterroles' }))).toEqual(['Group:system:masters@cluster']);
  });

  it('get /healthz: discovery and public-info-viewer for everyone, anonymous included', () => {
    expect(who(idx.whoCan({ verb: 'get', nonResourceURL: '/healthz' }))).toEqual([
      'Group:system:authenticated@cluster',
      'Group:system:authenticated@cluster',
      'Group:system:masters@cluster',
      'Group:system:unauthenticated@cluster',
    ]);
    expect(idx.can({ kind: 'User', name: 'system:anonymous' }).map((h) => h.via.binding.name)).toEqual(['system:public-info-viewer']);
  });

  it('reports the binding to the missing podcheckpoint-controller role', () => {
    expect(idx.missingRoles.map((m) => `${m.binding.kind}/${m.binding.name} -> ${m.role.kind}/${m.role.name}`)).toEqual([
      'ClusterRoleBinding/system:controller:podcheckpoint-controller -> ClusterRole/system:controller:podcheckpoint-controller',
    ]);
  });

  it('admin and view expand through aggregation (view → edit → admin)', () => {
    const withUsers = load(EXTRA);
    const exec = withUsers.whoCan({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'shop' });
    expect(who(exec)).toEqual(['Group:system:masters@cluster', 'User:alice@shop']);
    expect(exec.find((g) => g.subject.name === 'alice')?.via).toMatchObject({ role: { kind: 'ClusterRole', name: 'admin' }, aggregatedFrom: 'system:aggregate-to-edit' });
    // admin's own addition, and view's rules reached through edit
    expect(who(withUsers.whoCan({ verb: 'create', resource: 'rolebindings', namespace: 'shop' }))).toContain('User:alice@shop');
    expect(who(withUsers.whoCan({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'shop' }))).toContain('User:alice@shop');
    expect(who(withUsers.whoCan({ verb: 'impersonate', resource: 'serviceaccounts', namespace: 'shop' }))).toContain('User:alice@shop');
    // view reads neither secrets nor anything outside its namespace
    expect(who(withUsers.whoCan({ verb: 'get', resource: 'secrets', namespace: 'shop' }))).not.toContain('Group:auditors@shop');
    expect(who(withUsers.whoCan({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'shop' }))).toContain('Group:auditors@shop');
    expect(who(withUsers.whoCan({ verb: 'get', resource: 'pods', namespace: 'other' }))).not.toContain('User:alice@shop');
  });
});
