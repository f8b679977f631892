import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';

const MANIFESTS = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get, list]}
- {apiGroups: [""], resources: [pods/exec], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-shop, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: ServiceAccount, name: web}
- {kind: Group, name: devs}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dangling}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: not-there}
subjects: [{kind: User, name: bob}]
`;

describe('palisade rbac who-can', () => {
  const dir = tempTree({ 'rbac.yaml': MANIFESTS });

  it('prints each grant with its binding and role, and warns about missing roles', async () => {
    const r = await runCli(['rbac', 'who-can', 'get', 'secrets', '-n', 'shop', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ServiceAccount:shop/web');
    expect(r.stdout).toMatch(/Group:devs\s+shop\s+RoleBinding\/shop\/read-shop\s+ClusterRole\/secret-reader/);
    expect(r.stdout).toContain('2 grants to 2 subjects allow get secrets in namespace shop');
    expect(r.stderr).toMatch(/warning: .*rbac\.yaml:1?\d*: ClusterRoleBinding\/dangling refers to ClusterRole not-there/);
  });

  it('lists a binding once, though its role matches the query once per API group', async () => {
    const perGroup = tempTree({
      'rbac.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: widgets}
rules:
- {apiGroups: [a.example.com], resources: ["*"], verbs: [get]}
- {apiGroups: [b.example.com], resources: ["*"], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: widgets}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: widgets}
subjects: [{kind: User, name: ann, apiGroup: rbac.authorization.k8s.io}]
`,
    });
    const r = await runCli(['rbac', 'who-can', 'get', 'widgets', perGroup]);
    expect(r.stdout).toContain('1 grants to 1 subjects allow get widgets');
  });

  it('an empty answer is a success', async () => {
    const r = await runCli(['rbac', 'who-can', 'get', 'secrets', '-n', 'prod', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('no grant allows get secrets in namespace prod\n');
  });

  it('subresources and JSON output', async () => {
    const r = await runCli(['rbac', 'who-can', 'create', 'pods/exec', '-f', 'json', dir]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { schema: string; query: unknown; grants: Array<{ subject: unknown; scope: string; via: unknown }>; missingRoles: unknown[] };
    expect(report.schema).toBe('palisade.rbac.who-can/v1');
    expect(report.query).toEqual({ verb: 'create', resource: 'pods', subresource: 'exec' });
    expect(report.grants[0]).toEqual({
      subject: { kind: 'ServiceAccount', name: 'web', namespace: 'shop' },
      scope: 'shop',
      via: { binding: { kind: 'RoleBinding', namespace: 'shop', name: 'read-shop' }, role: { kind: 'ClusterRole', name: 'secret-reader' }, ruleIndex: 1 },
    });
    expect(report.missingRoles).toHaveLength(1);
  });

  it('reads stdin and honours --name', async () => {
    const r = await runCli(['rbac', 'who-can', 'get', 'secrets', '--name', 'db', '-n', 'shop', '-'], { stdin: MANIFESTS });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('named db in namespace shop');
  });

  it('says that a create carries no name, whatever --name asks', async () => {
    const r = await runCli(['rbac', 'who-can', 'create', 'secrets', '--name', 'tls-cert', '-n', 'shop', '-'], { stdin: MANIFESTS });
    expect(r.stdout).toContain('note: a create request carries no name, so a grant restricted by resourceNames (to tls-cert or any other) never allows it: such grants are not listed');
  });

  it('does not list a grant restricted by resourceNames as allowing a create', async () => {
    const named = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: tls, namespace: shop}
rules: [{apiGroups: [""], resources: [secrets], verbs: [create, get], resourceNames: [tls-cert]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: tls, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: tls}
subjects: [{kind: User, name: cert-bot}]
`;
    const r = await runCli(['rbac', 'who-can', 'create', 'secrets', '--name', 'tls-cert', '-n', 'shop', '-f', 'json', '-'], { stdin: named });
    expect((JSON.parse(r.stdout) as { grants: unknown[] }).grants).toEqual([]);
    const get = await runCli(['rbac', 'who-can', 'get', 'secrets', '--name', 'tls-cert', '-n', 'shop', '-'], { stdin: named });
    expect(get.stdout).toContain('User:cert-bot');
  });

  it('usage errors exit 2', async () => {
    for (const args of [['rbac', 'who-can', 'get', 'secrets'], ['rbac', 'who-can', 'get', 'pods/', dir], ['rbac', 'who-can', 'get'], ['rbac', 'who-can', 'get', 'pods', '-f', 'xml', dir]]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it('resolves kubectl spellings, and warns on stderr of a verb or TYPE/NAME that matches nothing asked', async () => {
    const singular = await runCli(['rbac', 'who-can', 'get', 'Secret', '-n', 'shop', dir]);
    expect(singular.stdout).toContain('2 grants to 2 subjects allow get secrets in namespace shop');
    expect(singular.stderr).not.toMatch(/warning: (unknown|secrets has)/);
    const typo = await runCli(['rbac', 'who-can', 'gett', 'secrets', '-n', 'shop', dir]);
    expect(typo.code).toBe(0);
    expect(typo.stderr).toContain('palisade: warning: unknown verb "gett" (did you mean get?)');
    const typeName = await runCli(['rbac', 'who-can', 'get', 'secrets/db-password', '-n', 'shop', dir]);
    expect(typeName.code).toBe(0);
    expect(typeName.stderr).toContain('to ask about the object named db-password, give secrets --name db-password');
  });

  it('an unreadable input exits 2', async () => {
    const r = await runCli(['rbac', 'who-can', 'get', 'secrets', `${dir}/missing.yaml`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.yaml');
  });
});

describe('palisade rbac can', () => {
  const dir = tempTree({ 'rbac.yaml': MANIFESTS });

  it('lists the rules of a service account in both spellings', async () => {
    for (const subject of ['ServiceAccount:shop/web', 'system:serviceaccount:shop:web']) {
      const r = await runCli(['rbac', 'can', subject, dir]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/shop\s+get,list\s+secrets \[core\]\s+RoleBinding\/shop\/read-shop\s+ClusterRole\/secret-reader\s+ServiceAccount:shop\/web/);
      expect(r.stdout).toContain('holds 2 rules');
    }
  });

  it('JSON names the groups of the identity', async () => {
    const r = await runCli(['rbac', 'can', 'User:alice', '-f', 'json', dir]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { identity: unknown; rules: unknown[] };
    expect(report.identity).toEqual({ user: 'alice', groups: ['system:authenticated'] });
    expect(report.rules).toEqual([]);
  });

  it('says that a group\'s members also hold what every signed-in identity holds', async () => {
    const r = await runCli(['rbac', 'can', 'Group:devs', dir]);
    expect(r.stdout).toContain("note: these are the group's own rules: each member also holds what system:authenticated holds");
  });

  it('says that system:masters is allowed everything before RBAC is asked', async () => {
    const r = await runCli(['rbac', 'can', 'Group:system:masters', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: system:masters is allowed every request before RBAC is consulted: whatever the rules above, it is cluster-admin');
  });

  it('says which rules, or parts of them, a RoleBinding cannot grant', async () => {
    const mixed = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: mixed}
rules:
- {nonResourceURLs: ["/logs/*"], verbs: [get]}
- {apiGroups: [""], resources: [pods, nodes], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: mixed}
subjects: [{kind: Group, name: "system:serviceaccounts:shop", apiGroup: rbac.authorization.k8s.io}]
`;
    const r = await runCli(['rbac', 'can', 'ServiceAccount:shop/x', tempTree({ 'rbac.yaml': mixed })]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/shop\s+get\s+\/logs\/\* \(grants nothing here\)\s+RoleBinding\/shop\/rb/);
    expect(r.stdout).toMatch(/shop\s+get\s+pods,nodes \[core\] \(not granted here: nodes\)\s+RoleBinding\/shop\/rb/);
    expect(r.stdout).toContain('holds 2 rules (1 of them grants nothing: a RoleBinding grants no cluster-scoped resource and no non-resource URL)');
  });

  it('says that a RoleBinding grants bind alone on clusterroles', async () => {
    const manager = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: rbac-manager}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles, roles], verbs: [bind, escalate]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-rbac, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: rbac-manager}
subjects: [{kind: Group, name: team-a-leads, apiGroup: rbac.authorization.k8s.io}]
`;
    const r = await runCli(['rbac', 'can', 'Group:team-a-leads', tempTree({ 'rbac.yaml': manager })]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/team-a\s+bind,escalate\s+clusterroles,roles \[rbac\.authorization\.k8s\.io\] \(not granted here: escalate clusterroles\)\s+RoleBinding/);
    expect(r.stdout).toMatch(/team-a\s+\*\s+clusterroles \[rbac\.authorization\.k8s\.io\] \(not granted here: clusterroles \(every verb but bind\)\)\s+RoleBinding/);
    expect(r.stdout).toContain('holds 2 rules\n');
  });

  it('marks RESOURCE/* as granting nothing: it is a literal name, not a subresource wildcard', async () => {
    const literal = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: lit}
rules:
- {apiGroups: [""], resources: ["pods/*"], verbs: [create]}
- {apiGroups: [""], resources: [pods, "pods/*"], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: lit}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: lit}
subjects: [{kind: User, name: jane}]
`;
    const r = await runCli(['rbac', 'can', 'User:jane', tempTree({ 'rbac.yaml': literal })]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cluster\s+create\s+pods\/\* \[core\] \(grants nothing: pods\/\* is literal: no request matches\)/);
    expect(r.stdout).toMatch(/cluster\s+get\s+pods,pods\/\* \[core\] \(pods\/\* grants nothing\)/);
    expect(r.stdout).toContain('holds 2 rules (1 of them grants nothing: RESOURCE/* names a subresource called *, which no request asks for)');
  });

  it('a malformed subject exits 2', async () => {
    const r = await runCli(['rbac', 'can', 'alice', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SUBJECT must be');
  });
});

describe('palisade rbac risky', () => {
  const files = {
    'rbac.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: deployer, namespace: ci}]
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ci}
spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}
`,
  };
  it('lists only the rbac rules, and exits 0 by default', async () => {
    const dir = tempTree(files);
    const r = await runCli(['rbac', 'risky', dir, '-f', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: Array<{ rule: string; message: string }> };
    expect(report.findings.map((f) => f.rule)).toEqual(['rbac/cluster-admin-bound']);
    expect(report.findings[0]?.message).toContain('ServiceAccount ci/deployer');
  });
  it('notes each binding whose role is not in the input', async () => {
    const dangling = tempTree({
      ...files,
      'dangling.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: support-logs, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: logs}
subjects: [{kind: Group, name: support}]
`,
    });
    const r = await runCli(['rbac', 'risky', dangling, '-f', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { notes: Array<{ source: string; line?: number; message: string }> };
    expect(report.notes).toContainEqual({
      source: `${dangling}/dangling.yaml`,
      line: 1,
      message: "RoleBinding/ci/support-logs refers to Role ci/logs, which is not in the input: what it grants is not counted (add the role's manifest to count it)",
    });
  });

  it('gates with --fail-on', async () => {
    const dir = tempTree(files);
    expect((await runCli(['rbac', 'risky', dir, '--fail-on', 'critical'])).code).toBe(1);
  });
  it('writes SARIF under a category of its own, palisade/rbac unless --sarif-category names one', async () => {
    const dir = tempTree(files);
    const category = async (extra: string[]) => (JSON.parse((await runCli(['rbac', 'risky', dir, '-f', 'sarif', ...extra])).stdout) as { runs: Array<{ automationDetails: { id: string } }> }).runs[0]?.automationDetails.id;
    expect(await category([])).toBe('palisade/rbac/');
    expect(await category(['--sarif-category', 'rbac/prod'])).toBe('rbac/prod/');
  });
});
