import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuditEngine } from '../../src/audit/engine.js';
import { readInput } from '../../src/audit/stream.js';
import { auditEvent, jsonl, of, runText } from './helpers.js';

const exec = auditEvent({
  auditID: 'exec-1',
  stage: 'ResponseStarted',
  requestURI: '/api/v1/namespaces/shop/pods/web-0/exec?command=sh&container=app',
  verb: 'create',
  objectRef: { resource: 'pods', namespace: 'shop', name: 'web-0', subresource: 'exec', apiVersion: 'v1' },
  responseStatus: { code: 101 },
});
const list = auditEvent({ auditID: 'list-1', verb: 'list', requestURI: '/api/v1/namespaces/shop/pods', objectRef: { resource: 'pods', namespace: 'shop' }, responseStatus: { code: 200 } });

/** A Storage / Event Hubs resource-log record around an event, as Azure Monitor writes it. */
function resourceLog(event: unknown, category = 'kube-audit'): Record<string, unknown> {
  return {
    category,
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: { pod: 'kube-apiserver-7c9d8b6f5-xk2lp', containerID: 'c0ffee', stream: 'stdout', log: `${JSON.stringify(event)}\n` },
    resourceId: '/SUBSCRIPTIONS/11111111-2222-3333-4444-555555555555/RESOURCEGROUPS/RG-SHOP/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-SHOP',
    time: '2026-11-02T10:00:00.123456789Z',
  };
}

/** The AKSAudit columns of an event (AKS-FORMATS shape 2), dynamic columns as objects. */
function aksAuditRow(e: Record<string, unknown>): Record<string, unknown> {
  return {
    TimeGenerated: '2026-11-02T10:00:01Z',
    AuditId: e.auditID,
    Level: e.level,
    Stage: e.stage,
    RequestUri: e.requestURI,
    Verb: e.verb,
    User: e.user,
    SourceIps: e.sourceIPs,
    UserAgent: e.userAgent,
    ObjectRef: e.objectRef,
    ResponseStatus: e.responseStatus,
    RequestObject: e.requestObject ?? '',
    ResponseObject: '',
    RequestReceivedTime: e.requestReceivedTimestamp,
    StageReceivedTime: e.stageTimestamp,
    Annotations: e.annotations,
    PodName: 'kube-apiserver-7c9d8b6f5-xk2lp',
    Type: 'AKSAuditAdmin',
  };
}

function csvField(v: unknown): string {
  const s = typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(rows: Array<Record<string, unknown>>, headers: string[]): string {
  const names = headers.map((h) => h.replace(/ \[UTC\]$/, ''));
  return [headers.join(','), ...rows.map((r) => names.map((n) => csvField(r[n])).join(','))].join('\r\n') + '\r\n';
}

describe('input shapes', () => {
  it('reads audit events as JSON lines, with or without apiVersion', async () => {
    const { apiVersion: _v, ...noVersion } = exec;
    const r = await runText(jsonl([noVersion, list]));
    expect(r.engine.stats).toMatchObject({ events: 2, malformed: 0 });
    expect(of(r.alerts, 'audit/exec-into-pod')).toHaveLength(1);
    expect(r.alerts[0]?.source).toEqual({ file: 'input', line: 1 });
  });

  it('reads pretty-printed JSON: one event, several in a row, an array streamed element by element, an EventList', async () => {
    const one = await runText(JSON.stringify(exec, null, 2));
    expect(one.engine.stats.events).toBe(1);
    const two = await runText(`${JSON.stringify(list, null, 2)}\n${JSON.stringify(exec, null, 2)}\n`);
    expect(two.engine.stats.events).toBe(2);
    expect(two.alerts[0]?.source.line).toBe(JSON.stringify(list, null, 2).split('\n').length + 1);
    const array = await runText(JSON.stringify([list, exec], null, 2));
    expect(array.engine.stats.events).toBe(2);
    const eventList = await runText(JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [list, exec] }, null, 1));
    expect(eventList.engine.stats.events).toBe(2);
    expect(of(eventList.alerts, 'audit/exec-into-pod')).toHaveLength(1);
  });

  it('reads AKS storage blobs: JSON lines whose properties.log holds the event as a string', async () => {
    const r = await runText(jsonl([resourceLog(list), resourceLog(exec)]), 'aks-blob');
    expect(r.engine.stats).toMatchObject({ events: 2, malformed: 0, skipped: 0 });
    expect(of(r.alerts, 'audit/exec-into-pod')[0]?.user).toBe('alice@contoso.com');
  });

  it('reads Event Hubs bodies, skipping records of other categories and klog text', async () => {
    const klog = { category: 'kube-apiserver', properties: { log: 'I1102 10:00:00.000000       1 controller.go:615] quota admission added evaluator\n', stream: 'stderr' } };
    const unlabelled = { properties: { log: 'W1102 10:00:00.1 1 reflector.go:539] watch ended\n' } };
    const body = { records: [resourceLog(list, 'kube-audit-admin'), klog, resourceLog(exec), unlabelled] };
    const r = await runText(JSON.stringify(body), 'eventhub');
    expect(r.engine.stats).toMatchObject({ events: 2, skipped: 2, malformed: 0 });
    expect(of(r.alerts, 'audit/exec-into-pod')).toHaveLength(1);
  });

  it('reports an audit-category record whose log is not an event as malformed', async () => {
    const broken = { ...resourceLog(list), properties: { log: '{"verb": "get", "requestURI": ' } };
    const r = await runText(jsonl([broken, resourceLog(exec)]));
    expect(r.engine.stats).toMatchObject({ events: 1, malformed: 1 });
    expect(r.engine.errors[0]).toMatchObject({ line: 1, message: 'properties.log is not JSON' });
  });

  it('reads AzureDiagnostics rows (log_s) as JSON and skips rows of other categories', async () => {
    const rows = [
      { TimeGenerated: '2026-11-02T10:00:01Z', Category: 'kube-audit', log_s: `${JSON.stringify(exec)}\n`, pod_s: 'kube-apiserver-1', Type: 'AzureDiagnostics' },
      { TimeGenerated: '2026-11-02T10:00:01Z', Category: 'kube-scheduler', log_s: 'I1102 scheduled', Type: 'AzureDiagnostics' },
    ];
    const r = await runText(JSON.stringify(rows), 'azurediagnostics');
    expect(r.engine.stats).toMatchObject({ events: 1, skipped: 1, malformed: 0 });
    expect(of(r.alerts, 'audit/exec-into-pod')).toHaveLength(1);
  });

  it('reads AzureDiagnostics rows exported as CSV', async () => {
    const rows = [{ TimeGenerated: '2026-11-02T10:00:01Z', Category: 'kube-audit', log_s: `${JSON.stringify(exec)}\n`, pod_s: 'kube-apiserver-1' }];
    const r = await runText(csv(rows, ['TimeGenerated [UTC]', 'Category', 'log_s', 'pod_s']));
    expect(r.engine.stats).toMatchObject({ events: 1, malformed: 0 });
    expect(of(r.alerts, 'audit/exec-into-pod')[0]?.source.line).toBe(2);
  });

  it('rebuilds events from AKSAudit rows, dynamic columns as objects (JSON) or as JSON text (CSV)', async () => {
    const binding = auditEvent({
      auditID: 'crb-1',
      verb: 'create',
      requestURI: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      objectRef: { resource: 'clusterrolebindings', name: 'backdoor', apiGroup: 'rbac.authorization.k8s.io' },
      requestObject: { kind: 'ClusterRoleBinding', metadata: { name: 'backdoor' }, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }], roleRef: { kind: 'ClusterRole', name: 'cluster-admin', apiGroup: 'rbac.authorization.k8s.io' } },
    });
    const asJson = await runText(jsonl([aksAuditRow(binding), aksAuditRow(exec)]), 'aksaudit');
    expect(asJson.engine.stats).toMatchObject({ events: 2, malformed: 0 });
    expect(of(asJson.alerts, 'audit/cluster-admin-binding')[0]?.message).toContain('ServiceAccount shop/default');
    const headers = ['TimeGenerated [UTC]', 'AuditId', 'Level', 'Stage', 'RequestUri', 'Verb', 'User', 'SourceIps', 'UserAgent', 'ObjectRef', 'ResponseStatus', 'RequestObject', 'ResponseObject', 'RequestReceivedTime [UTC]', 'StageReceivedTime [UTC]', 'Annotations', 'PodName', 'Type'];
    const asCsv = await runText(csv([aksAuditRow(binding), aksAuditRow(exec)], headers), 'aksaudit');
    expect(asCsv.engine.stats).toMatchObject({ events: 2, malformed: 0 });
    expect(asCsv.alerts.map((a) => a.rule)).toEqual(expect.arrayContaining(['audit/cluster-admin-binding', 'audit/exec-into-pod']));
  });

  it('reads a Log Analytics query response (tables, columns, rows)', async () => {
    const row = aksAuditRow(exec);
    const names = Object.keys(row);
    const body = { tables: [{ name: 'PrimaryResult', columns: names.map((n) => ({ name: n, type: 'string' })), rows: [names.map((n) => (typeof row[n] === 'object' ? JSON.stringify(row[n]) : row[n]))] }] };
    const r = await runText(JSON.stringify(body));
    expect(r.engine.stats).toMatchObject({ events: 1, malformed: 0 });
    expect(of(r.alerts, 'audit/exec-into-pod')).toHaveLength(1);
  });

  it('with a forced --input, reports records of another shape as malformed', async () => {
    const r = await runText(jsonl([exec, resourceLog(exec)]), 'aks-blob');
    expect(r.engine.stats).toMatchObject({ events: 1, malformed: 1 });
    expect(r.engine.errors[0]?.message).toBe('expected AKS storage records (properties.log), found an audit Event');
  });
});

describe('what an input cannot hold, told once', () => {
  const impersonated = { ...list, auditID: 'imp-1', impersonatedUser: { username: 'system:serviceaccount:kube-system:default', groups: [] } };
  const azureDiagnosticsRow = (e: unknown, category: string) => ({ Category: category, log_s: JSON.stringify(e), Type: 'AzureDiagnostics' });

  it('AKSAudit / AKSAuditAdmin rows: no impersonation column, so impersonation cannot be detected', async () => {
    const rows = [{ ...aksAuditRow(exec), Type: 'AKSAudit' }, { ...aksAuditRow(list), Type: 'AKSAudit' }];
    const r = await runText(JSON.stringify(rows));
    expect(r.warnings.filter((w) => w.includes('no impersonation column'))).toHaveLength(1);
    expect(r.warnings[0]).toContain('audit/impersonation cannot fire on this input');
  });

  it('an AKSAudit export that has an ImpersonatedUser column is read, without the warning', async () => {
    const r = await runText(JSON.stringify([{ ...aksAuditRow(impersonated), Type: 'AKSAudit', ImpersonatedUser: impersonated.impersonatedUser }]));
    expect(r.warnings).toEqual([]);
    expect(of(r.alerts, 'audit/impersonation')).toHaveLength(1);
  });

  it('kube-audit-admin alone (storage, AzureDiagnostics, AKSAuditAdmin): names the detections it cannot feed', async () => {
    for (const text of [jsonl([resourceLog(exec, 'kube-audit-admin')]), JSON.stringify([azureDiagnosticsRow(exec, 'kube-audit-admin')]), JSON.stringify([aksAuditRow(exec)])]) {
      const r = await runText(text);
      const admin = r.warnings.filter((w) => w.includes('kube-audit-admin'));
      expect(admin).toHaveLength(1);
      expect(admin[0]).toContain('audit/secret-read');
      expect(admin[0]).toContain('over WebSocket');
    }
  });

  it('kube-audit-admin exported beside kube-audit: no warning once a get or list is read', async () => {
    const r = await runText(jsonl([resourceLog(exec, 'kube-audit-admin'), resourceLog(list, 'kube-audit')]));
    expect(r.warnings.filter((w) => w.includes('kube-audit-admin'))).toEqual([]);
  });

  it('kube-audit alone: no warning', async () => {
    const r = await runText(jsonl([resourceLog(exec), resourceLog(list)]));
    expect(r.warnings).toEqual([]);
  });
});

describe('malformed input', () => {
  it('counts malformed lines with their numbers, without quoting them, and goes on', async () => {
    const text = `${JSON.stringify(list)}\n{"verb": "get", "password": "hunter2"\n\nnot json at all\n{"kind": 0}\n${JSON.stringify(exec)}\n`;
    const r = await runText(text);
    expect(r.engine.stats).toMatchObject({ events: 2, malformed: 3 });
    expect(r.engine.errors.map((e) => e.line)).toEqual([2, 4, 5]);
    expect(r.engine.errors[2]?.message).toBe('data not recognized as a Kubernetes audit event (nor an AKS envelope of one)');
    expect(JSON.stringify(r.engine.errors)).not.toContain('hunter2');
    expect(of(r.alerts, 'audit/exec-into-pod')[0]?.source.line).toBe(6);
  });

  it('skips a line longer than the limit and reads the next one', async () => {
    const { RecordDecoder } = await import('../../src/audit/adapters/decoder.js');
    const values: Array<[unknown, number]> = [];
    const bad: Array<[number, string]> = [];
    const d = new RecordDecoder({ value: (v, l) => values.push([v, l]), malformed: (l, m) => bad.push([l, m]) }, 100);
    d.push('{"a":1}\n{"b":"');
    d.push('x'.repeat(300));
    d.push('"}\n{"c":3}\n');
    d.end();
    expect(values).toEqual([[{ a: 1 }, 1], [{ c: 3 }, 3]]);
    expect(bad).toEqual([[2, 'line longer than 100 characters']]);
  });

  it('reports a document cut short at the end of the input', async () => {
    const r = await runText(`${JSON.stringify(list, null, 2)}\n{\n  "verb": "get",\n`);
    expect(r.engine.stats).toMatchObject({ events: 1, malformed: 1 });
    expect(r.engine.errors[0]?.line).toBe(JSON.stringify(list, null, 2).split('\n').length + 1);
  });

  it('reads JSON lines whose first line was cut short outside a string (a partial record), reporting that line', async () => {
    const first = JSON.stringify(resourceLog(list));
    const text = `${first.slice(0, first.indexOf('"properties"'))}\n${jsonl([resourceLog(exec), resourceLog({ ...list, auditID: 'list-2' })])}`;
    expect(text.split('\n')[0]?.endsWith(',')).toBe(true);
    for (const piece of [1 << 16, 7]) {
      const r = await runText(text, 'auto', { piece });
      expect(r.engine.stats).toMatchObject({ events: 2, malformed: 1 });
      expect(r.engine.errors[0]).toMatchObject({ line: 1 });
      expect(of(r.alerts, 'audit/exec-into-pod').map((a) => a.source.line)).toEqual([2]);
    }
    const two = await runText(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get",\n${JSON.stringify(exec)}\n`);
    expect(two.engine.stats).toMatchObject({ events: 1, malformed: 1 });
  });

  it('still reads a pretty-printed array of one compact element as a document', async () => {
    const r = await runText(`[\n${JSON.stringify(exec)}\n]\n`);
    expect(r.engine.stats).toMatchObject({ events: 1, malformed: 0 });
    const records = await runText(`{"records": [\n${JSON.stringify(resourceLog(exec))}\n]}\n`);
    expect(records.engine.stats).toMatchObject({ events: 1, malformed: 0 });
  });

  it('reports an event with a field of the wrong type as a malformed record, with its line, and reads the rest', async () => {
    const r = await runText(jsonl([{ ...exec, user: { username: 5, groups: ['system:authenticated'] }, objectRef: { ...(exec.objectRef as object), resource: ['pods'] } }, list, { ...exec, auditID: 'exec-2', objectRef: null, user: null }, { ...exec, auditID: 'exec-3' }]));
    expect(r.engine.stats).toMatchObject({ events: 2, malformed: 2 });
    expect(r.engine.errors).toEqual([
      { source: 'input', line: 1, message: 'user.username is a number, not a string' },
      { source: 'input', line: 3, message: 'user is null, not an object' },
    ]);
    expect(of(r.alerts, 'audit/exec-into-pod').map((a) => a.source.line)).toEqual([4]);
  });

  it('reads an empty dynamic column of an AKSAudit JSON export (null) as absent', async () => {
    const r = await runText(jsonl([{ ...aksAuditRow(list), ObjectRef: null, ResponseStatus: null, Annotations: null }]), 'aksaudit');
    expect(r.engine.stats).toMatchObject({ events: 1, malformed: 0 });
  });

  it('refuses UTF-16 and binary input as a whole, with one error naming it, and reads a stray NUL line as one malformed record', async () => {
    const text = jsonl([exec]);
    const utf16 = await runText(`\uFFFD\uFFFD${text.replace(/./g, (c) => `${c}\u0000`)}`);
    expect(utf16.engine.errors).toEqual([{ source: 'input', message: 'UTF-16 text refused: save the file as UTF-8' }]);
    expect(utf16.engine.stats).toMatchObject({ events: 0, malformed: 0 });
    const bigEndian = await runText(text.replace(/./g, (c) => `\u0000${c}`));
    expect(bigEndian.engine.errors).toEqual([{ source: 'input', message: 'UTF-16 text refused: save the file as UTF-8' }]);
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 256));
    const engine = new AuditEngine({ onAlert: () => undefined });
    await readInput((async function* () { yield bytes; })(), 'blob.bin', 'auto', engine);
    expect(engine.errors).toEqual([{ source: 'blob.bin', message: 'binary file refused (not JSON or CSV)' }]);
    expect(engine.stats).toMatchObject({ events: 0, malformed: 0 });
    const nul = await runText(`${JSON.stringify(list)}\n\u0000\u0000\n${JSON.stringify(exec)}\n`);
    expect(nul.engine.stats).toMatchObject({ events: 2, malformed: 1 });
    expect(nul.engine.errors.map((e) => e.line)).toEqual([2]);
  });

  it('gives the same events however the input is cut into pieces', async () => {
    const text = jsonl([list, resourceLog(exec), { records: [resourceLog(list)] }]) + '{bad\n';
    const whole = await runText(text);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 200 }), async (piece) => {
        const r = await runText(text, 'auto', { piece });
        expect(r.engine.stats).toEqual(whole.engine.stats);
        expect(r.alerts.map((a) => [a.rule, a.source.line])).toEqual(whole.alerts.map((a) => [a.rule, a.source.line]));
      }),
      { numRuns: 30 },
    );
    const pretty = JSON.stringify([list, exec], null, 2);
    const wholePretty = await runText(pretty);
    for (const piece of [1, 7, 64]) expect((await runText(pretty, 'auto', { piece })).engine.stats).toEqual(wholePretty.engine.stats);
  });
});
