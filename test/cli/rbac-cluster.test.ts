import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';
import { clusterRole, clusterRoleBinding, namespace, pod, role, roleBinding, serviceAccount, startFakeKube, writeKubeconfig, type FakeKube } from '../helpers/fake-kube.js';

const TOKEN = 'rbac-token';

function objects(): Record<string, unknown>[] {
  const wild = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];
  return [
    namespace('shop'),
    namespace('ops'),
    role('shop', 'shop-all', wild),
    roleBinding('shop', 'devs-all', { kind: 'Role', name: 'shop-all' }, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'shop-devs' }]),
    role('ops', 'ops-all', wild),
    roleBinding('ops', 'ops-all', { kind: 'Role', name: 'ops-all' }, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'ops-team' }]),
    clusterRole('reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
  ];
}

/**
 * A pod in ops runs as ops/boss, which is cluster-admin, and mounts its token; User execer may exec into
 * the pods of ops: exec into the pod is a way to cluster-admin. A RoleBinding in ci refers to a Role.
 */
function escalationObjects(): Record<string, unknown>[] {
  const bot = pod('ops', 'bot', { serviceAccountName: 'boss' });
  (bot.spec as Record<string, unknown>).automountServiceAccountToken = true;
  return [
    namespace('ops'),
    namespace('ci'),
    serviceAccount('ops', 'boss'),
    clusterRoleBinding('boss', 'cluster-admin', [{ kind: 'ServiceAccount', name: 'boss', namespace: 'ops' }]),
    bot,
    role('ops', 'execer', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]),
    roleBinding('ops', 'execer', { kind: 'Role', name: 'execer' }, [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'execer' }]),
    role('ci', 'logs', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]),
    roleBinding('ci', 'support-logs', { kind: 'Role', name: 'logs' }, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'support' }]),
  ];
}

describe('palisade rbac --cluster', () => {
  let server: FakeKube;
  let noSecrets: FakeKube;
  let escalation: FakeKube;
  let noRoles: FakeKube;
  let env: Record<string, string>;
  const cwd = tempTree({});

  beforeAll(async () => {
    server = await startFakeKube({ token: TOKEN, objects: objects() });
    noSecrets = await startFakeKube({ token: TOKEN, objects: objects(), forbid: (t) => t.resource === 'secrets' });
    escalation = await startFakeKube({ token: TOKEN, objects: escalationObjects() });
    noRoles = await startFakeKube({ token: TOKEN, objects: escalationObjects(), forbid: (t) => t.resource === 'roles' });
    env = {
      KUBECONFIG: writeKubeconfig(
        [
          { name: 'aks', server: server.server, ca: server.ca, token: TOKEN },
          { name: 'aks-nosecrets', server: noSecrets.server, ca: noSecrets.ca, token: TOKEN },
          { name: 'aks-escalation', server: escalation.server, ca: escalation.ca, token: TOKEN },
          { name: 'aks-noroles', server: noRoles.server, ca: noRoles.ca, token: TOKEN },
        ],
        'aks',
      ),
    };
  });
  afterAll(async () => {
    await server.close();
    await noSecrets.close();
    await escalation.close();
    await noRoles.close();
  });

  it('risky reads the pods whose accounts exec and controller patches reach, as scan does', async () => {
    const before = escalation.requests.length;
    const r = await runCli(['rbac', 'risky', '--cluster', '--context', 'aks-escalation', '-f', 'json'], { cwd, env });
    const report = JSON.parse(r.stdout) as { findings: Array<{ rule: string; message: string }>; errors: unknown[] };
    expect(report.errors).toEqual([]);
    const paths = escalation.requests.slice(before).map((q) => q.path);
    expect(paths).toContain('/api/v1/pods');
    expect(paths).toContain('/apis/apps/v1/deployments');
    const escalations = report.findings.filter((f) => f.rule === 'rbac/escalation-path-to-cluster-admin').map((f) => f.message);
    expect(escalations.some((m) => m.includes('User execer') && m.includes('pods/exec'))).toBe(true);
  });

  it('says a role is unknown, not absent, when its kind could not be listed', async () => {
    const r = await runCli(['rbac', 'who-can', 'get', 'pods/log', '-n', 'ci', '--cluster', '--context', 'aks-noroles'], { cwd, env });
    expect(r.stderr).toContain(
      'RoleBinding/ci/support-logs refers to Role ci/logs, whose rules are unknown: listing roles.rbac.authorization.k8s.io was refused (the credentials lack list on roles.rbac.authorization.k8s.io in all namespaces), so what it grants is not counted',
    );
    expect(r.stderr).not.toContain("add the role's manifest");
    const risky = await runCli(['rbac', 'risky', '--cluster', '--context', 'aks-noroles', '-f', 'json'], { cwd, env });
    const report = JSON.parse(risky.stdout) as { notes: Array<{ message: string }> };
    expect(report.notes.map((n) => n.message)).toContain(
      'RoleBinding/ci/support-logs refers to Role ci/logs, whose rules are unknown: listing roles.rbac.authorization.k8s.io was refused (the credentials lack list on roles.rbac.authorization.k8s.io in all namespaces), so what it grants is not counted',
    );
  });

  it('risky -n reads the namespaced RBAC objects of that namespace only', async () => {
    const before = server.requests.length;
    const r = await runCli(['rbac', 'risky', '--cluster', '-n', 'shop', '-f', 'json'], { cwd, env });
    const report = JSON.parse(r.stdout) as { findings: Array<{ resource: { namespace: string | null } }>; errors: unknown[] };
    expect(report.errors).toEqual([]);
    const paths = server.requests.slice(before).map((q) => q.path);
    expect(paths).toContain('/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles');
    expect(paths).not.toContain('/apis/rbac.authorization.k8s.io/v1/roles');
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => f.resource.namespace === 'shop' || f.resource.namespace === null)).toBe(true);
  });

  it('who-can answers without the Secrets it may not list, and says what that leaves out', async () => {
    const r = await runCli(['rbac', 'who-can', 'get', 'pods', '-n', 'shop', '--cluster', '--context', 'aks-nosecrets', '-f', 'json'], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/palisade: warning: cluster:aks-nosecrets: cannot list secrets in all namespaces: forbidden .*; left out: attack paths and rules that go through ServiceAccount token Secrets/);
    const report = JSON.parse(r.stdout) as { grants: Array<{ subject: { name: string } }> };
    expect(report.grants.map((g) => g.subject.name)).toContain('shop-devs');
  });
});
