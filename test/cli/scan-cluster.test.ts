import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterInputs } from '../../src/cli/inputs.js';
import { UsageError } from '../../src/core/errors.js';
import { runCli, tempTree } from '../helpers/cli.js';
import {
  clusterRole,
  clusterRoleBinding,
  container,
  deployment,
  namespace,
  pod,
  podsOf,
  replicaSet,
  roleBinding,
  secret,
  serviceAccount,
  startFakeKube,
  writeKubeconfig,
  type FakeKube,
} from '../helpers/fake-kube.js';

const TOKEN = 'cli-token';

const PRIVILEGED = [container('app', { securityContext: { privileged: true } })];
// The Deployment's ReplicaSet, as the deployment controller makes it, with three running pods.
const WEB_RS = replicaSet('shop', 'web-7d9f', 'web', PRIVILEGED);

/** A small cluster: a privileged Deployment in shop with its pods, a quiet Pod in ops, and a ClusterRole that reads Secrets bound to a team. */
function objects() {
  return [
    namespace('shop'),
    namespace('ops'),
    deployment('shop', 'web', PRIVILEGED),
    WEB_RS,
    ...podsOf(WEB_RS, 3),
    pod('ops', 'debug-shell'),
    serviceAccount('shop', 'web'),
    secret('shop', 'db', { password: 'hunter2-value' }),
    clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]),
    clusterRoleBinding('ops-read-secrets', 'secret-reader', [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'ops-team' }]),
    roleBinding('shop', 'web-reads-secrets', { kind: 'ClusterRole', name: 'secret-reader' }, [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }]),
  ];
}

interface JsonReport {
  findings: Array<{ rule: string; severity: string; resource: { kind: string; namespace: string | null; name: string }; location?: { file: string; line: number; path?: string }; verify?: string }>;
  errors: Array<{ source: string; message: string }>;
  notes: Array<{ source: string; message: string }>;
  summary: { resources: number };
}

describe('palisade scan --cluster', () => {
  let server: FakeKube;
  let refusing: FakeKube;
  let env: Record<string, string>;
  // A directory with a finding of its own: it is scanned only when named.
  const cwd = tempTree({ 'local.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: local, namespace: dev}\nspec:\n  containers: [{name: c, image: nginx, securityContext: {privileged: true}}]\n' });

  beforeAll(async () => {
    server = await startFakeKube({ token: TOKEN, objects: objects() });
    refusing = await startFakeKube({ token: TOKEN, objects: objects(), forbid: (t) => t.resource === 'secrets' && t.namespace === 'shop' });
    env = {
      KUBECONFIG: writeKubeconfig(
        [
          { name: 'aks-shop', server: server.server, ca: server.ca, token: TOKEN },
          { name: 'aks-locked', server: refusing.server, ca: refusing.ca, token: TOKEN },
        ],
        'aks-shop',
      ),
    };
  });
  afterAll(async () => {
    await server.close();
    await refusing.close();
  });

  it('scans the live cluster, not the current directory, and fails on its findings', async () => {
    const r = await runCli(['scan', '--cluster', '-f', 'json'], { cwd, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.errors).toEqual([]);
    const privileged = report.findings.filter((f) => f.rule === 'workload/privileged-container');
    expect(privileged.map((f) => `${f.resource.kind}/${f.resource.namespace}/${f.resource.name}`)).toEqual(['Deployment/shop/web']);
    expect(privileged[0]?.location).toMatchObject({ file: 'cluster:aks-shop', path: 'Deployment/shop/web' });
    expect(report.findings.every((f) => f.location?.file === 'cluster:aks-shop')).toBe(true);
    expect(r.stdout).not.toContain('hunter2-value');
    expect(r.stdout).not.toContain(Buffer.from('hunter2-value').toString('base64'));
  });

  it('reports a privileged Deployment with three running pods once, on the Deployment, and says the pods were checked through it', async () => {
    const r = await runCli(['scan', '--cluster', '-f', 'json', '--rule', 'workload/privileged-container'], { cwd, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.map((f) => `${f.rule} ${f.resource.kind}/${f.resource.namespace}/${f.resource.name}`)).toEqual(['workload/privileged-container Deployment/shop/web']);
    expect(report.notes).toEqual([{ source: 'cluster:aks-shop', message: '3 Pods are checked through their controllers' }]);
  });

  it('joins files with the cluster', async () => {
    const r = await runCli(['scan', 'local.yaml', '--cluster', '-f', 'json', '--rule', 'workload/privileged-container'], { cwd, env });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.map((f) => `${f.location?.file} ${f.resource.name}`).sort()).toEqual(['cluster:aks-shop web', 'local.yaml local']);
    // The live finding's check asks that cluster, whatever the current context is when it runs; the file's asks none.
    const verify = (name: string) => report.findings.find((f) => f.resource.name === name)?.verify;
    expect(verify('web')).toMatch(/^kubectl --context aks-shop get deploy web -n shop /);
    expect(verify('local')).toMatch(/^kubectl get /);
  });

  it('reads one namespace with --namespace', async () => {
    // The only critical finding of the cluster is in shop.
    const r = await runCli(['scan', '--cluster', '-n', 'ops', '-f', 'json', '--fail-on', 'critical'], { cwd, env });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.filter((f) => f.rule === 'workload/privileged-container')).toEqual([]);
    expect(report.findings.some((f) => f.rule === 'workload/naked-pod' && f.resource.namespace === 'ops')).toBe(true);
    expect(report.findings.filter((f) => f.resource.namespace !== null).every((f) => f.resource.namespace === 'ops')).toBe(true);
  });

  it('notes a refused Secrets list with what it leaves unevaluated (token Secret paths), instead of exit 2, and still reports the rest', async () => {
    // Secrets are context: the view role does not grant them, and a gate run with view must not fail on every run.
    const r = await runCli(['scan', '--cluster', '--context', 'aks-locked', '-n', 'shop', '-f', 'json'], { cwd, env });
    expect(r.code).toBe(1);
    const note = 'cannot list secrets in namespace shop: forbidden (needs list on secrets); left out: attack paths and rules that go through ServiceAccount token Secrets';
    expect(r.stderr).toContain(`palisade: warning: cluster:aks-locked: ${note}`);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.errors).toEqual([]);
    expect(report.notes).toContainEqual({ source: 'cluster:aks-locked', message: expect.stringContaining(note) });
    expect(report.findings.some((f) => f.rule === 'workload/privileged-container' && f.location?.file === 'cluster:aks-locked')).toBe(true);
  });

  it('says that the live sources were read, not that no file was, when a cluster holds nothing to check', async () => {
    const empty = await startFakeKube({ token: TOKEN, objects: [] });
    try {
      const kubeconfig = writeKubeconfig([{ name: 'aks-empty', server: empty.server, ca: empty.ca, token: TOKEN }], 'aks-empty');
      const r = await runCli(['scan', '--cluster', '-f', 'json'], { cwd, env: { KUBECONFIG: kubeconfig } });
      expect(r.stderr).toContain('no Kubernetes objects or Azure settings found (the live sources were read): nothing was checked');
      expect(r.stderr).not.toContain('files read');
    } finally {
      await empty.close();
    }
  });

  it('decides no NetworkPolicy rule when the policies could not be read, and says so, instead of calling every namespace open', async () => {
    const noPolicies = await startFakeKube({ token: TOKEN, objects: objects(), forbid: (t) => t.resource === 'networkpolicies' });
    try {
      const kubeconfig = writeKubeconfig([{ name: 'aks-np', server: noPolicies.server, ca: noPolicies.ca, token: TOKEN }], 'aks-np');
      const r = await runCli(['scan', '--cluster', '-f', 'json'], { cwd, env: { KUBECONFIG: kubeconfig } });
      expect(r.code).toBe(2);
      const report = JSON.parse(r.stdout) as JsonReport;
      expect(report.findings.filter((f) => /^network\/(namespace-without-default-deny|reachable-from|unrestricted-egress)/.test(f.rule))).toEqual([]);
      expect(r.stderr).toMatch(/NetworkPolicies could not be read, so network\/namespace-without-default-deny-ingress, .* were not decided/);
      // The same cluster with its policies readable has namespaces without a default deny.
      const readable = JSON.parse((await runCli(['scan', '--cluster', '--context', 'aks-shop', '-f', 'json'], { cwd, env })).stdout) as JsonReport;
      expect(readable.findings.some((f) => f.rule === 'network/namespace-without-default-deny-ingress')).toBe(true);
    } finally {
      await noPolicies.close();
    }
  });

  it('scans one namespace with rights in that namespace alone: cluster-scoped kinds it cannot list are a note, not exit 2', async () => {
    // A RoleBinding to view in shop: namespaced lists there, and the get of the Namespace, which is authorized in it.
    const teamOnly = await startFakeKube({ token: TOKEN, objects: objects(), forbid: (t) => t.namespace !== 'shop' });
    try {
      const kubeconfig = writeKubeconfig([{ name: 'aks-team', server: teamOnly.server, ca: teamOnly.ca, token: TOKEN }], 'aks-team');
      const r = await runCli(['scan', '--cluster', '-n', 'shop', '-f', 'json'], { cwd, env: { KUBECONFIG: kubeconfig } });
      const report = JSON.parse(r.stdout) as JsonReport & { notes: Array<{ message: string }> };
      expect(report.errors).toEqual([]);
      expect(r.code).toBe(1);
      expect(report.notes.some((n) => /^cluster-scoped .*clusterroles.* could not be listed with these credentials/.test(n.message))).toBe(true);
      expect(report.findings.some((f) => f.rule === 'workload/privileged-container' && f.resource.namespace === 'shop')).toBe(true);
      expect(teamOnly.requests.some((q) => q.path === '/api/v1/namespaces/shop')).toBe(true);
    } finally {
      await teamOnly.close();
    }
  });

  it('says a namespace given with -n does not exist, instead of passing on an empty read', async () => {
    const r = await runCli(['scan', '--cluster', '-n', 'shopp', '-f', 'json'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('palisade: error: cluster:aks-shop: namespace shopp does not exist in context aks-shop');
  });

  it('refuses --namespace and --context without --cluster', async () => {
    await expect(clusterInputs({ namespace: 'shop' })).rejects.toThrow(new UsageError('--namespace needs --cluster'));
    await expect(clusterInputs({ context: 'aks-shop' })).rejects.toThrow(new UsageError('--context needs --cluster'));
    await expect(clusterInputs({})).resolves.toEqual({ resources: [], errors: [], notes: [] });
    const r = await runCli(['scan', '-n', 'shop', 'local.yaml'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('palisade: --namespace needs --cluster');
  });

  it('exits 2 with a clear error when the cluster is out of reach, and still scans the files', async () => {
    const offline = { KUBECONFIG: writeKubeconfig([{ name: 'gone', server: 'https://127.0.0.1:1', token: TOKEN }], 'gone') };
    const r = await runCli(['scan', 'local.yaml', '--cluster', '-f', 'json'], { cwd, env: offline });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]?.message).toMatch(/^cannot reach the API server https:\/\/127\.0\.0\.1:1 of context gone \(ECONNREFUSED\)/);
    expect(report.findings.some((f) => f.location?.file === 'local.yaml')).toBe(true);
  });
});

describe('palisade rbac --cluster', () => {
  let server: FakeKube;
  let env: Record<string, string>;
  const cwd = tempTree({});

  beforeAll(async () => {
    server = await startFakeKube({ token: TOKEN, objects: objects() });
    env = { KUBECONFIG: writeKubeconfig([{ name: 'aks-shop', server: server.server, ca: server.ca, token: TOKEN }], 'aks-shop') };
  });
  afterAll(async () => {
    await server.close();
  });

  it('who-can answers from the live bindings, reading the RBAC kinds across the cluster', async () => {
    const before = server.requests.length;
    const r = await runCli(['rbac', 'who-can', 'get', 'secrets', '-n', 'shop', '--cluster', '-f', 'json'], { cwd, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { grants: Array<{ subject: { kind: string; name: string }; scope: string; via: { binding: { name: string } } }>; errors: unknown[] };
    expect(report.errors).toEqual([]);
    expect(report.grants.map((g) => `${g.subject.kind}:${g.subject.name} ${g.scope} ${g.via.binding.name}`).sort()).toEqual([
      'Group:ops-team cluster ops-read-secrets',
      'ServiceAccount:web shop web-reads-secrets',
    ]);
    // The probe and discovery aside.
    const paths = server.requests.slice(before).map((q) => q.path).filter((p) => p !== '/version' && p !== '/api' && p !== '/apis');
    // -n is the namespace of the question, not a limit on the read; workloads are not read.
    expect(paths.every((p) => !p.includes('/namespaces/'))).toBe(true);
    expect(paths.sort()).toEqual([
      '/api/v1/secrets',
      '/api/v1/serviceaccounts',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      '/apis/rbac.authorization.k8s.io/v1/rolebindings',
      '/apis/rbac.authorization.k8s.io/v1/roles',
    ]);
  });

  it('can lists what a live service account holds', async () => {
    const r = await runCli(['rbac', 'can', 'ServiceAccount:shop/web', '--cluster', '--context', 'aks-shop'], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/shop\s+get,list\s+secrets \[core\]\s+RoleBinding\/shop\/web-reads-secrets\s+ClusterRole\/secret-reader/);
  });

  it('risky reports the live grants without reading the current directory', async () => {
    const dir = tempTree({ 'admin.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: local-admin}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: User, name: eve}]\n' });
    const r = await runCli(['rbac', 'risky', '--cluster', '-f', 'json'], { cwd: dir, env });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.some((f) => f.rule === 'rbac/can-read-secrets' && f.location?.file === 'cluster:aks-shop')).toBe(true);
    expect(report.findings.every((f) => f.location?.file === 'cluster:aks-shop')).toBe(true);
  });

  it('still asks for input when given neither paths nor --cluster', async () => {
    const r = await runCli(['rbac', 'who-can', 'get', 'secrets'], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give the RBAC manifests to read: PATH... (- reads stdin), --cluster or --aks RESOURCE_ID');
  });
});
