import { spawn } from 'node:child_process';
import { appendFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';

function event(over: Record<string, unknown>): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    stage: 'ResponseComplete',
    verb: 'get',
    requestURI: '/api/v1/namespaces/shop/pods',
    user: { username: 'alice@contoso.com', groups: ['system:authenticated'] },
    sourceIPs: ['203.0.113.7'],
    objectRef: { resource: 'pods', namespace: 'shop' },
    responseStatus: { code: 200 },
    stageTimestamp: '2026-11-02T10:00:00.000000Z',
    annotations: { 'authorization.k8s.io/decision': 'allow' },
    ...over,
  };
}

const EXEC = event({ auditID: 'e1', stage: 'ResponseStarted', verb: 'create', requestURI: '/api/v1/namespaces/shop/pods/web-0/exec?command=sh', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-0' }, responseStatus: { code: 101 } });
const ADMIN = event({
  auditID: 'c1',
  verb: 'create',
  requestURI: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  objectRef: { resource: 'clusterrolebindings', name: 'backdoor' },
  responseStatus: { code: 201 },
  requestObject: { subjects: [{ kind: 'User', name: 'mallory' }], roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } },
});
const AKS = event({ auditID: 'k1', verb: 'update', user: { username: 'aksService', groups: ['system:masters'] }, objectRef: { resource: 'leases', namespace: 'kube-system', name: 'kube-scheduler' } });
const lines = (...events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

const dir = tempTree({
  'exec.jsonl': lines(AKS, EXEC),
  'admin.jsonl': lines(ADMIN),
  'quiet.jsonl': lines(AKS, AKS),
  'sa-only.jsonl': lines(event({ auditID: 's1', user: { username: 'system:serviceaccount:shop:web', groups: ['system:serviceaccounts'] }, sourceIPs: ['52.170.10.20'] })),
  'broken.jsonl': `${JSON.stringify(EXEC)}\n{"verb": \n`,
  'rules.yaml': `settings:
  activity: false
rules:
  - id: shop/exec
    severity: critical
    condition: event.objectRef.?subresource.orValue("") == "exec"
    messageExpression: '"exec by " + event.user.username'
`,
  'bad-rules.yaml': `- id: broken\n  severity: low\n  condition: event.verb ==\n`,
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('palisade audit detect', () => {
  it('settles at the end of the input what it held for a kubelet address: a token use no kubelet address explains is reported as unverified', async () => {
    const r = await runCli(['audit', 'detect', join(dir, 'sa-only.jsonl'), '-f', 'jsonl']);
    const alerts = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { rule: string; severity: string });
    expect(alerts.map((a) => [a.rule, a.severity])).toEqual([['audit/service-account-token-outside-cluster', 'info']]);
  });

  it('prints each alert with its time, user, verb, object, source IPs, rule and why; exits 1 at --fail-on', async () => {
    const r = await runCli(['audit', 'detect', join(dir, 'admin.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CRITICAL 2026-11-02T10:00:00.000000Z  audit/cluster-admin-binding  alice@contoso.com from 203.0.113.7  create clusterrolebindings backdoor → 201');
    expect(r.stdout).toContain('ClusterRoleBinding backdoor binds ClusterRole cluster-admin to User mallory  [falco: Attach to cluster-admin Role; mitre: T1098]');
    expect(r.stdout).toContain('1 events, 2 alerts (1 critical, 1 info)');
  });

  it('exits 0 when no alert reaches --fail-on (high by default)', async () => {
    const r = await runCli(['audit', 'detect', join(dir, 'exec.jsonl')]);
    expect(r.stdout).toContain('audit/exec-into-pod');
    expect(r.code).toBe(0);
    expect((await runCli(['audit', 'detect', join(dir, 'exec.jsonl'), '--fail-on', 'medium'])).code).toBe(1);
    expect((await runCli(['audit', 'detect', join(dir, 'admin.jsonl'), '--fail-on', 'none'])).code).toBe(0);
  });

  it('writes the palisade.alerts/v1 document with -f json, and one alert per line with -f jsonl', async () => {
    const json = await runCli(['audit', 'detect', join(dir, 'exec.jsonl'), join(dir, 'admin.jsonl'), '-f', 'json']);
    const doc = JSON.parse(json.stdout) as { schema: string; alerts: Array<Record<string, unknown>>; stats: Record<string, number>; errors: unknown[] };
    expect(doc.schema).toBe('palisade.alerts/v1');
    expect(doc.stats).toEqual({ events: 3, alerts: 3, duplicates: 0, skipped: 0, malformed: 0, incomplete: 0, dryRun: 0 });
    expect(doc.alerts[0]).toMatchObject({ rule: 'audit/exec-into-pod', severity: 'medium', user: 'alice@contoso.com', verb: 'create', sourceIPs: ['203.0.113.7'], auditID: 'e1', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-0' } });
    expect(doc.errors).toEqual([]);
    const jsonl = await runCli(['audit', 'detect', join(dir, 'admin.jsonl'), '-f', 'jsonl', '--fail-on', 'none']);
    expect(jsonl.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { rule: string }).rule)).toEqual(['audit/cluster-admin-binding', 'audit/resource-activity']);
    expect(jsonl.stderr).toContain('1 events, 2 alerts');
  });

  it('reads standard input (- or no path), and stays quiet on AKS housekeeping', async () => {
    const dash = await runCli(['audit', 'detect', '-'], { stdin: lines(EXEC) });
    expect(dash.stdout).toContain('audit/exec-into-pod');
    const none = await runCli(['audit', 'detect'], { stdin: lines(AKS, AKS) });
    expect(none.stdout).toBe('1 events, 0 alerts, 1 duplicates dropped\n');
    expect(none.code).toBe(0);
  });

  it('reports malformed lines with their numbers and exits 2, after reading the rest', async () => {
    const r = await runCli(['audit', 'detect', join(dir, 'broken.jsonl'), join(dir, 'missing.jsonl'), join(dir, 'admin.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`palisade: error: ${join(dir, 'broken.jsonl')}:2: malformed JSON at column 10: unexpected end of input`);
    expect(r.stderr).toContain(`palisade: error: ${join(dir, 'missing.jsonl')}: cannot read: no such file or directory\n`);
    expect(r.stdout).toContain('audit/cluster-admin-binding');
    expect(r.stdout).toContain('2 events, 3 alerts (1 critical, 1 medium, 1 info), 1 malformed');
  });

  it('words an unreadable input as the rest of the CLI does (a directory, a missing rules file), and reads the other inputs', async () => {
    const r = await runCli(['audit', 'detect', dir, join(dir, 'admin.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`palisade: error: ${dir}: cannot read: is a directory\n`);
    expect(r.stderr).not.toContain('EISDIR');
    expect(r.stdout).toContain('audit/cluster-admin-binding');
    const rules = await runCli(['audit', 'detect', join(dir, 'admin.jsonl'), '--rules', join(dir, 'nope.yaml')]);
    expect(rules.code).toBe(2);
    expect(rules.stderr).toContain(`--rules ${join(dir, 'nope.yaml')}: cannot read: no such file or directory\n`);
    expect(rules.stderr).not.toContain('ENOENT');
  });

  it('refuses UTF-16 and binary files with one error each, exits 2, and reads the other inputs', async () => {
    const d = tempTree({});
    try {
      writeFileSync(join(d, 'utf16.jsonl'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines(EXEC), 'utf16le')]));
      writeFileSync(join(d, 'binary.jsonl'), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 256)));
      const r = await runCli(['audit', 'detect', join(d, 'utf16.jsonl'), join(d, 'binary.jsonl'), join(dir, 'admin.jsonl'), '-f', 'json']);
      expect(r.code).toBe(2);
      const doc = JSON.parse(r.stdout) as { errors: unknown[]; stats: Record<string, number>; alerts: Array<{ rule: string }> };
      expect(doc.errors).toEqual([
        { source: join(d, 'utf16.jsonl'), message: 'UTF-16 text refused: save the file as UTF-8' },
        { source: join(d, 'binary.jsonl'), message: 'binary file refused (not JSON or CSV)' },
      ]);
      expect(doc.stats).toMatchObject({ events: 1, malformed: 0 });
      expect(doc.alerts.map((a) => a.rule)).toContain('audit/cluster-admin-binding');
      expect(r.stderr.split('\n').filter((l) => l.startsWith('palisade: error:'))).toHaveLength(2);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('reports an event with a field of the wrong type as malformed, with its file and line, and counts it in the summary', async () => {
    const d = tempTree({ 'wrong.jsonl': lines({ ...EXEC, user: { username: 5, groups: [] } }, { ...EXEC, auditID: 'e2', objectRef: null, user: null }, ADMIN) });
    try {
      const r = await runCli(['audit', 'detect', join(d, 'wrong.jsonl')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`palisade: error: ${join(d, 'wrong.jsonl')}:1: user.username is a number, not a string\n`);
      expect(r.stderr).toContain(`palisade: error: ${join(d, 'wrong.jsonl')}:2: user is null, not an object\n`);
      expect(r.stdout).not.toContain('audit/exec-into-pod');
      expect(r.stdout).toContain('1 events, 2 alerts (1 critical, 1 info), 2 malformed');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('with --input, refuses records of another shape', async () => {
    const r = await runCli(['audit', 'detect', join(dir, 'exec.jsonl'), '--input', 'eventhub']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected Event Hubs bodies (records[]), found an audit Event');
  });

  it('runs the CEL rules and applies the settings of --rules', async () => {
    const r = await runCli(['audit', 'detect', join(dir, 'exec.jsonl'), '--rules', join(dir, 'rules.yaml'), '-f', 'jsonl']);
    const rules = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rule: string; message: string });
    expect(rules).toEqual([expect.objectContaining({ rule: 'audit/exec-into-pod' }), expect.objectContaining({ rule: 'shop/exec', message: 'exec by alice@contoso.com' })]);
    expect(r.code).toBe(1);
  });

  it('refuses a rules file with a bad expression, naming the rule and where (exit 2)', async () => {
    const r = await runCli(['audit', 'detect', join(dir, 'exec.jsonl'), '--rules', join(dir, 'bad-rules.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/palisade: .*bad-rules\.yaml: rule broken \(rules\[0\]\) condition at line 1, column \d+: /);
    expect(r.stdout).toBe('');
  });

  it('refuses --follow on more than one file', async () => {
    const r = await runCli(['audit', 'detect', '--follow', join(dir, 'exec.jsonl'), join(dir, 'admin.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--follow reads one growing file');
  });

  it('lists the detectors', async () => {
    const r = await runCli(['audit', 'detectors', '-f', 'json']);
    const metas = JSON.parse(r.stdout) as Array<{ id: string }>;
    expect(metas.map((m) => m.id)).toContain('audit/exec-into-pod');
  });
});

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

describe('palisade audit detect --follow', () => {
  it('alerts as the file grows, survives truncation and rotation, and ends with the summary on SIGTERM', async () => {
    const d = tempTree({ 'audit.log': lines(EXEC) });
    const file = join(d, 'audit.log');
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'audit', 'detect', '--follow', file, '-f', 'jsonl'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    const alerts = () => stdout.split('\n').filter(Boolean).length;
    const until = async (n: number) => {
      const deadline = Date.now() + 20_000;
      while (alerts() < n) {
        if (Date.now() > deadline) throw new Error(`waited for ${n} alerts; stdout: ${stdout}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    try {
      await until(1);
      appendFileSync(file, lines(ADMIN));
      await until(3);
      truncateSync(file, 0);
      await new Promise((r) => setTimeout(r, 600));
      writeFileSync(file, lines({ ...EXEC, auditID: 'e2' }));
      await until(4);
      renameSync(file, `${file}.1`);
      writeFileSync(file, lines({ ...EXEC, auditID: 'e3' }));
      await until(5);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(1);
    expect(stdout.trim().split('\n').map((l) => (JSON.parse(l) as { rule: string; auditID: string }).auditID)).toEqual(['e1', 'c1', 'c1', 'e2', 'e3']);
    expect(stderr).toContain('was truncated; reading it from the start');
    expect(stderr).toContain('was rotated; reading it from the start');
    expect(stderr).toContain('4 events, 5 alerts (1 critical, 3 medium, 1 info)');
    rmSync(d, { recursive: true, force: true });
  });
});

describe('palisade audit detect --storage-account', () => {
  it('reads the kube-audit blobs with a checkpoint: the second run reports only what was appended', async () => {
    const { startAzurite, AZURITE_KEY } = await import('../audit/azurite.js');
    const { BlobServiceClient } = await import('@azure/storage-blob');
    const azurite = await startAzurite();
    const d = tempTree({});
    try {
      const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
      const container = service.getContainerClient('insights-logs-kube-audit');
      await container.create();
      const now = new Date();
      const blob = container.getAppendBlobClient(`resourceId=/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS/y=${now.getUTCFullYear()}/m=01/d=01/h=00/m=00/PT1H.json`);
      await blob.create();
      const record = (e: Record<string, unknown>) => `${JSON.stringify({ category: 'kube-audit', properties: { log: `${JSON.stringify(e)}\n` } })}\n`;
      const add = async (text: string) => void (await blob.appendBlock(text, Buffer.byteLength(text)));
      await add(record(EXEC) + record(AKS));
      const env = { AZURE_STORAGE_KEY: AZURITE_KEY };
      const args = ['audit', 'detect', '--storage-account', azurite.accountUrl, '--checkpoint', join(d, 'cp.json'), '-f', 'jsonl'];
      const first = await runCli(args, { env });
      expect(first.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { auditID: string }).auditID)).toEqual(['e1']);
      expect(first.code).toBe(0);
      await add(record(ADMIN));
      const second = await runCli(args, { env });
      expect(second.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { rule: string }).rule)).toEqual(['audit/cluster-admin-binding', 'audit/resource-activity']);
      expect(second.code).toBe(1);
      const wrong = await runCli(['audit', 'detect', '--storage-account', azurite.accountUrl, '--container', 'nope', '-f', 'json'], { env });
      expect(wrong.code).toBe(2);
      expect((JSON.parse(wrong.stdout) as { errors: Array<{ message: string }> }).errors[0]?.message).toContain('The specified container does not exist');
    } finally {
      await azurite.stop();
      rmSync(d, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses files together with a live source, and source flags without one', async () => {
    expect((await runCli(['audit', 'detect', 'x.jsonl', '--workspace', 'ws'])).stderr).toContain('--workspace reads events from Azure: give no files with it');
    expect((await runCli(['audit', 'detect', 'x.jsonl', '--checkpoint', 'cp.json'])).stderr).toContain('--checkpoint needs --storage-account, --workspace or --eventhub');
    expect((await runCli(['audit', 'detect', '--workspace', 'ws', '--since', 'yesterday-ish'])).stderr).toContain('--since must be a duration (90m, 24h, 7d) or a date');
  });
});
