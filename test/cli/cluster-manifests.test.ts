import { describe, expect, it } from 'vitest';
import { loadAll } from 'js-yaml';
import { LIVE_KINDS } from '../../src/ingest/kube-kinds.js';
import { runCli } from '../helpers/cli.js';
import { kubectlParse } from '../helpers/kubectl.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
type Doc = { apiVersion?: string; kind?: string; metadata?: { name?: string }; rules?: Rule[]; roleRef?: unknown; subjects?: unknown[] };


/** Every (group, resource, verb) a role's rules allow, as `group/resource:verb`. */
function grants(rules: readonly Rule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) out.add(`${g}/${res}:${v}`);
  return out;
}

describe('palisade manifests scanner-rbac', () => {
  it('prints a ClusterRole that grants list on every kind read, get on namespaces alone, and nothing else', async () => {
    const r = await runCli(['manifests', 'scanner-rbac']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const docs = loadAll(r.stdout) as Doc[];
    for (const parsed of [docs, kubectlParse<Doc>(r.stdout)]) {
      if (!parsed) continue;
      expect(parsed.map((d) => `${d.apiVersion} ${d.kind} ${d.metadata?.name}`)).toEqual([
        'rbac.authorization.k8s.io/v1 ClusterRole palisade',
        'rbac.authorization.k8s.io/v1 ClusterRoleBinding palisade',
      ]);
      const role = parsed[0]!;
      // The reader lists every kind and gets one Namespace (with -n): the role grants that and no more.
      const expected = new Set(LIVE_KINDS.flatMap((k) => (k.kind === 'Namespace' ? [`${k.group}/${k.resource}:get`, `${k.group}/${k.resource}:list`] : [`${k.group}/${k.resource}:list`])));
      expect(grants(role.rules ?? [])).toEqual(expected);
      expect(role.rules?.flatMap((x) => x.verbs).every((v) => v === 'get' || v === 'list')).toBe(true);
      expect(parsed[1]).toMatchObject({
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'palisade' },
        subjects: [{ kind: 'ServiceAccount', name: 'palisade', namespace: 'palisade' }],
      });
    }
    // The kinds the rules need, written out: the table must not lose one.
    expect(LIVE_KINDS.map((k) => k.kind).sort()).toEqual(
      [
        'Namespace', 'Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController', 'Service',
        'Ingress', 'NetworkPolicy', 'ServiceAccount', 'ConfigMap', 'Secret', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding',
        'CustomResourceDefinition', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ValidatingWebhookConfiguration',
        'MutatingWebhookConfiguration', 'PersistentVolume', 'LimitRange', 'Rollout', 'ScaledJob', 'AutoscalingRunnerSet', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant', 'TLSRoute', 'TCPRoute', 'UDPRoute', 'IngressClass', 'NginxIngressController',
      ].sort(),
    );
  });

  it('does not fail a scan of its own manifests: the Secrets grant is suppressed with its reason, on the binding it is reported on', async () => {
    const manifests = await runCli(['manifests', 'scanner-rbac']);
    const r = await runCli(['scan', '-', '-f', 'json'], { stdin: manifests.stdout });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: Array<{ rule: string; resource: { kind: string; name: string }; suppressed?: { kind: string; reason: string } }> };
    const secrets = report.findings.filter((f) => f.rule === 'rbac/can-read-secrets');
    expect(secrets.map((f) => `${f.resource.kind}/${f.resource.name}`)).toEqual(['ClusterRoleBinding/palisade']);
    expect(secrets[0]?.suppressed).toMatchObject({ kind: 'annotation', reason: expect.stringMatching(/metadata only.*can read every Secret value/) });
    // Nothing else is found, suppressed or not.
    expect(report.findings.filter((f) => f.rule !== 'rbac/can-read-secrets')).toEqual([]);
  });

  it('binds the ServiceAccount of another namespace with -n', async () => {
    const r = await runCli(['manifests', 'scanner-rbac', '-n', 'security']);
    expect(r.code).toBe(0);
    const docs = loadAll(r.stdout) as Doc[];
    expect(docs[1]?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'palisade', namespace: 'security' }]);
    expect(r.stdout).toContain('kubectl -n security create serviceaccount palisade');
  });

  it('refuses a namespace the API server would refuse', async () => {
    const r = await runCli(['manifests', 'scanner-rbac', '-n', 'BAD NS']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--namespace takes a namespace name, not "BAD NS"');
  });
});
