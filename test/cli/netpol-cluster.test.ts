import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';
import { deployment, namespace, podsOf, replicaSet, startFakeKube, writeKubeconfig, type FakeKube } from '../helpers/fake-kube.js';

const TOKEN = 'netpol-token';

/** Deployments shop/web (closed to all but ops by a policy) and ops/probe. */
function objects(): Record<string, unknown>[] {
  const rs = replicaSet('shop', 'web-7d9f', 'web');
  return [
    namespace('shop'),
    namespace('ops'),
    deployment('shop', 'web'),
    rs,
    ...podsOf(rs, 2),
    deployment('ops', 'probe'),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web-from-ops', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } }] }] },
    },
  ];
}

describe('palisade netpol --cluster', () => {
  let open: FakeKube;
  let noPolicies: FakeKube;
  let env: Record<string, string>;
  const cwd = tempTree({});

  beforeAll(async () => {
    open = await startFakeKube({ token: TOKEN, objects: objects() });
    noPolicies = await startFakeKube({ token: TOKEN, objects: objects(), forbid: (t) => t.resource === 'networkpolicies' });
    env = {
      KUBECONFIG: writeKubeconfig(
        [
          { name: 'aks', server: open.server, ca: open.ca, token: TOKEN },
          { name: 'aks-nopol', server: noPolicies.server, ca: noPolicies.ca, token: TOKEN },
        ],
        'aks',
      ),
    };
  });
  afterAll(async () => {
    await open.close();
    await noPolicies.close();
  });

  for (const command of [['reach'], ['exposure']]) {
    it(`${command[0]} answers nothing, exit 2, when the NetworkPolicies cannot be read, rather than showing every workload open`, async () => {
      const r = await runCli(['netpol', ...command, '--cluster', '--context', 'aks-nopol'], { cwd, env });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('cannot list networkpolicies.networking.k8s.io in all namespaces: forbidden');
      expect(r.stderr).toContain("the cluster's NetworkPolicies could not be read, so no answer is given");
    });
  }

  it('reads one namespace with -n, the Namespace by a get', async () => {
    const before = open.requests.length;
    const r = await runCli(['netpol', 'reach', '--cluster', '-n', 'shop'], { cwd, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const paths = open.requests.slice(before).map((q) => q.path);
    expect(paths).toContain('/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies');
    expect(paths).toContain('/api/v1/namespaces/shop');
    expect(paths).not.toContain('/apis/apps/v1/deployments');
    expect(r.stdout).not.toContain('ops/probe');
    expect(r.stdout).toContain('shop/web[Deployment]');
  });

  it('refuses -n without --cluster', async () => {
    const r = await runCli(['netpol', 'exposure', '-n', 'shop', '.'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--namespace needs --cluster');
  });
});
