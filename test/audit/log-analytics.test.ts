import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditQuery, readLogs, type LogsSourceOptions } from '../../src/audit/adapters/log-analytics.js';
import type { Alert } from '../../src/audit/alert.js';
import { AuditEngine } from '../../src/audit/engine.js';
import { testCertificate } from '../helpers/fake-arm.js';
import { auditEvent } from './helpers.js';

type Column = { name: string; type: string };
type Row = Record<string, unknown> & { ingested: string };

const AKS_AUDIT_COLUMNS: Column[] = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'AuditId', type: 'string' },
  { name: 'Stage', type: 'string' },
  { name: 'RequestUri', type: 'string' },
  { name: 'Verb', type: 'string' },
  { name: 'User', type: 'dynamic' },
  { name: 'SourceIps', type: 'dynamic' },
  { name: 'ObjectRef', type: 'dynamic' },
  { name: 'ResponseStatus', type: 'dynamic' },
  { name: 'RequestObject', type: 'dynamic' },
  { name: 'StageReceivedTime', type: 'datetime' },
  { name: 'Annotations', type: 'dynamic' },
  { name: '_ResourceId', type: 'string' },
  { name: 'Type', type: 'string' },
  { name: 'PalisadeIngested', type: 'datetime' },
];
const DIAGNOSTICS_COLUMNS: Column[] = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'Category', type: 'string' },
  { name: 'log_s', type: 'string' },
  { name: 'ResourceId', type: 'string' },
  { name: 'PalisadeIngested', type: 'datetime' },
];

const CLUSTER = '/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/rg-shop/providers/microsoft.containerservice/managedclusters/aks-shop';

function execEvent(pod: string): Record<string, unknown> {
  return auditEvent({ auditID: `exec-${pod}`, stage: 'ResponseStarted', requestURI: `/api/v1/namespaces/shop/pods/${pod}/exec?command=sh`, objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: pod }, responseStatus: { code: 101 } });
}

/** An AKSAudit row (AKS-FORMATS shape 2) of an event, ingested at `ingested`. */
function aksAuditRow(ev: Record<string, unknown>, ingested: string, generated = ingested): Row {
  return {
    ingested,
    TimeGenerated: generated,
    AuditId: ev.auditID,
    Stage: ev.stage,
    RequestUri: ev.requestURI,
    Verb: ev.verb,
    User: ev.user,
    SourceIps: ev.sourceIPs,
    ObjectRef: ev.objectRef,
    ResponseStatus: ev.responseStatus,
    RequestObject: ev.requestObject ?? null,
    StageReceivedTime: ev.stageTimestamp,
    Annotations: ev.annotations,
    _ResourceId: CLUSTER,
    Type: 'AKSAudit',
    PalisadeIngested: ingested,
  };
}

/**
 * The Log Analytics query API for the queries the reader sends: HTTPS on 127.0.0.1, rows filtered by
 * the query's `datetime(...)` lower bound on the ingestion time and its `take`, in the REST shape
 * (dynamic columns as JSON text).
 */
class FakeLogAnalytics {
  server!: Server;
  endpoint = '';
  rows: Record<string, Row[]> = { AKSAudit: [], AzureDiagnostics: [] };
  queries: string[] = [];
  fail: number | undefined;

  async start(): Promise<void> {
    const { key, cert } = testCertificate();
    this.server = createServer({ key, cert }, (req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const send = (status: number, json: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(json));
        };
        if (req.headers.authorization !== 'Bearer test-token') return send(401, { error: { code: 'AuthorizationRequired', message: 'no token' } });
        if (!/^\/v1\/workspaces\/[\w-]+\/query$/.test(req.url ?? '')) return send(404, { error: { code: 'PathNotFound', message: req.url } });
        if (this.fail) return send(this.fail, { error: { code: 'InsufficientAccessError', message: 'The provided credentials have insufficient access to perform the requested operation' } });
        const { query } = JSON.parse(body) as { query: string };
        this.queries.push(query);
        const table = query.split('\n')[0] as string;
        const from = Date.parse(/datetime\(([^)]+)\)/.exec(query)?.[1] ?? '');
        const take = Number(/take (\d+)/.exec(query)?.[1] ?? 1e9);
        const columns = table === 'AzureDiagnostics' ? DIAGNOSTICS_COLUMNS : AKS_AUDIT_COLUMNS;
        const rows = (this.rows[table] ?? [])
          .filter((r) => Date.parse(r.ingested) >= from)
          .sort((a, b) => Date.parse(a.ingested) - Date.parse(b.ingested))
          .slice(0, take)
          .map((r) => columns.map((c) => (c.type === 'dynamic' && r[c.name] !== null ? JSON.stringify(r[c.name]) : r[c.name] ?? null)));
        send(200, { tables: [{ name: 'PrimaryResult', columns, rows }] });
      });
    });
    await new Promise<void>((res) => this.server.listen(0, '127.0.0.1', () => res()));
    this.endpoint = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  close(): Promise<void> {
    return new Promise((res) => this.server.close(() => res()));
  }
}

const credential: TokenCredential = { getToken: async () => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
const fake = new FakeLogAnalytics();
let dir: string;

beforeAll(async () => {
  await fake.start();
  dir = mkdtempSync(join(tmpdir(), 'palisade-logs-'));
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(over: Partial<LogsSourceOptions>): Promise<{ alerts: Alert[]; engine: AuditEngine }> {
  const alerts: Alert[] = [];
  const engine = new AuditEngine({ onAlert: (a) => alerts.push(a) });
  await readLogs(
    { workspaceId: 'ws-1', table: 'AKSAudit', credential, endpoint: fake.endpoint, ca: testCertificate().cert, signal: new AbortController().signal, afterChunk: async () => {}, since: new Date('2026-11-02T09:00:00Z'), ...over },
    'auto',
    engine,
  );
  return { alerts, engine };
}

describe('Log Analytics (KQL over AKSAudit / AzureDiagnostics)', () => {
  it('reads rows in ingestion order, page by page; a restart from the checkpoint neither repeats nor loses rows', async () => {
    const lease = auditEvent({ auditID: 'lease-1', verb: 'update', user: { username: 'aksService', groups: [] }, objectRef: { resource: 'leases', namespace: 'kube-system', name: 'x' }, responseStatus: { code: 200 } });
    fake.rows.AKSAudit = [aksAuditRow(execEvent('a'), '2026-11-02T10:00:01.000Z'), aksAuditRow(lease, '2026-11-02T10:00:02.000Z'), aksAuditRow(execEvent('b'), '2026-11-02T10:00:02.000Z')];
    const checkpointFile = join(dir, 'logs.json');
    const first = await run({ checkpointFile, pageSize: 2 });
    expect(first.alerts.map((a) => a.objectRef.name)).toEqual(['a', 'b']);
    expect(first.engine.stats).toMatchObject({ events: 3, malformed: 0 });
    expect(fake.queries[0]).toBe(auditQuery('AKSAudit', new Date('2026-11-02T09:00:00Z'), 2));

    // A late row: generated long ago, ingested now. And one more new row.
    fake.rows.AKSAudit.push(aksAuditRow(execEvent('late'), '2026-11-02T10:05:00.000Z', '2026-11-02T08:00:00.000Z'), aksAuditRow(execEvent('c'), '2026-11-02T10:06:00.000Z'));
    const second = await run({ checkpointFile, pageSize: 2 });
    expect(second.alerts.map((a) => a.objectRef.name)).toEqual(['late', 'c']);
    const third = await run({ checkpointFile, pageSize: 2 });
    expect(third.engine.stats.events).toBe(0);
  });

  it('steps past a page of rows all ingested at one instant', async () => {
    fake.rows.AKSAudit = ['p', 'q', 'r'].map((p) => aksAuditRow(execEvent(p), '2026-11-02T11:00:00.000Z'));
    fake.rows.AKSAudit.push(aksAuditRow(execEvent('s'), '2026-11-02T11:00:01.000Z'));
    const r = await run({ pageSize: 3, since: new Date('2026-11-02T11:00:00Z') });
    expect(r.alerts.map((a) => a.objectRef.name)).toEqual(['p', 'q', 'r', 's']);
  });

  it('reads AzureDiagnostics log_s rows of the audit categories, for one cluster', async () => {
    fake.rows.AzureDiagnostics = [{ ingested: '2026-11-02T10:00:00.000Z', TimeGenerated: '2026-11-02T10:00:00.000Z', Category: 'kube-audit', log_s: `${JSON.stringify(execEvent('d'))}\n`, ResourceId: CLUSTER.toUpperCase(), PalisadeIngested: '2026-11-02T10:00:00.000Z' }];
    fake.queries = [];
    const r = await run({ table: 'AzureDiagnostics', clusterId: CLUSTER });
    expect(r.alerts.map((a) => a.objectRef.name)).toEqual(['d']);
    expect(fake.queries[0]).toContain("| where Category in ('kube-audit', 'kube-audit-admin')");
    expect(fake.queries[0]).toContain(`| where ResourceId =~ '${CLUSTER}'`);
  });

  it('says why a query was refused', async () => {
    fake.fail = 403;
    try {
      await expect(run({})).rejects.toThrow(/insufficient access/);
    } finally {
      fake.fail = undefined;
    }
  });

  it('with follow, polls for new rows until stopped', async () => {
    fake.rows.AKSAudit = [aksAuditRow(execEvent('f1'), '2026-11-02T12:00:00.000Z')];
    const alerts: Alert[] = [];
    const engine = new AuditEngine({ onAlert: (a) => alerts.push(a) });
    const stop = new AbortController();
    const done = readLogs({ workspaceId: 'ws-1', table: 'AKSAudit', credential, endpoint: fake.endpoint, ca: testCertificate().cert, signal: stop.signal, afterChunk: async () => {}, since: new Date('2026-11-02T12:00:00Z'), follow: true, pollMs: 30 }, 'auto', engine);
    for (let i = 0; alerts.length < 1 && i < 400; i++) await new Promise((r) => setTimeout(r, 25));
    fake.rows.AKSAudit.push(aksAuditRow(execEvent('f2'), '2026-11-02T12:00:05.000Z'));
    for (let i = 0; alerts.length < 2 && i < 400; i++) await new Promise((r) => setTimeout(r, 25));
    stop.abort();
    await done.catch(() => undefined);
    expect(alerts.map((a) => a.objectRef.name)).toEqual(['f1', 'f2']);
  });
});
