import { describe, expect, it } from 'vitest';
import { boundSubjects, pathText, shortestPaths as pathsOfIndex, type EscalationPath } from '../../../src/analyses/rbac/escalation.js';
import { PermissionIndex, subjectLabel } from '../../../src/analyses/rbac/permission-index.js';
import { Inventory } from '../../../src/core/inventory.js';
import { clusterRole, clusterRoleBinding, group, role, roleBinding, sa, user } from '../../rules/rbac/fixtures.js';
import { resourcesOf } from './fixture.js';

const RBAC = 'rbac.authorization.k8s.io';
const CLUSTER_ADMIN = clusterRole('cluster-admin', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]');
const serviceAccount = (ns: string, name: string) => `\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: ${name}, namespace: ${ns} }\n`;

function shortestPaths(yaml: string): EscalationPath[] {
  const inventory = new Inventory(resourcesOf(yaml));
  return pathsOfIndex(new PermissionIndex(inventory), boundSubjects(inventory));
}
function paths(yaml: string): Map<string, EscalationPath> {
  return new Map(shortestPaths(yaml).map((p) => [subjectLabel(p.subject), p]));
}
const hops = (p: EscalationPath | undefined) => p?.steps.map((s) => `${s.because.verb} ${s.because.resource} → ${s.to}`);

describe('escalation paths', () => {
  it('pod creation leads to a service account that can bind cluster-admin', () => {
    const yaml =
      serviceAccount('shop', 'deployer') +
      role('shop', 'pods', '[{ apiGroups: [""], resources: [pods], verbs: [create] }]') +
      roleBinding('shop', 'ci-pods', 'Role', 'pods', `[${sa('shop', 'ci')}]`) +
      clusterRole('binder', `[{ apiGroups: [${RBAC}], resources: [clusterroles], verbs: [bind] }, { apiGroups: [${RBAC}], resources: [clusterrolebindings], verbs: [create] }]`) +
      clusterRoleBinding('deployer-binder', 'binder', `[${sa('shop', 'deployer')}]`);
    const p = paths(yaml).get('ServiceAccount:shop/ci');
    expect(hops(p)).toEqual(['create pods → ServiceAccount:shop/deployer', 'bind clusterroles → cluster-admin']);
    expect(p?.steps[0]?.because).toMatchObject({ namespace: 'shop', binding: { kind: 'RoleBinding', namespace: 'shop', name: 'ci-pods' }, role: { kind: 'Role', name: 'pods' } });
    expect(pathText(p!.steps)).toBe('create pods in shop → ServiceAccount shop/deployer → bind clusterroles cluster-admin cluster-wide → cluster-admin');
    // deployer itself is one step away.
    expect(hops(paths(yaml).get('ServiceAccount:shop/deployer'))).toEqual(['bind clusterroles → cluster-admin']);
  });

  it('bind without create on clusterrolebindings is no path', () => {
    const yaml = clusterRole('binder', `[{ apiGroups: [${RBAC}], resources: [clusterroles], verbs: [bind] }]`) + clusterRoleBinding('b', 'binder', `[${user('jane')}]`);
    expect(paths(yaml).size).toBe(0);
  });

  it('token creation → service account → impersonate → cluster-admin', () => {
    const yaml =
      CLUSTER_ADMIN +
      clusterRoleBinding('root', 'cluster-admin', `[${user('root')}]`) +
      role('ops', 'tokens', '[{ apiGroups: [""], resources: [serviceaccounts/token], resourceNames: [robot], verbs: [create] }]') +
      roleBinding('ops', 'dev-tokens', 'Role', 'tokens', `[${user('dev')}]`) +
      clusterRole('imp', '[{ apiGroups: [""], resources: [users], resourceNames: [root], verbs: [impersonate] }]') +
      clusterRoleBinding('robot-imp', 'imp', `[${sa('ops', 'robot')}]`);
    const all = paths(yaml);
    expect(hops(all.get('User:dev'))).toEqual(['create serviceaccounts/token → ServiceAccount:ops/robot', 'impersonate users → User:root', '* * → cluster-admin']);
    expect(pathText(all.get('User:dev')!.steps)).toBe('create serviceaccounts/token robot in ops → ServiceAccount ops/robot → impersonate users root cluster-wide → User root → holds ClusterRole cluster-admin cluster-wide → cluster-admin');
    expect(all.has('User:root')).toBe(false);
  });

  it('reading a long-lived token Secret is being its service account: get by name, list or watch in its namespace', () => {
    const tokenSecret = (type: string) =>
      `\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: deployer-token, namespace: ci, annotations: { kubernetes.io/service-account.name: deployer } }\n${type}`;
    const admin = CLUSTER_ADMIN + clusterRoleBinding('deployer-admin', 'cluster-admin', `[${sa('ci', 'deployer')}]`);
    const reader = (rule: string, ns = 'ci') => role(ns, 'reader', `[{ apiGroups: [""], resources: [secrets], ${rule} }]`) + roleBinding(ns, 'dev-reads', 'Role', 'reader', `[${user('dev')}]`);
    const TOKEN = 'type: kubernetes.io/service-account-token\n';
    const get = paths(admin + tokenSecret(TOKEN) + reader('resourceNames: [deployer-token], verbs: [get]')).get('User:dev');
    expect(hops(get)).toEqual(['get secrets → ServiceAccount:ci/deployer', '* * → cluster-admin']);
    expect(pathText(get!.steps)).toBe('get secrets deployer-token in ci → ServiceAccount ci/deployer → holds ClusterRole cluster-admin cluster-wide → cluster-admin');
    expect(hops(paths(admin + tokenSecret(TOKEN) + reader('verbs: [list]')).get('User:dev'))?.[0]).toBe('list secrets → ServiceAccount:ci/deployer');
    // A live read has Secrets as metadata: the annotation alone names the account.
    expect(hops(paths(admin + tokenSecret('') + reader('verbs: [watch]')).get('User:dev'))?.[0]).toBe('watch secrets → ServiceAccount:ci/deployer');
    // Another Secret's name, another namespace, another type, or no token Secret at all: no way in.
    expect(paths(admin + tokenSecret(TOKEN) + reader('resourceNames: [other], verbs: [get, list]')).has('User:dev')).toBe(false);
    expect(paths(admin + tokenSecret(TOKEN) + reader('verbs: [get, list, watch]', 'shop')).has('User:dev')).toBe(false);
    expect(paths(admin + tokenSecret('type: Opaque\n') + reader('verbs: [get, list, watch]')).has('User:dev')).toBe(false);
    expect(paths(admin + reader('verbs: [get, list, watch]')).has('User:dev')).toBe(false);
  });

  it('a 3-hop path through a namespace-admin node', () => {
    const yaml =
      CLUSTER_ADMIN +
      serviceAccount('kube-system', 'installer') +
      clusterRoleBinding('installer', 'cluster-admin', `[${sa('kube-system', 'installer')}]`) +
      role('kube-system', 'rb', `[{ apiGroups: [${RBAC}], resources: [rolebindings], verbs: [create] }, { apiGroups: [${RBAC}], resources: [clusterroles], verbs: [bind], resourceNames: [admin] }]`) +
      roleBinding('kube-system', 'helper', 'Role', 'rb', `[${group('helpers')}]`);
    const p = paths(yaml).get('Group:helpers');
    expect(hops(p)).toEqual(['bind clusterroles → namespace-admin:kube-system', 'create pods → ServiceAccount:kube-system/installer', '* * → cluster-admin']);
    expect(p?.steps[1]?.because.binding).toBeNull();
  });

  it('escalate alone is no path; escalate with update of its own ClusterRole is', () => {
    const esc = clusterRole('esc', `[{ apiGroups: [${RBAC}], resources: [clusterroles], verbs: [escalate] }]`) + clusterRoleBinding('b', 'esc', `[${user('jane')}]`);
    expect(paths(esc).size).toBe(0);
    const escUpdate = clusterRole('esc', `[{ apiGroups: [${RBAC}], resources: [clusterroles], verbs: [escalate, update] }]`) + clusterRoleBinding('b', 'esc', `[${user('jane')}]`);
    expect(hops(paths(escUpdate).get('User:jane'))).toEqual(['escalate clusterroles → cluster-admin']);
  });

  it('impersonating system:masters needs user impersonation too', () => {
    const groupsOnly = clusterRole('imp', '[{ apiGroups: [""], resources: [groups], verbs: [impersonate] }]') + clusterRoleBinding('b', 'imp', `[${user('jane')}]`);
    expect(paths(groupsOnly).size).toBe(0);
    const both = clusterRole('imp', '[{ apiGroups: [""], resources: [groups, users], verbs: [impersonate] }]') + clusterRoleBinding('b', 'imp', `[${user('jane')}]`);
    expect(hops(paths(both).get('User:jane'))).toEqual(['impersonate groups → cluster-admin']);
  });

  it('no path when nothing leads to cluster-admin', () => {
    const yaml =
      serviceAccount('shop', 'web') +
      role('shop', 'pods', '[{ apiGroups: [""], resources: [pods], verbs: [create] }]') +
      roleBinding('shop', 'b', 'Role', 'pods', `[${user('jane')}]`);
    expect(shortestPaths(yaml)).toEqual([]);
  });

  it('a subject already cluster-admin, directly or through its groups, is not reported', () => {
    const yaml = CLUSTER_ADMIN + clusterRoleBinding('all-sa', 'cluster-admin', `[${group('system:serviceaccounts')}, ${user('root')}]`) + serviceAccount('shop', 'web');
    expect(shortestPaths(yaml)).toEqual([]);
  });

  it('membership: a grant to system:serviceaccounts:NS is a step for each service account, named in through', () => {
    const yaml =
      CLUSTER_ADMIN +
      serviceAccount('shop', 'web') +
      serviceAccount('prod', 'admin') +
      clusterRoleBinding('prod-admin', 'cluster-admin', `[${sa('prod', 'admin')}]`) +
      clusterRole('pods', '[{ apiGroups: [""], resources: [pods], verbs: [create] }]') +
      roleBinding('prod', 'shop-sa', 'ClusterRole', 'pods', `[${group('system:serviceaccounts:shop')}]`);
    const p = paths(yaml).get('ServiceAccount:shop/web');
    expect(hops(p)).toEqual(['create pods → ServiceAccount:prod/admin', '* * → cluster-admin']);
    expect(p?.steps[0]?.because.through).toEqual({ kind: 'Group', name: 'system:serviceaccounts:shop' });
  });

  it('chooses the shortest of several paths and ranks by length', () => {
    const yaml =
      CLUSTER_ADMIN +
      serviceAccount('a', 'one') +
      serviceAccount('b', 'two') +
      serviceAccount('b', 'admin') +
      clusterRoleBinding('admin', 'cluster-admin', `[${sa('b', 'admin')}]`) +
      // Long way: pods in a → a/one → pods in b → b/admin.
      role('a', 'pods', '[{ apiGroups: [""], resources: [pods], verbs: [create] }]') +
      roleBinding('a', 'jane-a', 'Role', 'pods', `[${user('jane')}]`) +
      role('b', 'pods', '[{ apiGroups: [""], resources: [pods], verbs: [create] }]') +
      roleBinding('b', 'one-b', 'Role', 'pods', `[${sa('a', 'one')}]`) +
      // Short way: a token for b/admin.
      role('b', 'tok', '[{ apiGroups: [""], resources: [serviceaccounts/token], verbs: [create] }]') +
      roleBinding('b', 'jane-tok', 'Role', 'tok', `[${user('jane')}]`);
    const list = shortestPaths(yaml);
    const jane = list.find((p) => subjectLabel(p.subject) === 'User:jane');
    expect(hops(jane)).toEqual(['create serviceaccounts/token → ServiceAccount:b/admin', '* * → cluster-admin']);
    expect(list.map((p) => p.steps.length)).toEqual([...list.map((p) => p.steps.length)].sort((x, y) => x - y));
    expect(list.map((p) => subjectLabel(p.subject))).toEqual(['ServiceAccount:a/one', 'User:jane']);
  });
});

describe('escalation paths into the service accounts of a namespace', () => {
  const BOSS = serviceAccount('ops', 'boss') + CLUSTER_ADMIN + clusterRoleBinding('boss', 'cluster-admin', `[${sa('ops', 'boss')}]`);
  const deployment = (name: string, account: string, extra = '') =>
    `\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: ops }\nspec:\n  selector: { matchLabels: { app: ${name} } }\n  template:\n    metadata: { labels: { app: ${name} } }\n    spec: { serviceAccountName: ${account}, ${extra}containers: [{ name: c, image: nginx }] }\n`;
  const grant = (name: string, rules: string) => role('ops', name, rules) + roleBinding('ops', name, 'Role', name, `[${user(name)}]`);

  it('bind limited to edit, with create on rolebindings, reaches any service account of the namespace', () => {
    const p = paths(BOSS + grant('rbw', `[{ apiGroups: [${RBAC}], resources: [rolebindings], verbs: [create] }, { apiGroups: [${RBAC}], resources: [clusterroles], verbs: [bind], resourceNames: [edit] }]`)).get('User:rbw');
    expect(pathText(p!.steps)).toBe('bind clusterroles edit in ops → ServiceAccount ops/boss → holds ClusterRole cluster-admin cluster-wide → cluster-admin');
  });

  it('bind limited to view leads nowhere', () => {
    expect(paths(BOSS + grant('rbv', `[{ apiGroups: [${RBAC}], resources: [rolebindings], verbs: [create] }, { apiGroups: [${RBAC}], resources: [clusterroles], verbs: [bind], resourceNames: [view] }]`)).has('User:rbv')).toBe(false);
  });

  it('patching a workload controller there rewrites its pod template, serviceAccountName included', () => {
    const yaml = BOSS + deployment('web', 'default') + grant('patcher', '[{ apiGroups: [apps], resources: [deployments], verbs: [patch], resourceNames: [web] }]');
    expect(pathText(paths(yaml).get('User:patcher')!.steps)).toBe('patch deployments web in ops → ServiceAccount ops/boss → holds ClusterRole cluster-admin cluster-wide → cluster-admin');
    // No controller to patch, or a Pod (whose spec takes no new account): no path.
    expect(paths(BOSS + grant('patcher', '[{ apiGroups: [apps], resources: [deployments], verbs: [patch] }]')).has('User:patcher')).toBe(false);
    expect(paths(BOSS + grant('patcher', '[{ apiGroups: [""], resources: [pods], verbs: [patch, update] }]') + '\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: ops }\nspec: { serviceAccountName: boss, containers: [{ name: c, image: nginx }] }\n').has('User:patcher')).toBe(false);
  });

  it('create secrets with a way to read them back mints a token Secret of any account there', () => {
    const yaml = BOSS + grant('maker', '[{ apiGroups: [""], resources: [secrets], verbs: [create] }, { apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [mytoken] }]');
    expect(pathText(paths(yaml).get('User:maker')!.steps)).toBe('create secrets in ops → ServiceAccount ops/boss → holds ClusterRole cluster-admin cluster-wide → cluster-admin');
    expect(paths(BOSS + grant('maker', '[{ apiGroups: [""], resources: [secrets], verbs: [create] }]')).has('User:maker')).toBe(false);
    // The one Secret it may read exists already (cert-manager's webhook and its CA): it cannot be created as a token Secret.
    const existing = '\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: mytoken, namespace: ops }\ntype: Opaque\n';
    expect(paths(yaml + existing).has('User:maker')).toBe(false);
  });

  it("a workload's own role naming the Secret it creates and reads back mints no token Secret (cert-manager's webhook CA)", () => {
    const webhookRole = (subject: string) =>
      role('ops', 'webhook:dynamic-serving', '[{ apiGroups: [""], resources: [secrets], resourceNames: [webhook-ca], verbs: [get, list, watch, update] }, { apiGroups: [""], resources: [secrets], verbs: [create] }]') +
      roleBinding('ops', 'webhook:dynamic-serving', 'Role', 'webhook:dynamic-serving', `[${subject}]`);
    const own = BOSS + serviceAccount('ops', 'webhook') + webhookRole(sa('ops', 'webhook')) + deployment('webhook', 'webhook');
    // Rendered manifests never hold the Secret: the webhook creates it at startup, before anyone holds its token.
    expect(paths(own).has('ServiceAccount:ops/webhook')).toBe(false);
    // No workload runs as the account, or the role is a person's: the named Secret may still be created as a token Secret.
    expect(hops(paths(BOSS + serviceAccount('ops', 'webhook') + webhookRole(sa('ops', 'webhook'))).get('ServiceAccount:ops/webhook'))?.[0]).toBe('create secrets → ServiceAccount:ops/boss');
    expect(hops(paths(BOSS + webhookRole(user('maker')) + deployment('webhook', 'webhook')).get('User:maker'))?.[0]).toBe('create secrets → ServiceAccount:ops/boss');
  });

  it('exec or an ephemeral container into a pod that mounts its account token is that account', () => {
    const exec = grant('execer', '[{ apiGroups: [""], resources: [pods/exec], verbs: [create] }]');
    const debug = grant('debugger', '[{ apiGroups: [""], resources: [pods/ephemeralcontainers], verbs: [patch] }]');
    const found = paths(BOSS + deployment('bot', 'boss') + exec + debug);
    expect(pathText(found.get('User:execer')!.steps)).toBe('create pods/exec in ops → ServiceAccount ops/boss → holds ClusterRole cluster-admin cluster-wide → cluster-admin');
    expect(hops(found.get('User:debugger'))?.[0]).toBe('patch pods/ephemeralcontainers → ServiceAccount:ops/boss');
    // No pod of the account, or one that does not mount its token: no path.
    expect(paths(BOSS + exec).has('User:execer')).toBe(false);
    expect(paths(BOSS + deployment('bot', 'boss', 'automountServiceAccountToken: false, ') + exec).has('User:execer')).toBe(false);
  });
});

describe('bind and escalate limited by resourceNames', () => {
  const SUPERUSER = clusterRole('platform-superuser', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]');
  const BOSS = serviceAccount('ops', 'boss') + CLUSTER_ADMIN + clusterRoleBinding('boss', 'cluster-admin', `[${sa('ops', 'boss')}]`);
  const binder = (names: string, create = 'clusterrolebindings') =>
    clusterRole('onboarding', `[{ apiGroups: [${RBAC}], resources: [clusterroles], resourceNames: [${names}], verbs: [bind] }, { apiGroups: [${RBAC}], resources: [${create}], verbs: [create] }]`) +
    clusterRoleBinding('onboarding', 'onboarding', `[${sa('platform', 'onboarder')}]`);

  it('bind of a role that holds everything, by name, with create on clusterrolebindings is cluster-admin', () => {
    const p = paths(SUPERUSER + binder('platform-superuser, view')).get('ServiceAccount:platform/onboarder');
    expect(hops(p)).toEqual(['bind clusterroles → cluster-admin']);
    expect(pathText(p!.steps)).toBe('bind clusterroles platform-superuser cluster-wide → cluster-admin');
    expect(p?.steps[0]?.because).toMatchObject({ binding: { kind: 'ClusterRoleBinding', name: 'onboarding' }, role: { kind: 'ClusterRole', name: 'onboarding' } });
    // A named role that holds less, or one the input lacks, is no such step.
    const reader = clusterRole('platform-superuser', '[{ apiGroups: ["*"], resources: ["*"], verbs: [get] }]');
    expect(paths(reader + binder('platform-superuser, view')).has('ServiceAccount:platform/onboarder')).toBe(false);
    expect(paths(binder('platform-superuser')).has('ServiceAccount:platform/onboarder')).toBe(false);
  });

  it('bind of such a role with create on rolebindings is admin of the namespace', () => {
    const yaml = BOSS + SUPERUSER + role('ops', 'rb', `[{ apiGroups: [${RBAC}], resources: [rolebindings], verbs: [create] }, { apiGroups: [${RBAC}], resources: [clusterroles], verbs: [bind], resourceNames: [platform-superuser] }]`) + roleBinding('ops', 'helper', 'Role', 'rb', `[${user('helper')}]`);
    const p = paths(yaml).get('User:helper');
    expect(hops(p)).toEqual(['bind clusterroles → namespace-admin:ops', 'create pods → ServiceAccount:ops/boss', '* * → cluster-admin']);
    expect(p?.steps[0]?.because.name).toBe('platform-superuser');
  });

  it('bind of a role that runs pods (edit), with create on clusterrolebindings only, reaches the service accounts of every namespace', () => {
    const p = paths(BOSS + binder('edit')).get('ServiceAccount:platform/onboarder');
    expect(pathText(p!.steps)).toBe('bind clusterroles edit cluster-wide → ServiceAccount ops/boss → holds ClusterRole cluster-admin cluster-wide → cluster-admin');
  });

  it('escalate limited to the ClusterRole the identity is bound to, with update on it, is cluster-admin', () => {
    const selfManaging = (verbs: string, names = 'self-managing') =>
      clusterRole('self-managing', `[{ apiGroups: [${RBAC}], resources: [clusterroles], resourceNames: [${names}], verbs: [${verbs}] }]`) + clusterRoleBinding('self-managing', 'self-managing', `[${sa('ops', 'operator')}]`);
    const p = paths(selfManaging('get, update, patch, escalate')).get('ServiceAccount:ops/operator');
    expect(pathText(p!.steps)).toBe('escalate clusterroles self-managing cluster-wide → cluster-admin');
    // Without a way to write the role, or on a role it is not bound to, escalate changes nothing.
    expect(paths(selfManaging('get, escalate')).has('ServiceAccount:ops/operator')).toBe(false);
    expect(paths(selfManaging('get, update, patch, escalate', 'other-role') + clusterRole('other-role', '[]')).has('ServiceAccount:ops/operator')).toBe(false);
  });

  it('escalate on a default role the aggregation controller rewrites is no path', () => {
    const yaml = clusterRole('esc', `[{ apiGroups: [${RBAC}], resources: [clusterroles], resourceNames: [edit], verbs: [escalate, update] }]`) + clusterRoleBinding('b', 'esc', `[${user('jane')}]`) + clusterRoleBinding('e', 'edit', `[${user('jane')}]`);
    expect(paths(yaml).has('User:jane')).toBe(false);
  });
});

describe('default control-plane roles the input binds without defining', () => {
  it('system:node creates pods in every namespace and reads every Secret', () => {
    const yaml = serviceAccount('ops', 'boss') + CLUSTER_ADMIN + clusterRoleBinding('boss', 'cluster-admin', `[${sa('ops', 'boss')}]`) + clusterRoleBinding('ci-node', 'system:node', `[${sa('ci', 'ci')}]`);
    const p = paths(yaml).get('ServiceAccount:ci/ci');
    expect(hops(p)).toEqual(['create pods → ServiceAccount:ops/boss', '* * → cluster-admin']);
    expect(p?.steps[0]?.because.role).toMatchObject({ kind: 'ClusterRole', name: 'system:node', builtin: true });
  });

  it('system:aggregate-to-edit bound in a namespace is edit there', () => {
    const yaml = serviceAccount('shop', 'boss') + CLUSTER_ADMIN + clusterRoleBinding('boss', 'cluster-admin', `[${sa('shop', 'boss')}]`) + roleBinding('shop', 'ci-edit', 'ClusterRole', 'system:aggregate-to-edit', `[${sa('ci', 'ci')}]`);
    expect(hops(paths(yaml).get('ServiceAccount:ci/ci'))?.[1]).toBe('* * → cluster-admin');
  });

  it('the clusterrole aggregation controller escalates and updates every ClusterRole', () => {
    const yaml = clusterRoleBinding('ci-agg', 'system:controller:clusterrole-aggregation-controller', `[${sa('ci', 'ci')}]`);
    expect(hops(paths(yaml).get('ServiceAccount:ci/ci'))).toEqual(['escalate clusterroles → cluster-admin']);
  });
});
