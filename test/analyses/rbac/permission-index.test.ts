import { describe, expect, it } from 'vitest';
import { grantedPart, grantedParts, identityOf, parseSubject, type Grant } from '../../../src/analyses/rbac/permission-index.js';
import { indexOf, who } from './fixture.js';

const RBAC = 'rbac.authorization.k8s.io/v1';

function clusterRole(name: string, rules: string, extra = ''): string {
  return `---\napiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: ${name}\n${extra}rules:\n${rules}\n`;
}
function crb(name: string, role: string, subjects: string, roleKind = 'ClusterRole'): string {
  return `---\napiVersion: ${RBAC}\nkind: ClusterRoleBinding\nmetadata:\n  name: ${name}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${roleKind}\n  name: ${role}\nsubjects:\n${subjects}\n`;
}
function rb(ns: string, name: string, roleKind: string, role: string, subjects: string): string {
  return `---\napiVersion: ${RBAC}\nkind: RoleBinding\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${roleKind}\n  name: ${role}\nsubjects:\n${subjects}\n`;
}
const user = (n: string) => `- kind: User\n  name: ${n}`;
const group = (n: string) => `- kind: Group\n  name: ${n}`;
/** One ClusterRole with one rule, bound cluster-wide to User u. */
function single(rule: string): string {
  return clusterRole('r', rule) + crb('b', 'r', user('u'));
}

describe('verbs', () => {
  it('matches the exact verb and *, nothing else', () => {
    const idx = indexOf(single(`- apiGroups: [""]\n  resources: [pods]\n  verbs: [get]`));
    expect(who(idx.whoCan({ verb: 'get', resource: 'pods' }))).toEqual(['User:u@cluster']);
    expect(idx.whoCan({ verb: 'list', resource: 'pods' })).toEqual([]);
    expect(idx.whoCan({ verb: 'GET', resource: 'pods' })).toEqual([]);
    const star = indexOf(single(`- apiGroups: [""]\n  resources: [pods]\n  verbs: ["*"]`));
    for (const verb of ['get', 'delete', 'escalate', 'deletecollection']) expect(who(star.whoCan({ verb, resource: 'pods' }))).toEqual(['User:u@cluster']);
  });

  it('treats escalate, bind, impersonate, approve, sign and use as ordinary verbs', () => {
    const idx = indexOf(
      single(`- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles]\n  verbs: [escalate, bind]
- apiGroups: [""]\n  resources: [users, groups, serviceaccounts]\n  verbs: [impersonate]
- apiGroups: [certificates.k8s.io]\n  resources: [certificatesigningrequests/approval]\n  verbs: [update]
- apiGroups: [certificates.k8s.io]\n  resources: [signers]\n  resourceNames: [kubernetes.io/kube-apiserver-client]\n  verbs: [approve, sign]
- apiGroups: [policy]\n  resources: [podsecuritypolicies]\n  verbs: [use]`),
    );
    expect(who(idx.whoCan({ verb: 'escalate', resource: 'clusterroles' }))).toEqual(['User:u@cluster']);
    expect(who(idx.whoCan({ verb: 'bind', resource: 'clusterroles' }))).toEqual(['User:u@cluster']);
    expect(idx.whoCan({ verb: 'escalate', resource: 'roles' })).toEqual([]);
    expect(who(idx.whoCan({ verb: 'impersonate', resource: 'users', name: 'alice' }))).toEqual(['User:u@cluster']);
    expect(who(idx.whoCan({ verb: 'impersonate', resource: 'serviceaccounts', namespace: 'ns' }))).toEqual(['User:u@cluster']);
    expect(who(idx.whoCan({ verb: 'approve', resource: 'signers', name: 'kubernetes.io/kube-apiserver-client' }))).toEqual(['User:u@cluster']);
    expect(idx.whoCan({ verb: 'sign', resource: 'signers', name: 'kubernetes.io/legacy-unknown' })).toEqual([]);
    expect(who(idx.whoCan({ verb: 'use', resource: 'podsecuritypolicies', apiGroup: 'policy' }))).toEqual(['User:u@cluster']);
    expect(idx.whoCan({ verb: 'get', resource: 'users' })).toEqual([]);
  });
});

describe('API groups', () => {
  const idx = indexOf(single(`- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get]\n- apiGroups: [""]\n  resources: [secrets]\n  verbs: [get]`));
  it('resolves the group of a known resource and matches it exactly', () => {
    expect(who(idx.whoCan({ verb: 'get', resource: 'deployments' }))).toEqual(['User:u@cluster']);
    expect(who(idx.whoCan({ verb: 'get', resource: 'deployments', apiGroup: 'apps' }))).toEqual(['User:u@cluster']);
    expect(idx.whoCan({ verb: 'get', resource: 'deployments', apiGroup: 'extensions' })).toEqual([]);
    expect(idx.whoCan({ verb: 'get', resource: 'secrets', apiGroup: 'apps' })).toEqual([]);
  });
  it('* matches every group, and an unknown resource is matched in any group', () => {
    const star = indexOf(single(`- apiGroups: ["*"]\n  resources: [widgets, secrets]\n  verbs: [get]`));
    expect(who(star.whoCan({ verb: 'get', resource: 'secrets' }))).toEqual(['User:u@cluster']);
    expect(who(star.whoCan({ verb: 'get', resource: 'widgets', apiGroup: 'example.com' }))).toEqual(['User:u@cluster']);
    const unknown = indexOf(single(`- apiGroups: [example.com]\n  resources: [widgets]\n  verbs: [get]`));
    expect(who(unknown.whoCan({ verb: 'get', resource: 'widgets' }))).toEqual(['User:u@cluster']);
    expect(unknown.whoCan({ verb: 'get', resource: 'widgets', apiGroup: 'other.io' })).toEqual([]);
  });
});

describe('resources and subresources', () => {
  it('a resource does not cover its subresources, nor the reverse', () => {
    const idx = indexOf(single(`- apiGroups: [""]\n  resources: [pods]\n  verbs: [create]\n- apiGroups: [""]\n  resources: [nodes/proxy]\n  verbs: [get]`));
    expect(who(idx.whoCan({ verb: 'create', resource: 'pods' }))).toEqual(['User:u@cluster']);
    expect(idx.whoCan({ verb: 'create', resource: 'pods', subresource: 'exec' })).toEqual([]);
    expect(who(idx.whoCan({ verb: 'get', resource: 'nodes', subresource: 'proxy' }))).toEqual(['User:u@cluster']);
    expect(idx.whoCan({ verb: 'get', resource: 'nodes' })).toEqual([]);
  });
  it('* covers every resource and subresource', () => {
    const idx = indexOf(single(`- apiGroups: ["*"]\n  resources: ["*"]\n  verbs: [create]`));
    expect(who(idx.whoCan({ verb: 'create', resource: 'pods', subresource: 'exec' }))).toEqual(['User:u@cluster']);
    expect(who(idx.whoCan({ verb: 'create', resource: 'pods' }))).toEqual(['User:u@cluster']);
  });
  it('*/scale covers the scale subresource of any resource only', () => {
    const idx = indexOf(single(`- apiGroups: ["*"]\n  resources: ["*/scale"]\n  verbs: [update]`));
    expect(who(idx.whoCan({ verb: 'update', resource: 'deployments', subresource: 'scale' }))).toEqual(['User:u@cluster']);
    expect(idx.whoCan({ verb: 'update', resource: 'deployments' })).toEqual([]);
    expect(idx.whoCan({ verb: 'update', resource: 'deployments', subresource: 'status' })).toEqual([]);
  });
  it('pods/* is literal for the authorizer and grants no subresource', () => {
    const idx = indexOf(single(`- apiGroups: [""]\n  resources: ["pods/*"]\n  verbs: [create]`));
    expect(idx.whoCan({ verb: 'create', resource: 'pods', subresource: 'exec' })).toEqual([]);
    expect(idx.whoCan({ verb: 'create', resource: 'pods' })).toEqual([]);
  });
});

describe('resourceNames', () => {
  const idx = indexOf(single(`- apiGroups: [""]\n  resources: [secrets]\n  resourceNames: [tls, db]\n  verbs: [get, list]`));
  it('allows only requests for a listed name', () => {
    expect(who(idx.whoCan({ verb: 'get', resource: 'secrets', name: 'db' }))).toEqual(['User:u@cluster']);
    expect(idx.whoCan({ verb: 'get', resource: 'secrets', name: 'other' })).toEqual([]);
  });
  it('never allows a request without a name (list, or a query without --name)', () => {
    expect(idx.whoCan({ verb: 'list', resource: 'secrets' })).toEqual([]);
    expect(idx.whoCan({ verb: 'get', resource: 'secrets' })).toEqual([]);
  });
});

describe('non-resource URLs', () => {
  const idx = indexOf(
    clusterRole('r', `- nonResourceURLs: [/healthz, /api/*, /metrics]\n  verbs: [get]`) +
      crb('b', 'r', user('u')) +
      rb('ns', 'nsb', 'ClusterRole', 'r', user('v')) +
      clusterRole('all', `- nonResourceURLs: ["*"]\n  verbs: ["*"]`) +
      crb('ball', 'all', group('admins')),
  );
  it('matches exact URLs and trailing-* prefixes', () => {
    expect(who(idx.whoCan({ verb: 'get', nonResourceURL: '/healthz' }))).toEqual(['Group:admins@cluster', 'User:u@cluster']);
    expect(who(idx.whoCan({ verb: 'get', nonResourceURL: '/api/v1' }))).toEqual(['Group:admins@cluster', 'User:u@cluster']);
    expect(who(idx.whoCan({ verb: 'get', nonResourceURL: '/api/' }))).toEqual(['Group:admins@cluster', 'User:u@cluster']);
    expect(who(idx.whoCan({ verb: 'get', nonResourceURL: '/apis' }))).toEqual(['Group:admins@cluster']);
    expect(who(idx.whoCan({ verb: 'get', nonResourceURL: '/healthz/etcd' }))).toEqual(['Group:admins@cluster']);
    expect(who(idx.whoCan({ verb: 'post', nonResourceURL: '/metrics' }))).toEqual(['Group:admins@cluster']);
  });
  it('is granted only through ClusterRoleBindings', () => {
    expect(who(idx.whoCan({ verb: 'get', nonResourceURL: '/metrics' })).some((s) => s.startsWith('User:v'))).toBe(false);
  });
  it('is not a resource rule', () => {
    expect(who(idx.whoCan({ verb: 'get', resource: 'pods' }))).toEqual([]);
  });
});

describe('binding scope', () => {
  const yaml =
    clusterRole('reader', `- apiGroups: [""]\n  resources: [secrets, nodes, namespaces]\n  verbs: [get]`) +
    rb('shop', 'shop-read', 'ClusterRole', 'reader', user('ann')) +
    crb('all-read', 'reader', user('root')) +
    `---\napiVersion: ${RBAC}\nkind: Role\nmetadata:\n  name: local\n  namespace: shop\nrules:\n- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]\n` +
    rb('shop', 'shop-local', 'Role', 'local', user('bob'));
  const idx = indexOf(yaml);
  it('a RoleBinding to a ClusterRole grants only in its namespace', () => {
    expect(who(idx.whoCan({ verb: 'get', resource: 'secrets', namespace: 'shop' }))).toEqual(['User:ann@shop', 'User:root@cluster']);
    expect(who(idx.whoCan({ verb: 'get', resource: 'secrets', namespace: 'kube-system' }))).toEqual(['User:root@cluster']);
  });
  it('without a namespace, every grant with its scope', () => {
    expect(who(idx.whoCan({ verb: 'get', resource: 'secrets' }))).toEqual(['User:ann@shop', 'User:root@cluster']);
    expect(who(idx.whoCan({ verb: 'get', resource: 'configmaps' }))).toEqual(['User:bob@shop']);
    expect(idx.whoCan({ verb: 'get', resource: 'configmaps', namespace: 'other' })).toEqual([]);
  });
  it('a RoleBinding grants nothing on cluster-scoped resources, except its own namespace object', () => {
    expect(who(idx.whoCan({ verb: 'get', resource: 'nodes' }))).toEqual(['User:root@cluster']);
    expect(who(idx.whoCan({ verb: 'get', resource: 'nodes', namespace: 'shop' }))).toEqual(['User:root@cluster']);
    expect(who(idx.whoCan({ verb: 'get', resource: 'namespaces', name: 'shop' }))).toEqual(['User:ann@shop', 'User:root@cluster']);
    expect(who(idx.whoCan({ verb: 'get', resource: 'namespaces', name: 'other' }))).toEqual(['User:root@cluster']);
  });
  it('a RoleBinding grants bind on ClusterRoles for bindings in its own namespace', () => {
    const GROUP = 'rbac.authorization.k8s.io';
    const binder = indexOf(
      clusterRole('binder', `- apiGroups: [${GROUP}]\n  resources: [clusterroles]\n  verbs: [bind]`) + rb('shop', 'shop-binder', 'ClusterRole', 'binder', user('cat')),
    );
    expect(who(binder.whoCan({ verb: 'bind', resource: 'clusterroles', apiGroup: GROUP, namespace: 'shop', name: 'admin' }))).toEqual(['User:cat@shop']);
    expect(binder.whoCan({ verb: 'bind', resource: 'clusterroles', apiGroup: GROUP, namespace: 'other', name: 'admin' })).toEqual([]);
    // Binding with a ClusterRoleBinding is a cluster-wide request: not granted.
    expect(binder.whoCan({ verb: 'bind', resource: 'clusterroles', apiGroup: GROUP, name: 'admin' }).filter((g) => g.scope === 'cluster')).toEqual([]);
    // Asked about every namespace, the RoleBinding grants it in its own.
    expect(binder.whoCan({ verb: 'bind', resource: 'clusterroles', apiGroup: GROUP, name: 'admin' }).map((g) => `${g.subject.name}@${g.scope}`)).toEqual(['cat@shop']);
  });
  it('names the binding, the role and the rule', () => {
    const [g] = idx.whoCan({ verb: 'get', resource: 'configmaps' });
    expect(g).toEqual({ subject: { kind: 'User', name: 'bob' }, scope: 'shop', via: { binding: { kind: 'RoleBinding', namespace: 'shop', name: 'shop-local' }, role: { kind: 'Role', name: 'local' }, ruleIndex: 0 } });
  });
  it('uses the scope of a CustomResourceDefinition in the input', () => {
    const crd = `---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.example.com\nspec:\n  group: example.com\n  scope: Cluster\n  names:\n    plural: gadgets\n    kind: Gadget\n`;
    const g = indexOf(crd + clusterRole('g', `- apiGroups: [example.com]\n  resources: [gadgets]\n  verbs: [get]`) + rb('shop', 'x', 'ClusterRole', 'g', user('ann')) + crb('y', 'g', user('root')));
    expect(who(g.whoCan({ verb: 'get', resource: 'gadgets' }))).toEqual(['User:root@cluster']);
  });
});

describe('subjects', () => {
  const yaml =
    clusterRole('r', `- apiGroups: [""]\n  resources: [pods]\n  verbs: [list]`) +
    rb('shop', 'sa-local', 'ClusterRole', 'r', `- kind: ServiceAccount\n  name: builder`) +
    rb('shop', 'sa-remote', 'ClusterRole', 'r', `- kind: ServiceAccount\n  name: deployer\n  namespace: ci`) +
    crb('sa-no-ns', 'r', `- kind: ServiceAccount\n  name: ghost`) +
    crb('sa-as-user', 'r', user('system:serviceaccount:ops:bot'));
  const idx = indexOf(yaml);
  it('a ServiceAccount without namespace in a RoleBinding is in the binding namespace', () => {
    expect(who(idx.whoCan({ verb: 'list', resource: 'pods', namespace: 'shop' }))).toEqual(['ServiceAccount:ci/deployer@shop', 'ServiceAccount:shop/builder@shop', 'User:system:serviceaccount:ops:bot@cluster']);
    expect(idx.can({ kind: 'ServiceAccount', namespace: 'shop', name: 'builder' }).map((h) => h.via.binding.name)).toEqual(['sa-local']);
  });
  it('a ServiceAccount without namespace in a ClusterRoleBinding matches nobody', () => {
    expect(idx.can({ kind: 'ServiceAccount', namespace: 'default', name: 'ghost' })).toEqual([]);
  });
  it('a User subject spelled as a service account user name is that service account', () => {
    expect(idx.can({ kind: 'ServiceAccount', namespace: 'ops', name: 'bot' }).map((h) => h.via.binding.name)).toEqual(['sa-as-user']);
    expect(idx.can({ kind: 'User', name: 'system:serviceaccount:ci:deployer' }).map((h) => h.via.binding.name)).toEqual(['sa-remote']);
  });
});

describe('implicit groups', () => {
  const yaml =
    clusterRole('r', `- apiGroups: [""]\n  resources: [pods]\n  verbs: [get]`) +
    crb('authn', 'r', group('system:authenticated')) +
    crb('unauthn', 'r', group('system:unauthenticated')) +
    crb('all-sa', 'r', group('system:serviceaccounts')) +
    crb('shop-sa', 'r', group('system:serviceaccounts:shop')) +
    crb('alice', 'r', user('alice')) +
    crb('devs', 'r', group('devs'));
  const idx = indexOf(yaml);
  const via = (holds: ReturnType<typeof idx.can>) => holds.map((h) => h.via.binding.name).sort();
  it('a user is in system:authenticated, not system:unauthenticated', () => {
    expect(via(idx.can({ kind: 'User', name: 'alice' }))).toEqual(['alice', 'authn']);
    expect(via(idx.can({ kind: 'User', name: 'carol' }))).toEqual(['authn']);
  });
  it('system:anonymous is in system:unauthenticated only', () => {
    expect(via(idx.can({ kind: 'User', name: 'system:anonymous' }))).toEqual(['unauthn']);
  });
  it('a service account is in system:serviceaccounts, system:serviceaccounts:NS and system:authenticated', () => {
    expect(via(idx.can({ kind: 'ServiceAccount', namespace: 'shop', name: 'web' }))).toEqual(['all-sa', 'authn', 'shop-sa']);
    expect(via(idx.can({ kind: 'ServiceAccount', namespace: 'other', name: 'web' }))).toEqual(['all-sa', 'authn']);
  });
  it('a group holds what is bound to it', () => {
    expect(via(idx.can({ kind: 'Group', name: 'devs' }))).toEqual(['devs']);
    const [h] = idx.can({ kind: 'ServiceAccount', namespace: 'shop', name: 'web' });
    expect(h?.through).toEqual({ kind: 'Group', name: 'system:authenticated' });
  });
  it('who-can names the groups as bound', () => {
    expect(who(idx.whoCan({ verb: 'get', resource: 'pods', namespace: 'shop' }))).toEqual([
      'Group:devs@cluster', 'Group:system:authenticated@cluster', 'Group:system:serviceaccounts:shop@cluster', 'Group:system:serviceaccounts@cluster', 'Group:system:unauthenticated@cluster', 'User:alice@cluster',
    ]);
  });
  it('identityOf', () => {
    expect(identityOf({ kind: 'User', name: 'system:serviceaccount:a:b' })).toEqual({ user: 'system:serviceaccount:a:b', groups: ['system:serviceaccounts', 'system:serviceaccounts:a', 'system:authenticated'] });
  });
});

describe('aggregated ClusterRoles', () => {
  const labelled = (name: string, label: string, rule: string) => clusterRole(name, rule, `  labels:\n    ${label}: "true"\n`);
  const yaml =
    `---\napiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: top\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels:\n      agg/top: "true"\nrules:\n- apiGroups: [""]\n  resources: [nodes]\n  verbs: [delete]\n` +
    `---\napiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: middle\n  labels:\n    agg/top: "true"\naggregationRule:\n  clusterRoleSelectors:\n  - matchExpressions:\n    - {key: agg/middle, operator: Exists}\n` +
    labelled('piece-a', 'agg/middle', `- apiGroups: [""]\n  resources: [secrets]\n  verbs: [get]`) +
    labelled('piece-b', 'agg/top', `- apiGroups: [""]\n  resources: [pods]\n  verbs: [create]`) +
    clusterRole('unlabelled', `- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]`) +
    crb('b', 'top', user('u'));
  const idx = indexOf(yaml);
  it('unions the rules of the selected roles, through chains', () => {
    const g = idx.whoCan({ verb: 'get', resource: 'secrets' });
    expect(who(g)).toEqual(['User:u@cluster']);
    expect(g[0]?.via.role).toEqual({ kind: 'ClusterRole', name: 'top' });
    expect(g[0]?.via.aggregatedFrom).toBe('piece-a');
    expect(who(idx.whoCan({ verb: 'create', resource: 'pods' }))).toEqual(['User:u@cluster']);
  });
  it('ignores unselected roles, and keeps the aggregated role\'s own rules beside what it gathers', () => {
    expect(idx.whoCan({ verb: 'get', resource: 'configmaps' })).toEqual([]);
    // An exported aggregated role's rules hold what the controller gathered from roles the input may lack.
    const own = idx.whoCan({ verb: 'delete', resource: 'nodes' });
    expect(who(own)).toEqual(['User:u@cluster']);
    expect(own[0]?.via.aggregatedFrom).toBeUndefined();
    expect(idx.can({ kind: 'User', name: 'u' })).toHaveLength(3);
  });

  it('gives the same rules whatever the order of the documents, through a chain of aggregated roles', () => {
    const chain = [
      `---\napiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: platform-admin\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {agg/platform-admin: "true"}\nrules:\n- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]\n`,
      `---\napiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: platform-ops\n  labels: {agg/platform-admin: "true"}\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {agg/platform-ops: "true"}\nrules:\n- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]\n`,
      labelled('ops-secrets', 'agg/platform-ops', `- apiGroups: [""]\n  resources: [secrets]\n  verbs: [get, list]`),
      crb('platform-admins', 'platform-admin', group('platform')),
    ];
    // Each source has as many rules as the role gathering it held, so a count of rules does not change between rounds.
    for (const order of [[0, 1, 2, 3], [1, 2, 0, 3], [2, 1, 0, 3]]) {
      const ordered = indexOf(order.map((i) => chain[i]).join(''));
      const g = ordered.whoCan({ verb: 'list', resource: 'secrets' });
      expect(who(g), order.join(',')).toEqual(['Group:platform@cluster']);
      expect(g[0]?.via.aggregatedFrom).toBe('ops-secrets');
      expect(ordered.clusterRoleRules('platform-admin')?.map((r) => r.resources.join(','))).toEqual(['configmaps', 'secrets']);
    }
  });

  it('ends on aggregation cycles, each role holding the union', () => {
    const cycle =
      `---\napiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: a\n  labels: {agg/b: "true"}\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {agg/a: "true"}\nrules:\n- apiGroups: [""]\n  resources: [pods]\n  verbs: [get]\n` +
      `---\napiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: b\n  labels: {agg/a: "true"}\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {agg/b: "true"}\nrules:\n- apiGroups: [""]\n  resources: [secrets]\n  verbs: [get]\n`;
    const cyclic = indexOf(cycle);
    expect(cyclic.clusterRoleRules('a')?.map((r) => r.resources[0])).toEqual(['pods', 'secrets']);
    expect(cyclic.clusterRoleRules('b')?.map((r) => r.resources[0])).toEqual(['secrets', 'pods']);
  });
});

describe('aggregation from the default ClusterRoles the input does not define', () => {
  const admins = rb('shop', 'team-admins', 'ClusterRole', 'ns-admin-plus', group('team'));
  const selecting = (selectors: string) => `---\napiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: ns-admin-plus\naggregationRule:\n  clusterRoleSelectors:\n${selectors}\nrules: []\n`;

  it('a role selecting aggregate-to-admin gathers edit and what edit gathers (view)', () => {
    const idx = indexOf(selecting('  - matchLabels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}') + admins);
    const g = idx.whoCan({ verb: 'get', resource: 'secrets', namespace: 'shop' });
    expect(who(g)).toEqual(['Group:team@shop']);
    expect(g[0]?.via).toMatchObject({ role: { kind: 'ClusterRole', name: 'ns-admin-plus' }, aggregatedFrom: 'edit' });
    expect(who(idx.whoCan({ verb: 'list', resource: 'deployments', namespace: 'shop' }))).toEqual(['Group:team@shop']);
    expect(idx.missingRoles).toEqual([]);
  });

  it('an exported admin keeps its own rules and adds those of the roles labelled for it', () => {
    const exported =
      `---\napiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: admin\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}\nrules:\n- apiGroups: [""]\n  resources: [secrets]\n  verbs: [get, list]\n- apiGroups: [""]\n  resources: [pods/exec]\n  verbs: [create]\n` +
      clusterRole('certmanager-edit', `- apiGroups: [cert-manager.io]\n  resources: [certificates]\n  verbs: [create]`, '  labels:\n    rbac.authorization.k8s.io/aggregate-to-admin: "true"\n') +
      rb('shop', 'shop-admins', 'ClusterRole', 'admin', group('admins'));
    const idx = indexOf(exported);
    expect(idx.whoCan({ verb: 'get', resource: 'secrets', namespace: 'shop' })[0]?.via).toEqual({ binding: { kind: 'RoleBinding', namespace: 'shop', name: 'shop-admins' }, role: { kind: 'ClusterRole', name: 'admin' }, ruleIndex: 0 });
    // Its own rule, and edit's (a default role labelled aggregate-to-admin).
    expect(idx.whoCan({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'shop' }).map((g) => g.via.aggregatedFrom)).toEqual([undefined, 'edit']);
    expect(idx.whoCan({ verb: 'create', resource: 'certificates', apiGroup: 'cert-manager.io', namespace: 'shop' })[0]?.via.aggregatedFrom).toBe('certmanager-edit');
  });

  it('an empty selector gathers every ClusterRole, the default ones included', () => {
    const idx = indexOf(selecting('  - {}') + clusterRole('some-reader', `- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]`) + crb('everything', 'ns-admin-plus', user('ci')));
    const from = (g: Grant[]) => [...new Set(g.map((x) => x.via.aggregatedFrom))];
    expect(from(idx.whoCan({ verb: 'get', resource: 'configmaps' }))).toContain('some-reader');
    expect(from(idx.whoCan({ verb: 'get', resource: 'secrets' }))).toEqual(expect.arrayContaining(['admin', 'cluster-admin']));
    expect(from(idx.whoCan({ verb: 'get', nonResourceURL: '/metrics' }))).toContain('cluster-admin');
  });

  it('takes a default role the input defines from the input, labels and all', () => {
    const ownEdit = clusterRole('edit', `- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]`);
    const idx = indexOf(selecting('  - matchLabels: {rbac.authorization.k8s.io/aggregate-to-admin: "true"}') + ownEdit + admins);
    // The input's edit is not labelled aggregate-to-admin, and the default edit is not there to stand in for it.
    expect(idx.whoCan({ verb: 'get', resource: 'secrets', namespace: 'shop' })).toEqual([]);
    expect(idx.clusterRoleRules('edit')?.map((r) => r.resources.join(','))).toEqual(['configmaps']);
  });
});

describe('aggregation into the built-in roles the input binds without defining', () => {
  // An add-on's role aggregated into view: the aggregation controller adds it to view, and view is
  // itself aggregated into edit and admin.
  const addOn = `---\napiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: vault-secrets-view\n  labels:\n    rbac.authorization.k8s.io/aggregate-to-view: "true"\nrules:\n- apiGroups: [""]\n  resources: [secrets]\n  verbs: [get, list, watch]\n`;
  it('adds what add-ons aggregate into view to view, edit and admin', () => {
    const idx = indexOf(addOn + rb('payments', 'readers', 'ClusterRole', 'view', group('payments-readers')) + rb('shop', 'admins', 'ClusterRole', 'admin', group('shop-admins')));
    const g = idx.whoCan({ verb: 'get', resource: 'secrets', namespace: 'payments' });
    expect(who(g)).toEqual(['Group:payments-readers@payments']);
    expect(g[0]?.via).toMatchObject({ role: { kind: 'ClusterRole', name: 'view', builtin: true }, aggregatedFrom: 'vault-secrets-view' });
    // admin reads Secrets by itself too: the add-on's rule is one more way.
    expect(idx.whoCan({ verb: 'list', resource: 'secrets', namespace: 'shop' }).map((x) => x.via.aggregatedFrom)).toContain('vault-secrets-view');
  });

  it('keeps the rules an exported aggregated role holds when none of its sources is in the scan', () => {
    const exported = `---\napiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: monitoring\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels:\n      example.com/aggregate-to-monitoring: "true"\nrules:\n- apiGroups: [""]\n  resources: [secrets]\n  verbs: [get]\n`;
    expect(who(indexOf(exported + crb('mon', 'monitoring', user('prom'))).whoCan({ verb: 'get', resource: 'secrets' }))).toEqual(['User:prom@cluster']);
  });
});

describe('missing roles', () => {
  const idx = indexOf(
    clusterRole('present', `- apiGroups: [""]\n  resources: [pods]\n  verbs: [get]`) +
      rb('shop', 'to-missing-role', 'Role', 'gone', user('a')) +
      crb('to-missing-cr', 'gone', user('a')) +
      crb('cr-to-role', 'present', user('a'), 'Role') +
      `---\napiVersion: ${RBAC}\nkind: Role\nmetadata:\n  name: elsewhere\n  namespace: other\nrules: []\n` +
      rb('shop', 'role-other-ns', 'Role', 'elsewhere', user('a')) +
      rb('shop', 'ok', 'ClusterRole', 'present', user('a')),
  );
  it('lists every binding whose role is absent, and grants nothing through it', () => {
    expect(idx.missingRoles.map((m) => [m.binding.name, m.role.kind, m.role.name, m.role.namespace])).toEqual([
      ['to-missing-cr', 'ClusterRole', 'gone', undefined],
      ['cr-to-role', 'Role', 'present', undefined],
      ['to-missing-role', 'Role', 'gone', 'shop'],
      ['role-other-ns', 'Role', 'elsewhere', 'shop'],
    ]);
    expect(who(idx.whoCan({ verb: 'get', resource: 'pods' }))).toEqual(['User:a@shop']);
  });
});

describe('odd shapes', () => {
  it('never throws on malformed rules, subjects or roleRefs', () => {
    const yaml = `apiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: r\nrules: "nope"\n---\napiVersion: ${RBAC}\nkind: ClusterRole\nmetadata:\n  name: r2\nrules:\n- 5\n- verbs: get\n  resources: [pods]\n---\napiVersion: ${RBAC}\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef: 7\nsubjects: {kind: User}\n---\napiVersion: ${RBAC}\nkind: ClusterRoleBinding\nmetadata:\n  name: c\nroleRef: {kind: ClusterRole, name: r2}\nsubjects: [3, {kind: Robot, name: x}, {kind: User}]\n---\napiVersion: example.com/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: foreign\nroleRef: {kind: ClusterRole, name: r}\nsubjects: [{kind: User, name: z}]\n`;
    const idx = indexOf(yaml);
    expect(idx.whoCan({ verb: 'get', resource: 'pods' })).toEqual([]);
    expect(idx.missingRoles.map((m) => m.binding.name)).toEqual(['b']);
    expect(idx.bindingCount).toBe(0);
  });
});

describe('parseSubject', () => {
  it('reads the four spellings and refuses the rest', () => {
    expect(parseSubject('User:alice')).toEqual({ kind: 'User', name: 'alice' });
    expect(parseSubject('Group:system:masters')).toEqual({ kind: 'Group', name: 'system:masters' });
    expect(parseSubject('ServiceAccount:kube-system/default')).toEqual({ kind: 'ServiceAccount', namespace: 'kube-system', name: 'default' });
    expect(parseSubject('system:serviceaccount:ci:bot')).toEqual({ kind: 'ServiceAccount', namespace: 'ci', name: 'bot' });
    expect(parseSubject('User:system:serviceaccount:ci:bot')).toEqual({ kind: 'ServiceAccount', namespace: 'ci', name: 'bot' });
    for (const bad of ['alice', 'Robot:x', 'User:', 'ServiceAccount:x', 'ServiceAccount:a/b/c', 'system:serviceaccount:a']) expect(parseSubject(bad)).toBeUndefined();
  });
});

describe('default ClusterRoles the input binds without defining', () => {
  const idx = indexOf(
    rb('shop', 'devs-edit', 'ClusterRole', 'edit', group('devs')) +
      rb('shop', 'support-view', 'ClusterRole', 'view', group('support')) +
      rb('shop', 'leads-admin', 'ClusterRole', 'admin', group('leads')) +
      crb('root', 'cluster-admin', user('root')) +
      rb('shop', 'ghost', 'ClusterRole', 'no-such-role', user('ghost')),
  );
  it('uses their bootstrap rules: edit reads Secrets and execs, view does neither', () => {
    expect(who(idx.whoCan({ verb: 'get', resource: 'secrets', namespace: 'shop' }))).toEqual(['Group:devs@shop', 'Group:leads@shop', 'User:root@cluster']);
    expect(who(idx.whoCan({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'shop' }))).toEqual(['Group:devs@shop', 'Group:leads@shop', 'User:root@cluster']);
    expect(who(idx.whoCan({ verb: 'list', resource: 'deployments', namespace: 'shop' }))).toEqual(['Group:devs@shop', 'Group:leads@shop', 'Group:support@shop', 'User:root@cluster']);
  });
  it('admin alone manages RoleBindings; cluster-admin reaches non-resource URLs', () => {
    expect(who(idx.whoCan({ verb: 'create', resource: 'rolebindings', apiGroup: 'rbac.authorization.k8s.io', namespace: 'shop' }))).toEqual(['Group:leads@shop', 'User:root@cluster']);
    expect(who(idx.whoCan({ verb: 'get', nonResourceURL: '/metrics' }))).toEqual(['User:root@cluster']);
  });
  it('marks them as defaults and reports only roles it does not know as missing', () => {
    expect(idx.whoCan({ verb: 'get', resource: 'secrets', namespace: 'shop' }).map((g) => g.via.role)).toEqual([
      { kind: 'ClusterRole', name: 'cluster-admin', builtin: true },
      { kind: 'ClusterRole', name: 'edit', builtin: true },
      { kind: 'ClusterRole', name: 'admin', builtin: true },
    ]);
    expect(idx.missingRoles.map((m) => m.role.name)).toEqual(['no-such-role']);
  });
});

describe('can: what a RoleBinding cannot grant', () => {
  // One ClusterRole, bound in shop and cluster-wide: the same rules grant differently.
  const role = clusterRole(
    'mixed',
    [
      `- nonResourceURLs: ["/logs/*"]\n  verbs: [get]`,
      `- apiGroups: [""]\n  resources: [nodes]\n  verbs: [get]`,
      `- apiGroups: [""]\n  resources: [pods, nodes/proxy, namespaces]\n  verbs: [get]`,
      `- apiGroups: ["example.com"]\n  resources: [nodes]\n  verbs: [get]`,
      `- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles]\n  verbs: [bind]`,
    ].join('\n'),
  );
  const idx = indexOf(role + rb('shop', 'local', 'ClusterRole', 'mixed', user('alice')) + crb('everywhere', 'mixed', user('bob')));

  it('marks cluster-scoped resources and non-resource URLs bound by a RoleBinding, as the authorizer ignores them', () => {
    expect(idx.can({ kind: 'User', name: 'alice' }).map((h) => h.notGranted)).toEqual([
      { resources: [], nonResourceURLs: ['/logs/*'] },
      { resources: ['nodes'], nonResourceURLs: [] },
      // The namespace object itself is requested in its namespace.
      { resources: ['nodes/proxy'], nonResourceURLs: [] },
      // nodes of another group is not the built-in cluster-scoped resource.
      undefined,
      // Creating a RoleBinding to a ClusterRole asks `bind clusterroles` in the binding's namespace.
      undefined,
    ]);
    // What the marks say agrees with the queries.
    expect(who(idx.whoCan({ verb: 'get', nonResourceURL: '/logs/kube.log' }))).toEqual(['User:bob@cluster']);
    expect(who(idx.whoCan({ verb: 'get', resource: 'nodes' }))).toEqual(['User:bob@cluster']);
    expect(who(idx.whoCan({ verb: 'get', resource: 'namespaces', name: 'shop' }))).toEqual(['User:alice@shop', 'User:bob@cluster']);
  });

  it('marks nothing bound cluster-wide', () => {
    expect(idx.can({ kind: 'User', name: 'bob' }).map((h) => h.notGranted)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('can: clusterroles through a RoleBinding grant bind alone', () => {
  const role = clusterRole(
    'rbac-manager',
    [
      `- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles, roles]\n  verbs: [bind, escalate]`,
      `- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles]\n  verbs: ["*"]`,
      `- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles]\n  verbs: [bind]`,
      `- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles]\n  verbs: [escalate]`,
    ].join('\n'),
  );
  const idx = indexOf(role + rb('team-a', 'team-rbac', 'ClusterRole', 'rbac-manager', user('alice')));
  const held = idx.can({ kind: 'User', name: 'alice' });

  it('marks the other verbs on clusterroles as not granted, bind as granted', () => {
    expect(held.map((h) => h.notGranted)).toEqual([
      { resources: [], nonResourceURLs: [], bindOnly: ['clusterroles'] },
      { resources: [], nonResourceURLs: [], bindOnly: ['clusterroles'] },
      undefined,
      { resources: ['clusterroles'], nonResourceURLs: [] },
    ]);
    // What the marks say agrees with the queries.
    expect(who(idx.whoCan({ verb: 'bind', resource: 'clusterroles', namespace: 'team-a' }))).toEqual(['User:alice@team-a', 'User:alice@team-a', 'User:alice@team-a']);
    expect(idx.whoCan({ verb: 'escalate', resource: 'clusterroles' })).toEqual([]);
    expect(idx.whoCan({ verb: 'bind', resource: 'clusterroles', subresource: 'status', namespace: 'team-a' })).toEqual([]);
  });

  it('grantedParts splits a rule into what grants every verb and what grants bind alone', () => {
    const bindOnly = (resources: string[], verbs: string[]) => ({ apiGroups: ['rbac.authorization.k8s.io'], resources, verbs, resourceNames: [], nonResourceURLs: [] });
    expect(grantedParts(held[0]!)).toEqual([bindOnly(['roles'], ['bind', 'escalate']), bindOnly(['clusterroles'], ['bind'])]);
    expect(grantedParts(held[1]!)).toEqual([bindOnly(['clusterroles'], ['bind'])]);
    expect(grantedPart(held[1]!)).toEqual(bindOnly(['clusterroles'], ['bind']));
    expect(grantedParts(held[3]!)).toEqual([]);
    expect(grantedPart(held[3]!)).toBeUndefined();
  });
});

describe('kubectl spellings of a resource', () => {
  const crd = `---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: certificates.cert-manager.io\nspec:\n  group: cert-manager.io\n  scope: Namespaced\n  names: {plural: certificates, singular: certificate, kind: Certificate, shortNames: [cert, certs]}\n  versions:\n  - name: v1\n    subresources: {status: {}}\n`;
  const idx = indexOf(crd);

  it('resolves plural, singular, kind and short names in any case', () => {
    const cases: Array<[string, string]> = [
      ['secret', 'secrets'], ['Secrets', 'secrets'], ['po', 'pods'], ['sa', 'serviceaccounts'], ['deploy', 'deployments'], ['Deployment', 'deployments'],
      ['networkpolicy', 'networkpolicies'], ['ingress', 'ingresses'], ['PriorityClass', 'priorityclasses'], ['ns', 'namespaces'], ['endpoints', 'endpoints'],
      ['cert', 'certificates'], ['Certificate', 'certificates'], ['certificates', 'certificates'],
    ];
    for (const [spelling, resource] of cases) expect(idx.resolveResource(spelling), spelling).toBe(resource);
    expect(idx.resolveResource('secrts')).toBeUndefined();
  });

  it('knows the subresources of built-in and defined resources, and not of others', () => {
    expect(idx.hasSubresource('pods', 'exec')).toBe(true);
    expect(idx.hasSubresource('pods', 'status')).toBe(true);
    expect(idx.hasSubresource('secrets', 'db-password')).toBe(false);
    expect(idx.hasSubresource('certificates', 'status')).toBe(true);
    expect(idx.hasSubresource('certificates', 'scale')).toBe(false);
    expect(idx.hasSubresource('widgets', 'status')).toBeUndefined();
  });
});
