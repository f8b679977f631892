import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';
import { kubectlParse } from '../helpers/kubectl.js';

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown> & {
    validationActions?: string[];
    validations?: Array<{ expression: string }>;
    matchResources?: { namespaceSelector: { matchExpressions: Array<{ values: string[] }> } };
  };
}

const docs = (yaml: string) => loadAll(yaml) as Doc[];
const header = (yaml: string) => yaml.slice(0, yaml.indexOf('\n---\n')).replace(/\n#\s*/g, ' ');


describe('palisade admission policies', () => {
  it('writes a policy and a binding per rule CEL can decide, which kubectl reads, in audit mode by default', async () => {
    const r = await runCli(['admission', 'policies']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const parsed = docs(r.stdout);
    expect(parsed.length).toBeGreaterThan(50);
    expect(parsed.filter((d) => d.kind === 'ValidatingAdmissionPolicy')).toHaveLength(parsed.length / 2);
    for (const d of parsed) expect(d.apiVersion).toBe('admissionregistration.k8s.io/v1');
    for (const b of parsed.filter((d) => d.kind === 'ValidatingAdmissionPolicyBinding')) expect(b.spec.validationActions).toEqual(['Audit']);
    const names = parsed.map((d) => `${d.kind} ${d.metadata.name}`);
    expect(names).toContain('ValidatingAdmissionPolicy palisade-workload-privileged-container');
    expect(names).toContain('ValidatingAdmissionPolicyBinding palisade-workload-untrusted-registry');
    const kubectl = kubectlParse<Doc>(r.stdout);
    if (kubectl) expect(kubectl.map((d) => `${d.kind} ${d.metadata.name}`)).toEqual(names);
  });

  it('lists the rules it cannot enforce, with the reason, in the comment block at the top', async () => {
    const r = await runCli(['admission', 'policies']);
    const text = header(r.stdout);
    expect(r.stdout.startsWith('# ValidatingAdmissionPolicies')).toBe(true);
    expect(text).toContain('Not enforced here: CEL cannot decide these rules on one object the way palisade scan does.');
    expect(text).toMatch(/workload\/secret-in-env: it recognizes credentials by decoding values/);
    expect(text).toMatch(/aks\/local-accounts-enabled.*: it reads AKS cluster settings from Azure Resource Manager/);
    expect(text).toMatch(/rbac\/cluster-admin-bound.*: it is decided on the permission index/);
    expect(text).toContain('Pod Security Standards checks follow v1.37, the newest version Palisade knows');
  });

  it('takes the mode, extra namespaces, the PSS version and the rules to enforce', async () => {
    const r = await runCli([
      'admission', 'policies', '--mode', 'deny', '--exclude-namespace', 'ingress-nginx', '--exclude-namespace', 'monitoring',
      '--pss-version', 'v1.30', '--rule', 'workload/privileged-container', '--rule', 'workload/probe-host-override', '--rule', 'workload/image-*',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const parsed = docs(r.stdout);
    expect(parsed.filter((d) => d.kind === 'ValidatingAdmissionPolicy').map((d) => d.metadata.name)).toEqual([
      'palisade-workload-privileged-container',
      'palisade-workload-image-tag-latest',
      'palisade-workload-image-pull-policy-not-always',
      'palisade-workload-image-not-pinned-by-digest',
    ]);
    const binding = parsed.find((d) => d.kind === 'ValidatingAdmissionPolicyBinding')!;
    expect(binding.spec.validationActions).toEqual(['Deny']);
    const values = binding.spec.matchResources?.namespaceSelector.matchExpressions[0]?.values;
    expect(values).toEqual(expect.arrayContaining(['kube-system', 'gatekeeper-system', 'calico-system', 'tigera-operator', 'ingress-nginx', 'monitoring']));
    expect(parsed[0]?.metadata.annotations?.['palisade.io/pss-version']).toBe('v1.30');
    const text = header(r.stdout);
    expect(text).toContain('Pod Security Standards checks follow v1.30.');
    expect(text).toContain('workload/probe-host-override: Pod Security Standards v1.30 do not have the hostProbesAndHostLifecycle check (it exists from v1.34).');
  });

  it('selects the Pod Security baseline checks with --framework pss-baseline', async () => {
    const r = await runCli(['admission', 'policies', '--framework', 'pss-baseline', '--mode', 'warn']);
    expect(r.code).toBe(0);
    const policies = docs(r.stdout).filter((d) => d.kind === 'ValidatingAdmissionPolicy');
    expect(policies).toHaveLength(12);
    for (const p of policies) expect(p.metadata.annotations?.['palisade.io/pss-version']).toBe('v1.37');
    expect(policies.map((p) => p.metadata.name)).toContain('palisade-workload-host-namespace');
    expect(policies.map((p) => p.metadata.name)).not.toContain('palisade-workload-run-as-non-root-not-set');
    // Its findings outside the baseline set carry the pss reference, but its CEL would refuse SETPCAP, which baseline allows.
    expect(policies.map((p) => p.metadata.name)).not.toContain('palisade-workload-dangerous-capability-added');
  });

  it('reads rule settings from the config file: trusted registries and mutable tags', async () => {
    const dir = tempTree({ '.palisade.yaml': 'settings:\n  trustedRegistries: ["registry.corp.example", "*.azurecr.io"]\n  mutableTags: [stable]\n' });
    const r = await runCli(['admission', 'policies', '--rule', 'workload/untrusted-registry', '--rule', 'workload/image-tag-latest'], { cwd: dir });
    expect(r.code).toBe(0);
    const [registry, , latest] = docs(r.stdout);
    expect(registry?.spec.validations?.[0]?.expression).toBe(
      "variables.images.all(r, (r.registry in ['registry.corp.example', 'registry.corp.example:443'] || (r.registry.endsWith('.azurecr.io') || r.registry.endsWith('.azurecr.io:443'))))",
    );
    expect(latest?.spec.validations?.[0]?.expression).toContain("r.tag.matches('^(?:stable)$')");
  });

  it('leaves the webhook\'s namespace out, palisade-system unless --webhook-namespace names another', async () => {
    const excludedBy = async (args: string[]) => {
      const r = await runCli(['admission', 'policies', '--rule', 'workload/image-*', '--mode', 'deny', ...args]);
      expect(r.code).toBe(0);
      return docs(r.stdout).find((d) => d.kind === 'ValidatingAdmissionPolicyBinding')!.spec.matchResources!.namespaceSelector.matchExpressions[0]!.values;
    };
    expect(await excludedBy([])).toContain('palisade-system');
    const other = await excludedBy(['--webhook-namespace', 'sec']);
    expect(other).toContain('sec');
    expect(other).not.toContain('palisade-system');
    const bad = await runCli(['admission', 'policies', '--webhook-namespace', 'Sec']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--webhook-namespace takes a namespace name, not "Sec"/);
  });

  it('carries the config\'s exceptions and, when the webhook honours them, ignore annotations, warning about expiry', async () => {
    const dir = tempTree({
      'cfg.yaml': [
        'rules:\n  skip: ["workload/naked-pod"]',
        'webhook:\n  allowIgnoreAnnotation: true',
        'exceptions:',
        '  - {rule: workload/host-path-volume, resources: ["monitoring/DaemonSet/node-exporter"], reason: node metrics}',
        '  - {rule: workload/host-path-volume, resources: ["logs/DaemonSet/fluent-bit"], reason: migration, expires: "2999-01-31"}',
        '  - {rule: workload/host-port, resources: ["logs/DaemonSet/fluent-bit"], reason: gone, expires: "2001-01-31"}',
        '',
      ].join('\n'),
    });
    const r = await runCli(['admission', 'policies', '--config', join(dir, 'cfg.yaml'), '--rule', 'workload/host-*', '--rule', 'workload/naked-pod']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: exception for workload\/host-path-volume on logs\/DaemonSet\/fluent-bit expires on 2999-01-31, but a policy has no clock/);
    expect(r.stderr).toMatch(/warning: exception for workload\/host-port on logs\/DaemonSet\/fluent-bit expired on 2001-01-31 and no longer applies/);
    const policies = docs(r.stdout).filter((d) => d.kind === 'ValidatingAdmissionPolicy');
    expect(policies.map((p) => p.metadata.name)).not.toContain('palisade-workload-naked-pod');
    const conditions = (name: string) => (policies.find((p) => p.metadata.name === name)!.spec.matchConditions as Array<{ name: string; expression: string }>).map((c) => c.name);
    expect(conditions('palisade-workload-host-path-volume')).toEqual(['created-or-pod-changed', 'not-excepted', 'not-ignored-by-annotation']);
    expect(conditions('palisade-workload-host-port')).toEqual(['created-or-pod-changed', 'not-ignored-by-annotation']);
    expect(header(r.stdout)).toContain('workload/host-path-volume on logs/DaemonSet/fluent-bit: expires on 2999-01-31.');
  });

  it("leaves out what the webhook's exemptions admit unexamined, and warns about exceptions without a namespace", async () => {
    const dir = tempTree({
      'cfg.yaml': [
        'webhook:',
        '  exemptNamespaces: ["flux-system", "team-*"]',
        '  exemptUsers: ["system:serviceaccount:flux-system:*"]',
        'exceptions:',
        '  - {rule: workload/host-path-volume, resources: ["-/Deployment/api"], reason: rendered chart}',
        '',
      ].join('\n'),
    });
    const r = await runCli(['admission', 'policies', '--config', join(dir, 'cfg.yaml'), '--rule', 'workload/host-path-volume']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: exception for workload\/host-path-volume: resource "-\/Deployment\/api" matches manifests without a namespace only/);
    const [policy] = docs(r.stdout).filter((d) => d.kind === 'ValidatingAdmissionPolicy');
    const conditions = (policy!.spec.matchConditions as Array<{ name: string; expression: string }>).map((c) => c.name);
    expect(conditions).toEqual(['created-or-pod-changed', 'not-exempt-namespace', 'not-exempt-user', 'not-excepted']);
    expect(header(r.stdout)).toContain('namespaces matching flux-system, team-*; requests of users matching system:serviceaccount:flux-system:*');
  });

  it('with --fail-on enforces only the rules whose findings can reach it', async () => {
    const r = await runCli(['admission', 'policies', '--fail-on', 'critical']);
    expect(r.code).toBe(0);
    const names = docs(r.stdout).filter((d) => d.kind === 'ValidatingAdmissionPolicy').map((d) => d.metadata.name);
    // workload/host-path-volume refuses the critical workload/sensitive-host-path volumes in its stead.
    expect(names).toEqual(['palisade-workload-privileged-container', 'palisade-workload-host-path-volume', 'palisade-workload-windows-host-process']);
    expect(header(r.stdout)).toMatch(/Below --fail-on critical: these rules are not enforced: .*workload\/host-port/);
    expect(header(r.stdout)).not.toMatch(/Below --fail-on critical: .*workload\/host-path-volume/);
    expect(r.stderr).toContain('workload/host-path-volume (high) is enforced at --fail-on critical in the stead of workload/sensitive-host-path (critical)');
  });

  it('says so when no selected rule has a CEL form', async () => {
    const r = await runCli(['admission', 'policies', '--rule', 'rbac/*']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no selected rule can be enforced in CEL');
    expect(docs(r.stdout)).toEqual([]);
    expect(header(`${r.stdout}\n---\n`)).toContain('rbac/cluster-admin-bound');
  });

  it('writes to a file with -o', async () => {
    const dir = tempTree({});
    const out = join(dir, 'policies.yaml');
    const r = await runCli(['admission', 'policies', '--rule', 'workload/host-port', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(docs(readFileSync(out, 'utf8')).map((d) => d.kind)).toEqual(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']);
  });

  it.each([
    [['--mode', 'enforce'], /argument 'enforce' is invalid/],
    [['--exclude-namespace', 'Not_A_Namespace'], /--exclude-namespace takes namespace names, not "Not_A_Namespace"/],
    [['--pss-version', 'v0.9'], /--pss-version must be latest or v1.N/],
    [['--rule', 'workload/no-such-rule'], /unknown rule "workload\/no-such-rule"/],
  ])('refuses %j as a usage error', async (args, message) => {
    const r = await runCli(['admission', 'policies', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
