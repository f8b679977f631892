import { describe, expect, it } from 'vitest';
import { pathsOf, route } from './estate.js';

const deployment = (ns: string, name: string, account: string, extra = '', kind = 'Deployment', meta = '') => `---
apiVersion: apps/v1
kind: ${kind}
metadata: { name: ${name}, namespace: ${ns}${meta} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      serviceAccountName: ${account}
      containers: [{ name: ${name}, image: registry.example.com/${name}:1${extra} }]
`;
const account = (ns: string, name: string) => `---
apiVersion: v1
kind: ServiceAccount
metadata: { name: ${name}, namespace: ${ns} }
`;
const clusterRole = (name: string, rules: string) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: ${name} }
rules: ${rules}
`;
const bind = (name: string, roleName: string, ns: string, sa: string) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ${name} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${roleName} }
subjects: [{ kind: ServiceAccount, name: ${sa}, namespace: ${ns} }]
`;
const loadBalancer = (ns: string, name: string) => `---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec: { type: LoadBalancer, selector: { app: ${name} }, ports: [{ port: 443 }] }
`;

/**
 * An internet-facing controller whose ClusterRole creates jobs and reads secrets everywhere, and an
 * admin controller bound to cluster-admin in the same namespace: the controller takes the admin's
 * account by creating a Job that runs as it.
 */
const controllers = [
  account('ctl', 'web'),
  deployment('ctl', 'web', 'web'),
  loadBalancer('ctl', 'web'),
  clusterRole('web', '[{ apiGroups: [batch], resources: [jobs], verbs: [create] }, { apiGroups: [""], resources: [secrets], verbs: [get, list, watch] }]'),
  bind('web', 'web', 'ctl', 'web'),
  account('ctl', 'admin'),
  deployment('ctl', 'admin', 'admin', '', 'StatefulSet'),
  bind('admin', 'cluster-admin', 'ctl', 'admin'),
].join('');

/** A second internet-facing workload reading the secrets of every namespace through a role of its own. */
const grafana = [
  account('ctl', 'grafana'),
  deployment('ctl', 'grafana', 'grafana'),
  loadBalancer('ctl', 'grafana'),
  clusterRole('grafana', '[{ apiGroups: [""], resources: [secrets], verbs: [get, list, watch] }]'),
  bind('grafana', 'grafana', 'ctl', 'grafana'),
].join('');

describe('fixes that keep the controllers working', () => {
  it('never takes the token of a workload whose account is bound to roles it uses: it narrows the grant instead', () => {
    const { paths, fixes } = pathsOf(controllers);
    const texts = [...paths.flatMap((p) => (p.fix ? [p.fix.text] : [])), ...fixes.map((f) => f.text)];
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) {
      expect(t).not.toMatch(/automountServiceAccountToken/);
      // Removing a controller's whole binding stops it.
      expect(t).not.toMatch(/^remove ClusterRoleBinding/);
    }
    const toAdmin = paths.find((p) => p.entryPoint === 'internet' && p.target.id === 'cluster-admin');
    expect(toAdmin?.steps[3]?.text).toBe('create jobs in ctl (ClusterRoleBinding web)');
    expect(fixes.map((f) => f.text)).toContain('remove create jobs from ClusterRole web (ClusterRoleBinding web)');
    expect(fixes.find((f) => f.text.startsWith('remove create jobs'))).toMatchObject({ resource: { kind: 'ClusterRole', name: 'web' } });
    // A shared role is not narrowed: the account is bound to a narrower one.
    expect(fixes.map((f) => f.text)).toContain('bind ServiceAccount ctl/admin to a role without * on * instead of ClusterRole cluster-admin (ClusterRoleBinding admin)');
  });

  it("still proposes dropping the token of a workload whose account is named in no binding", () => {
    const unbound = controllers.replace(bind('web', 'web', 'ctl', 'web'), `---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: web }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: web }
subjects: [{ kind: Group, name: "system:serviceaccounts:ctl" }]
`);
    const fixes = pathsOf(unbound).paths.flatMap((p) => (p.fix ? [p.fix.text] : []));
    expect(fixes).toContain('set automountServiceAccountToken: false in Deployment ctl/web (when it does not call the API server)');
  });

  it('ranks a path to cluster-admin before one to the secrets of kube-system at the same score', () => {
    const { paths } = pathsOf(controllers);
    const internet = paths.filter((p) => p.entryPoint === 'internet');
    expect(internet.map((p) => [p.score, p.target.id])).toEqual([
      [0.27, 'cluster-admin'],
      [0.27, 'secrets:kube-system'],
    ]);
  });

  it('lists first the change that closes the paths of the highest summed score, not the most paths', () => {
    // A privileged agent: its way to the node closes three low or medium paths (node, and the tokens found there).
    const estate = controllers + account('mon', 'agent') + deployment('mon', 'agent', 'agent', ', securityContext: { privileged: true }', 'DaemonSet');
    const { paths, fixes } = pathsOf(estate);
    const escape = fixes.find((f) => /privileged/.test(f.text));
    const service = fixes.find((f) => /Service ctl\/web/.test(f.text));
    // 3 paths of 0.144, 0.09 and 0.081 against 2 of 0.27.
    expect(escape!.closes).toBeGreaterThan(service!.closes);
    expect(fixes.indexOf(service!)).toBeLessThan(fixes.indexOf(escape!));
    expect(paths.filter((p) => p.fix?.text === escape!.text).map((p) => p.score)).toEqual([0.144, 0.09, 0.081]);
  });

  it('says why a path has no fix, and what narrows it, when the internet reaches the jewel through several workloads', () => {
    const estate = controllers + grafana;
    const secrets = pathsOf(estate).paths.filter((p) => p.entryPoint === 'internet' && p.target.id === 'secrets:kube-system');
    expect(secrets).toHaveLength(2);
    for (const p of secrets) {
      expect(p.fix).toBeUndefined();
      expect(p.ownerAction).toMatch(/^no single change closes it: the internet reaches the secrets of kube-system through 2 workloads \(Deployment ctl\/(web|grafana), Deployment ctl\/(web|grafana)\): closing one way leaves the others\. What narrows it: narrow ClusterRole (web|grafana) \(ClusterRoleBinding (web|grafana)\) so it reads no Secret of kube-system/);
    }
  });

  it('names the chart setting that narrows a well-known controller', () => {
    const nginx = controllers.replace('metadata: { labels: { app: web } }', 'metadata: { labels: { app: web, app.kubernetes.io/name: ingress-nginx } }');
    const estate = nginx + grafana;
    const p = pathsOf(estate).paths.find((x) => x.entryPoint === 'internet' && x.target.id === 'secrets:kube-system' && x.nodes.some((n) => n.id === 'workload:ctl/web[Deployment]'));
    expect(p?.ownerAction).toContain('What narrows it: the ingress-nginx chart with controller.scope.enabled=true and rbac.scope=true');
  });
});

describe('Helm hooks', () => {
  const hookMeta = ', annotations: { helm.sh/hook: "pre-install,pre-upgrade", helm.sh/hook-delete-policy: "before-hook-creation,hook-succeeded" }';
  const estate = (meta: string) =>
    account('ctl', 'admin') + bind('admin', 'cluster-admin', 'ctl', 'admin') + `---
apiVersion: batch/v1
kind: Job
metadata: { name: create-secret, namespace: ctl${meta} }
spec:
  template:
    spec:
      serviceAccountName: admin
      restartPolicy: OnFailure
      containers: [{ name: create, image: registry.example.com/create:1 }]
`;

  it('a foothold in a hook Job is a quarter as likely as a standing pod, and says why', () => {
    const standing = pathsOf(estate('')).paths;
    const hook = pathsOf(estate(hookMeta)).paths;
    expect(standing.map(route)).toEqual(['pod: workload:ctl/create-secret[Job] → ServiceAccount:ctl/admin → cluster-admin']);
    expect(hook.map(route)).toEqual(standing.map(route));
    expect(standing[0]!.likelihood).toBe(0.2);
    expect(hook[0]!.likelihood).toBe(0.05);
    expect(hook[0]!.entry.label).toBe('a compromised pod of Job ctl/create-secret (Helm hook pre-install, pre-upgrade: not standing, runs only while Helm runs it, deleted once it succeeds)');
  });
});
