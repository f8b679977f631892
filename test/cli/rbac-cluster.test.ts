import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';
import { clusterRole, namespace, role, roleBinding, startFakeKube, writeKubeconfig, type FakeKube } from '../helpers/fake-kube.js';

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

describe('palisade rbac --cluster', () => {
  let server: FakeKube;
  let noSecrets: FakeKube;
  let env: Record<string, string>;
  const cwd = tempTree({});

  beforeAll(async () => {
    server = await startFakeKube({ token: TOKEN, objects: objects() });
    noSecrets = await startFakeKube({ token: TOKEN, objects: objects(), forbid: (t) => t.resource === 'secrets' });
    env = {
      KUBECONFIG: writeKubeconfig(
        [
          { name: 'aks', server: server.server, ca: server.ca, token: TOKEN },
          { name: 'aks-nosecrets', server: noSecrets.server, ca: noSecrets.ca, token: TOKEN },
        ],
        'aks',
      ),
    };
  });
  afterAll(async () => {
    await server.close();
    await noSecrets.close();
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
