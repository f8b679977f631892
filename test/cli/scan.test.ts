import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { runCli, tempTree } from '../helpers/cli.js';

const privileged = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: app
        image: shop.azurecr.io/web@sha256:${'a'.repeat(64)}
        securityContext:
          privileged: true
`;

const hardenedPod = `apiVersion: v1
kind: Pod
metadata:
  name: ok
  namespace: shop
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: app
    image: shop.azurecr.io/ok@sha256:${'b'.repeat(64)}
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
`;

function json(stdout: string): Report {
  return JSON.parse(stdout) as Report;
}

describe('palisade scan exit codes', () => {
  it('exits 1 when a finding reaches --fail-on (default high) and points at the exact line', async () => {
    const dir = tempTree({ 'web.yaml': privileged });
    const r = await runCli(['scan', dir, '-f', 'json']);
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    const f = report.findings.find((x) => x.rule === 'workload/privileged-container');
    expect(f).toMatchObject({
      severity: 'critical',
      container: 'app',
      field: 'spec.template.spec.containers[0].securityContext.privileged',
      location: { file: join(dir, 'web.yaml'), line: 13 },
      evidence: { observed: true, expected: false },
      verify: "kubectl get deploy web -n shop -o jsonpath='{.spec.template.spec.containers[0].securityContext.privileged}'",
    });
    expect(f?.frameworks).toContainEqual({ framework: 'pss', level: 'baseline', id: 'privileged' });
  });

  it('exits 0 when nothing reaches --fail-on', async () => {
    const dir = tempTree({ 'web.yaml': privileged });
    const r = await runCli(['scan', dir, '--rule', 'workload/privileged-container', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const r2 = await runCli(['scan', dir, '--rule', 'workload/host-namespace']);
    expect(r2.code).toBe(0);
  });

  it('exits 2 on an unreadable input but still reports the rest', async () => {
    const dir = tempTree({ 'web.yaml': privileged, 'broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n' });
    const r = await runCli(['scan', dir, '-f', 'json']);
    expect(r.code).toBe(2);
    const report = json(r.stdout);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]?.source).toBe(join(dir, 'broken.yaml'));
    expect(report.findings.some((f) => f.rule === 'workload/privileged-container')).toBe(true);
    expect(r.stderr).toContain(`${join(dir, 'broken.yaml')}:`);
  });

  it('exits 2 on a missing path', async () => {
    const r = await runCli(['scan', '/nonexistent/palisade-path']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent/palisade-path: cannot read: no such file or directory');
  });

  it('treats an unknown --rule or --skip-rule id as a usage error, never a silent pass', async () => {
    const dir = tempTree({ 'web.yaml': privileged });
    const a = await runCli(['scan', dir, '--rule', 'workload/no-such-rule']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown rule "workload/no-such-rule"');
    const b = await runCli(['scan', dir, '--skip-rule', 'typo/*']);
    expect(b.code).toBe(2);
    const c = await runCli(['scan', dir, '--rule', 'workload/privileged-contianer']);
    expect(c.stderr).toContain('unknown rule "workload/privileged-contianer" (see `palisade rules`); did you mean workload/privileged-container?');
  });

  // Exit 1 means findings (or alerts): a parse error of any command, however deep, must not look like one.
  it.each([
    [['audit', 'detect', '-', '--bogus']],
    [['audit', 'detect', '-', '--input', 'bogus']],
    [['audit', 'detectors', '-f', 'zzz']],
    [['image', 'scan']],
    [['db', 'import']],
    [['db', 'status', '--bogus']],
    [['db', 'update', '-f', 'zzz']],
    [['rbac', 'who-can']],
    [['netpol', 'reach', '--bogus']],
    [['aks', 'drift', '--bogus']],
    [['manifests', 'scanner-rbac', '--bogus']],
    [['scan', '--bogus']],
  ])('exits 2 on the usage error %j', async (args) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error|unknown|missing|invalid|give/i);
  });

  it('says plainly when -o cannot be written, for streamed and whole reports alike', async () => {
    const dir = tempTree({ 'web.yaml': privileged });
    for (const format of ['json', 'sarif']) {
      const r = await runCli(['scan', join(dir, 'web.yaml'), '-f', format, '-o', join(dir, 'no-such-dir', 'out')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`cannot write ${join(dir, 'no-such-dir', 'out')}: no such file or directory`);
      const onDir = await runCli(['scan', join(dir, 'web.yaml'), '-f', format, '-o', dir]);
      expect(onDir.code).toBe(2);
      expect(onDir.stderr).toContain(`cannot write ${dir}: is a directory`);
      for (const x of [r, onDir]) expect(x.stderr).not.toMatch(/internal error|ENOENT|EISDIR/);
    }
  });

  it('treats filters that select no rule as a usage error', async () => {
    const dir = tempTree({ 'web.yaml': privileged });
    const r = await runCli(['scan', dir, '--rule', 'workload/privileged-container', '--pillar', 'monitoring']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('select no rule');
  });

  it('rejects unknown flags and values with exit 2', async () => {
    expect((await runCli(['scan', '.', '--fail-on', 'severe'])).code).toBe(2);
    expect((await runCli(['scan', '.', '--no-such-flag'])).code).toBe(2);
    expect((await runCli(['scan', '.', '--pillar', 'nope'])).code).toBe(2);
    const v = await runCli(['scan', '.', '--pss-version', 'v0.9']);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('--pss-version must be latest or v1.N');
  });

  it('reads stdin with -', async () => {
    const r = await runCli(['scan', '-', '-f', 'json', '--rule', 'workload/privileged-container'], { stdin: privileged });
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(report.findings[0]?.location).toEqual({ file: '-', line: 13 });
  });

  it('refuses standard input that is not UTF-8, naming the line', async () => {
    const bytes = Buffer.concat([Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: '), Buffer.from([0xe9]), Buffer.from('\n')]);
    const r = await runCli(['scan', '-', '-f', 'json'], { stdin: bytes });
    expect(r.code).toBe(2);
    expect(json(r.stdout).errors).toEqual([{ source: '-', message: 'invalid UTF-8 at line 4: send UTF-8' }]);
  });

  it('never passes an empty pipe or an input with nothing to check in silence', async () => {
    // `helm template … | palisade scan -` with a failing helm: an input error, exit 2.
    const empty = await runCli(['scan', '-', '-f', 'json'], { stdin: '  \n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('-: standard input is empty: did the command before the pipe fail?');
    expect(json(empty.stdout).errors).toEqual([{ source: '-', message: 'standard input is empty: did the command before the pipe fail?' }]);
    // A folder with no manifest passes (nothing is wrong in it) but says that nothing was checked.
    const dir = tempTree({ 'README.md': '# not a manifest', 'chart/values.yaml.j2': 'x: {{ y }}' });
    const nothing = await runCli(['scan', dir]);
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toContain(`${dir}: no Kubernetes objects or Azure settings found (0 files read): nothing was checked`);
  });

  it('scans a clean estate with exit 0', async () => {
    const dir = tempTree({ 'ok.yaml': hardenedPod });
    const r = await runCli(['scan', dir, '-f', 'json', '--framework', 'pss-restricted']);
    expect(r.code).toBe(0);
    expect(json(r.stdout).summary.findings).toBe(0);
  });
});

describe('palisade scan --framework', () => {
  // SYS_ADMIN opens a way to the node (MITRE T1611); NET_RAW does not, so its finding carries no technique.
  const caps = `apiVersion: v1
kind: Pod
metadata: {name: caps, namespace: shop}
spec:
  containers:
  - name: app
    image: shop.azurecr.io/caps@sha256:${'c'.repeat(64)}
    securityContext:
      capabilities: {add: [SYS_ADMIN, NET_RAW]}
`;

  it('lists only the findings that carry a reference to the framework, and counts only those', async () => {
    const dir = tempTree({ 'caps.yaml': caps });
    const all = json((await runCli(['scan', dir, '-f', 'json', '--rule', 'workload/dangerous-capability-added'])).stdout);
    expect(all.findings.map((f) => f.field)).toEqual([
      'spec.containers[0].securityContext.capabilities.add[0]',
      'spec.containers[0].securityContext.capabilities.add[1]',
    ]);
    const r = await runCli(['scan', dir, '-f', 'json', '--rule', 'workload/dangerous-capability-added', '--framework', 'mitre', '--fail-on', 'medium']);
    const report = json(r.stdout);
    expect(report.findings.map((f) => f.field)).toEqual(['spec.containers[0].securityContext.capabilities.add[0]']);
    expect(report.findings[0]?.frameworks).toContainEqual({ framework: 'mitre', id: 'T1611' });
    expect(report.summary.findings).toBe(1);
    expect(r.code).toBe(1);
  });

  it('does not call a finding fixed when the framework only left it out', async () => {
    const dir = tempTree({ 'caps.yaml': caps });
    await runCli(['scan', dir, '-f', 'json', '-o', join(dir, 'before.json'), '--rule', 'workload/dangerous-capability-added']);
    const r = await runCli(['scan', join(dir, 'caps.yaml'), '-f', 'json', '--baseline', join(dir, 'before.json'), '--framework', 'mitre', '--rule', 'workload/dangerous-capability-added']);
    expect(json(r.stdout).baseline).toMatchObject({ new: 0, existing: 1, fixed: [] });
    expect(r.code).toBe(0);
  });
});

describe('palisade scan --baseline', () => {
  it('counts only new findings toward the exit code and lists fixed ones', async () => {
    const dir = tempTree({ 'web.yaml': privileged });
    const first = await runCli(['scan', dir, '-f', 'json', '-o', join(dir, 'before.json'), '--rule', 'workload/privileged-container']);
    expect(first.code).toBe(1);
    const same = await runCli(['scan', join(dir, 'web.yaml'), '-f', 'json', '--baseline', join(dir, 'before.json'), '--rule', 'workload/privileged-container']);
    expect(same.code).toBe(0);
    const report = json(same.stdout);
    expect(report.findings.every((f) => f.baseline === 'existing')).toBe(true);
    expect(report.baseline).toMatchObject({ new: 0, existing: 1, fixed: [] });

    writeFileSync(join(dir, 'web.yaml'), privileged.replace('privileged: true', 'privileged: false'));
    const after = await runCli(['scan', join(dir, 'web.yaml'), '-f', 'json', '--baseline', join(dir, 'before.json'), '--rule', 'workload/privileged-container']);
    expect(after.code).toBe(0);
    expect(json(after.stdout).baseline?.fixed.map((f) => f.rule)).toEqual(['workload/privileged-container']);
  });

  it('lists as fixed what a baseline taken with another form of the same path holds, and reads a baseline with a BOM', async () => {
    const dir = tempTree({ 'k8s/web.yaml': privileged });
    // The baseline of an absolute path, the rescan of the relative one from the same directory.
    await runCli(['scan', join(dir, 'k8s'), '-f', 'json', '-o', join(dir, 'before.json'), '--rule', 'workload/privileged-container']);
    writeFileSync(join(dir, 'k8s/web.yaml'), privileged.replace('privileged: true', 'privileged: false'));
    const after = await runCli(['scan', 'k8s', '-f', 'json', '--baseline', 'before.json', '--rule', 'workload/privileged-container'], { cwd: dir });
    expect(json(after.stdout).baseline?.fixed.map((f) => f.rule)).toEqual(['workload/privileged-container']);
    // PowerShell's Out-File writes a byte-order mark.
    writeFileSync(join(dir, 'bom.json'), `\uFEFF${readFileSync(join(dir, 'before.json'), 'utf8')}`);
    const bom = await runCli(['scan', 'k8s', '-f', 'json', '--baseline', 'bom.json', '--rule', 'workload/privileged-container'], { cwd: dir });
    expect(bom.code).toBe(0);
    expect(json(bom.stdout).baseline?.fixed).toHaveLength(1);
  });

  it('exits 1 for a finding that is not in the baseline', async () => {
    const dir = tempTree({ 'ok.yaml': hardenedPod });
    await runCli(['scan', dir, '-f', 'json', '-o', join(dir, 'before.json'), '--rule', 'workload/privileged-container']);
    const worse = tempTree({ 'ok.yaml': hardenedPod, 'web.yaml': privileged });
    const r = await runCli(['scan', worse, '-f', 'json', '--baseline', join(dir, 'before.json'), '--rule', 'workload/privileged-container']);
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings[0]?.baseline).toBe('new');
  });

  it('does not call findings fixed that this scan did not look at', async () => {
    const dir = tempTree({ 'a/web.yaml': privileged, 'b/web.yaml': privileged.replace('name: web', 'name: api') });
    await runCli(['scan', dir, '-f', 'json', '-o', join(dir, 'before.json'), '--rule', 'workload/privileged-container']);
    const r = await runCli(['scan', join(dir, 'a'), '-f', 'json', '--baseline', join(dir, 'before.json'), '--rule', 'workload/privileged-container']);
    expect(json(r.stdout).baseline).toMatchObject({ new: 0, existing: 1, fixed: [] });
    const other = await runCli(['scan', join(dir, 'a'), '-f', 'json', '--baseline', join(dir, 'before.json'), '--rule', 'workload/host-namespace']);
    expect(json(other.stdout).baseline?.fixed).toEqual([]);
  });

  it('refuses a baseline whose entries are not findings', async () => {
    const dir = tempTree({ 'web.yaml': privileged, 'b.json': '{"schema":"palisade.report/v1","findings":[{"id":"x","rule":"r"}]}' });
    const r = await runCli(['scan', join(dir, 'web.yaml'), '-f', 'table', '--baseline', join(dir, 'b.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('findings[0] is not a finding');
  });

  it('refuses a baseline that is not a palisade report', async () => {
    const dir = tempTree({ 'web.yaml': privileged, 'junk.json': '{"hello": 1}' });
    const r = await runCli(['scan', join(dir, 'web.yaml'), '--baseline', join(dir, 'junk.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a palisade JSON report');
  });

  it('says where a baseline is not JSON without quoting it, and when it cannot be read', async () => {
    const dir = tempTree({ 'web.yaml': privileged, 'cut.json': '{"schema":"palisade.report/v1",\n "findings": [{"message": "key DB_PASSWORD" oops' });
    const cut = await runCli(['scan', join(dir, 'web.yaml'), '--baseline', join(dir, 'cut.json')]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toContain(`baseline ${join(dir, 'cut.json')}: invalid JSON at line 2, column 45: expected ',' or '}'`);
    expect(cut.stderr).not.toContain('DB_PASSWORD');
    const missing = await runCli(['scan', join(dir, 'web.yaml'), '--baseline', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read: no such file or directory');
    expect(missing.stderr).not.toContain('ENOENT');
  });
});

describe('exceptions and annotations', () => {
  const config = (body: string) => `exceptions:\n${body}`;

  it('suppresses with a live exception, keeps the finding with its reason, and exits 0', async () => {
    const dir = tempTree({
      'web.yaml': privileged,
      '.palisade.yaml': config('  - rule: workload/privileged-container\n    resources: ["shop/Deployment/web"]\n    reason: "vendor agent, ticket SEC-12"\n    expires: 2999-01-01\n'),
    });
    const r = await runCli(['scan', 'web.yaml', '-f', 'json', '--rule', 'workload/privileged-container'], { cwd: dir });
    expect(r.code).toBe(0);
    const f = json(r.stdout).findings[0];
    expect(f?.suppressed).toEqual({ kind: 'exception', reason: 'vendor agent, ticket SEC-12', expires: '2999-01-01' });
    expect(json(r.stdout).summary).toMatchObject({ findings: 0, suppressed: 1 });
  });

  it('covers the Pods of a Job made by hand from an excepted CronJob when the Job is in the input', async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: {name: backup-manual, namespace: batch, ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: backup, controller: true}]}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: x, securityContext: {privileged: true}}]}}}
---
apiVersion: v1
kind: Pod
metadata: {name: backup-manual-q9v4z, namespace: batch, ownerReferences: [{kind: Job, name: backup-manual, controller: true}]}
spec: {restartPolicy: Never, containers: [{name: c, image: x, securityContext: {privileged: true}}], ephemeralContainers: [{name: debugger, image: x, securityContext: {privileged: true}}]}
`;
    // The Pod folds into its Job but for the debug container added to it, which is checked on the Pod.
    const dir = tempTree({ 'job.yaml': job, '.palisade.yaml': config('  - rule: workload/privileged-container\n    resources: ["batch/CronJob/backup"]\n    reason: "backup agent needs the host"\n') });
    const r = await runCli(['scan', 'job.yaml', '-f', 'json', '--rule', 'workload/privileged-container'], { cwd: dir });
    expect(json(r.stdout).findings.map((f) => [f.resource.kind, f.suppressed?.reason])).toEqual([
      ['Job', 'backup agent needs the host'],
      ['Pod', 'backup agent needs the host'],
    ]);
    expect(r.code).toBe(0);
  });

  it('stops applying an expired exception and warns naming it', async () => {
    const dir = tempTree({
      'web.yaml': privileged,
      'cfg.yaml': config('  - rule: workload/*\n    resources: ["shop/*"]\n    reason: temporary\n    expires: 2020-01-31\n'),
    });
    const r = await runCli(['scan', join(dir, 'web.yaml'), '--config', join(dir, 'cfg.yaml'), '--rule', 'workload/privileged-container'], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/warning: .*cfg\.yaml: exception for workload\/\* on shop\/\* expired on 2020-01-31/);
  });

  it('honours palisade.io/ignore unless the config forbids it', async () => {
    const annotated = privileged.replace('  namespace: shop\n', '  namespace: shop\n  annotations:\n    palisade.io/ignore: "workload/privileged-container -- GPU driver installer"\n');
    const dir = tempTree({ 'web.yaml': annotated, 'strict.yaml': 'annotations:\n  allowIgnore: false\n' });
    const allowed = await runCli(['scan', join(dir, 'web.yaml'), '-f', 'json', '--rule', 'workload/privileged-container']);
    expect(allowed.code).toBe(0);
    expect(json(allowed.stdout).findings[0]?.suppressed).toEqual({ kind: 'annotation', reason: 'GPU driver installer' });
    const forbidden = await runCli(['scan', join(dir, 'web.yaml'), '-f', 'json', '--config', join(dir, 'strict.yaml'), '--rule', 'workload/privileged-container']);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain('does not allow annotation exemptions');
  });

  it('rejects an invalid config with exit 2 and says what is wrong', async () => {
    const dir = tempTree({ 'web.yaml': privileged, 'cfg.yaml': 'exceptions:\n  - rule: x\n    resources: ["*"]\n' });
    const r = await runCli(['scan', join(dir, 'web.yaml'), '--config', join(dir, 'cfg.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exceptions.0.reason');
  });

  it('names a config it cannot read or parse, and where, in its own words', async () => {
    const dir = tempTree({ 'web.yaml': privileged, 'bad.yaml': 'exceptions:\n  - rule: *not-an-alias\n' });
    const missing = await runCli(['scan', join(dir, 'web.yaml'), '--config', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`config ${join(dir, 'nope.yaml')}: cannot read: no such file or directory`);
    const directory = await runCli(['scan', join(dir, 'web.yaml'), '--config', dir]);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain('cannot read: is a directory');
    const bad = await runCli(['scan', join(dir, 'web.yaml'), '--config', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('line 2: unidentified alias');
    expect(bad.stderr).not.toContain('not-an-alias');
    for (const r of [missing, directory, bad]) expect(r.stderr).not.toMatch(/ENOENT|EISDIR|internal error/);
  });
});

describe('aks-managed profile', () => {
  const coredns = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
  labels: {kubernetes.azure.com/managedby: aks}
spec:
  template:
    spec:
      hostNetwork: true
      containers: [{name: coredns, image: mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3}]
`;
  it('reports AKS components as provider-managed by default, and fails them with --no-aks-managed', async () => {
    const dir = tempTree({ 'coredns.yaml': coredns });
    const on = await runCli(['scan', dir, '-f', 'json', '--rule', 'workload/host-namespace']);
    expect(on.code).toBe(0);
    expect(json(on.stdout).findings[0]?.suppressed?.kind).toBe('provider-managed');
    const off = await runCli(['scan', dir, '-f', 'json', '--rule', 'workload/host-namespace', '--no-aks-managed']);
    expect(off.code).toBe(1);
  });

  it('does not treat a user workload in kube-system as AKS-managed', async () => {
    const dir = tempTree({ 'mine.yaml': coredns.replace(/coredns/g, 'my-agent').replace('labels: {kubernetes.azure.com/managedby: aks}', 'labels: {app: mine}') });
    const r = await runCli(['scan', dir, '-f', 'json', '--rule', 'workload/host-namespace']);
    expect(r.code).toBe(1);
  });
});

describe('exports of a cluster (kubectl get -o yaml)', () => {
  const template = `metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: shop.azurecr.io/web:1, securityContext: {privileged: true}}]}`;
  const exported = `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop, uid: d-1}
  spec:
    template:
      ${template.replace(/\n {4}/g, '\n      ')}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata: {name: web-5d9f8, namespace: shop, uid: rs-1, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d-1, controller: true}]}
  spec:
    template:
      ${template.replace(/\n {4}/g, '\n      ')}
- apiVersion: v1
  kind: Pod
  metadata: {name: web-5d9f8-abcde, namespace: shop, labels: {app: web}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d9f8, uid: rs-1, controller: true}]}
  spec: {containers: [{name: app, image: shop.azurecr.io/web:1, securityContext: {privileged: true}}]}
- apiVersion: v1
  kind: Pod
  metadata: {name: debug, namespace: shop, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: gone, uid: rs-9, controller: true}]}
  spec: {containers: [{name: app, image: shop.azurecr.io/web:1, securityContext: {privileged: true}}]}
`;
  it('check what a controller in the input manages through it, as a live scan does', async () => {
    const dir = tempTree({ 'export.yaml': exported });
    const r = await runCli(['scan', dir, '-f', 'json', '--rule', 'workload/privileged-container']);
    const report = json(r.stdout);
    // The Pod whose ReplicaSet is not in the export is the only view of its workload.
    expect(report.findings.map((f) => `${f.resource.kind}/${f.resource.name}`)).toEqual(['Deployment/web', 'Pod/debug']);
    expect(report.notes).toEqual([{ source: dir, message: '1 Pod is checked through its controller' }]);
    expect(report.summary.resources).toBe(2);
  });

  it('checks an old ReplicaSet that still runs a template its Deployment no longer has (a stuck rollout)', async () => {
    const fixed = exported
      .replace(`  kind: Deployment\n  metadata: {name: web, namespace: shop, uid: d-1}\n  spec:\n    template:\n      ${template.replace(/\n {4}/g, '\n      ')}`, `  kind: Deployment\n  metadata: {name: web, namespace: shop, uid: d-1}\n  spec:\n    template:\n      ${template.replace(/\n {4}/g, '\n      ').replace('privileged: true', 'privileged: false')}`);
    expect(fixed).not.toBe(exported);
    const dir = tempTree({ 'export.yaml': fixed });
    const report = json((await runCli(['scan', dir, '-f', 'json', '--rule', 'workload/privileged-container'])).stdout);
    // The Deployment is fixed; its old ReplicaSet (replicas defaults to 1) still runs the privileged pod.
    expect(report.findings.map((f) => `${f.resource.kind}/${f.resource.name}`)).toEqual(['ReplicaSet/web-5d9f8', 'Pod/debug']);
  });

  it("still checks a managed Pod's ephemeral containers (kubectl debug), which its controller's template never holds", async () => {
    const debugged = exported.replace(
      "  spec: {containers: [{name: app, image: shop.azurecr.io/web:1, securityContext: {privileged: true}}]}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: debug,",
      "  spec: {containers: [{name: app, image: shop.azurecr.io/web:1, securityContext: {privileged: true}}], ephemeralContainers: [{name: debugger-x1, image: busybox, securityContext: {privileged: true}}]}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: debug,",
    );
    expect(debugged).not.toBe(exported);
    const dir = tempTree({ 'export.yaml': debugged });
    const report = json((await runCli(['scan', dir, '-f', 'json', '--rule', 'workload/privileged-container'])).stdout);
    // The Pod speaks for its debug container alone; its app container is the Deployment's finding.
    expect(report.findings.map((f) => `${f.resource.kind}/${f.resource.name} ${f.container}`)).toEqual(['Deployment/web app', 'Pod/web-5d9f8-abcde debugger-x1', 'Pod/debug app']);
  });
});

describe('palisade pss', () => {
  it('warns when nothing it reads bears a pod: a gate that checked nothing', async () => {
    const dir = tempTree({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n' });
    const r = await runCli(['pss', join(dir, 'cm.yaml'), '--level', 'baseline']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no pod-bearing object (Pod, Deployment, ..., CronJob) found: nothing was checked');
  });

  it('prints the verdict JSON per pod-bearing object', async () => {
    const dir = tempTree({ 'web.yaml': `${privileged}---\n${hardenedPod}` });
    const r = await runCli(['pss', join(dir, 'web.yaml'), '--level', 'restricted', '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { schema: string; level: string; version: string; results: Array<{ allowed: boolean; resource: { name: string }; source: { file: string; line: number }; violations: Array<{ check: string }> }> };
    expect(out).toMatchObject({ schema: 'palisade.pss/v1', level: 'restricted', version: 'v1.37' });
    expect(out.results.map((x) => [x.resource.name, x.allowed])).toEqual([['web', false], ['ok', true]]);
    expect(out.results[0]?.source).toEqual({ file: join(dir, 'web.yaml'), line: 1 });
    expect(out.results[0]?.violations.map((v) => v.check)).toContain('privileged');
    expect(out.results[0]?.violations.map((v) => v.check)).toContain('runAsNonRoot');
  });

  it('gives no verdict on an object the API server would refuse, and says why (exit 2)', async () => {
    const dir = tempTree({ 'odd.yaml': `apiVersion: v1\nkind: Pod\nmetadata: {name: odd}\nspec:\n  containers: nginx\n---\n${hardenedPod}` });
    const r = await runCli(['pss', join(dir, 'odd.yaml'), '--level', 'restricted', '--format', 'json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { results: Array<{ resource: { name: string }; allowed: boolean }>; errors: Array<{ source: string; line: number; message: string }> };
    expect(out.results.map((x) => [x.resource.name, x.allowed])).toEqual([['ok', true]]);
    expect(out.errors).toEqual([{ source: join(dir, 'odd.yaml'), line: 1, message: 'Pod odd: spec.containers is a string, not a list; skipped' }]);
  });

  it('follows the version history', async () => {
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true, runAsUser: 0, seccompProfile: {type: RuntimeDefault}}\n  containers:\n  - name: c\n    image: x\n    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n`;
    const old = await runCli(['pss', '-', '--level', 'restricted', '--version', 'v1.22', '-f', 'json'], { stdin: pod });
    expect(old.code).toBe(0);
    const now = await runCli(['pss', '-', '--level', 'restricted', '--version', 'v1.23', '-f', 'json'], { stdin: pod });
    expect(now.code).toBe(1);
    expect(now.stdout).toContain('runAsUser');
  });

  it('rejects a bad version with exit 2', async () => {
    expect((await runCli(['pss', '-', '--level', 'baseline', '--version', 'one.two'], { stdin: '' })).code).toBe(2);
  });
});

describe('palisade rules and explain', () => {
  it('lists the catalog as JSON', async () => {
    const r = await runCli(['rules', '--format', 'json']);
    expect(r.code).toBe(0);
    const metas = JSON.parse(r.stdout) as Array<{ id: string }>;
    expect(metas.map((m) => m.id)).toContain('workload/privileged-container');
  });

  it('explains a rule and refuses an unknown one', async () => {
    const r = await runCli(['explain', 'workload/privileged-container']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pss (baseline): privileged');
    const bad = await runCli(['explain', 'workload/privileged']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('did you mean workload/privileged-container');
  });

  it('keeps docs/rules.md in step with the catalog', () => {
    const doc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
    expect(doc).toContain('## workload/privileged-container');
  });
});

describe('palisade scan: attack paths of AKS-managed components', () => {
  const amaLogs = `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: ama-logs, namespace: kube-system }
spec:
  selector: { matchLabels: { component: ama-logs-agent } }
  template:
    metadata: { labels: { component: ama-logs-agent } }
    spec:
      containers: [{ name: ama-logs, image: mcr.microsoft.com/azuremonitor/containerinsights/ciprod:3.1.24, securityContext: { privileged: true }, ports: [{ containerPort: 25225 }] }]
`;

  it("says in the totals that the paths are AKS's, and counts them like any other with --no-aks-managed, as paths does", async () => {
    const dir = tempTree({ 'aks.yaml': amaLogs });
    const managed = await runCli(['scan', dir, '--fail-on', 'none']);
    expect(managed.stdout).toMatch(/1 attack path: 1 medium; it is AKS-managed components only \(nothing on them is yours to change\)/);
    const json = JSON.parse((await runCli(['scan', dir, '--fail-on', 'none', '--no-aks-managed', '-f', 'json'])).stdout) as Report;
    expect(json.paths?.length).toBe(1);
    expect(json.paths?.[0]?.providerManaged).toBeUndefined();
  });
});

describe('palisade scan: Terraform variables from the command line and the environment', () => {
  const tf = `variable "local_accounts_disabled" {
  type    = bool
  default = false
}

resource "azurerm_kubernetes_cluster" "main" {
  name                   = "aks-prod"
  local_account_disabled = var.local_accounts_disabled
}
`;
  const localAccounts = async (args: readonly string[], env: Record<string, string> = {}) => {
    const dir = tempTree({ 'main.tf': tf, 'off.tfvars': 'local_accounts_disabled = false\n' });
    const r = await runCli(['scan', dir, '--rule', 'aks/local-accounts-enabled', '-f', 'json', ...args.map((a) => a.replace('DIR/', `${dir}/`))], { env });
    return { code: r.code, stderr: r.stderr, findings: (JSON.parse(r.stdout) as Report).findings.map((f) => f.evidence.valueFrom) };
  };

  it('takes --var and TF_VAR_ variables for the module of the directory given, as terraform plan does', async () => {
    expect(await localAccounts([])).toMatchObject({ code: 1, findings: [expect.stringMatching(/^var\.local_accounts_disabled, the default in /)] });
    expect(await localAccounts(['--var', 'local_accounts_disabled=true'])).toMatchObject({ code: 0, findings: [] });
    expect(await localAccounts([], { TF_VAR_local_accounts_disabled: 'true' })).toMatchObject({ code: 0, findings: [] });
    // -var comes after the environment, as for Terraform.
    expect(await localAccounts(['--var', 'local_accounts_disabled=false'], { TF_VAR_local_accounts_disabled: 'true' })).toMatchObject({
      code: 1,
      findings: ['var.local_accounts_disabled, set by -var local_accounts_disabled on the command line'],
    });
    // --var and --var-file in the order written, the later winning.
    expect(await localAccounts(['--var', 'local_accounts_disabled=true', '--var-file', 'DIR/off.tfvars'])).toMatchObject({ code: 1 });
    expect(await localAccounts(['--var-file', 'DIR/off.tfvars', '--var', 'local_accounts_disabled=true'])).toMatchObject({ code: 0, findings: [] });
  });

  it('refuses a --var that is not NAME=VALUE without quoting it (exit 2)', async () => {
    const dir = tempTree({ 'main.tf': tf });
    const r = await runCli(['scan', dir, '--var', 'hunter2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--var takes NAME=VALUE');
    expect(r.stderr).not.toContain('hunter2');
  });
});
