import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountName, blobHour, readBlobs, type BlobSourceOptions } from '../../src/audit/adapters/blob-source.js';
import type { Alert } from '../../src/audit/alert.js';
import { AuditEngine } from '../../src/audit/engine.js';
import { auditEvent } from './helpers.js';
import { AZURITE_KEY, startAzurite, type Azurite } from './azurite.js';

const CLUSTER = 'resourceId=/SUBSCRIPTIONS/11111111-2222-3333-4444-555555555555/RESOURCEGROUPS/RG-SHOP/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-SHOP';
// Hours relative to now: a blob of the current hour may still grow, one of a day ago is final.
const NOW_HOUR = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const hourOf = (h: number) => NOW_HOUR + (h - 11) * 3_600_000;
function hourBlob(h: number): string {
  const d = new Date(hourOf(h));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${CLUSTER}/y=${d.getUTCFullYear()}/m=${p(d.getUTCMonth() + 1)}/d=${p(d.getUTCDate())}/h=${p(d.getUTCHours())}/m=00/PT1H.json`;
}

/** One storage record (AKS-FORMATS shape 4) around an exec into `pod`. */
function record(pod: string): string {
  const ev = auditEvent({ auditID: `exec-${pod}`, stage: 'ResponseStarted', requestURI: `/api/v1/namespaces/shop/pods/${pod}/exec?command=sh`, objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: pod }, responseStatus: { code: 101 } });
  return `${JSON.stringify({ category: 'kube-audit', operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read', properties: { pod: 'kube-apiserver-1', stream: 'stdout', log: `${JSON.stringify(ev)}\n` }, time: '2026-11-02T10:00:00Z' })}\n`;
}
function quiet(n: number): string {
  const ev = auditEvent({ auditID: `lease-${n}`, verb: 'update', user: { username: 'aksService', groups: ['system:masters'] }, objectRef: { resource: 'leases', namespace: 'kube-system', name: 'kube-scheduler' }, responseStatus: { code: 200 } });
  return `${JSON.stringify({ category: 'kube-audit', properties: { log: `${JSON.stringify(ev)}\n` } })}\n`;
}

let azurite: Azurite;
let service: BlobServiceClient;
let dir: string;

beforeAll(async () => {
  azurite = await startAzurite();
  service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  dir = mkdtempSync(join(tmpdir(), 'palisade-blob-'));
}, 30_000);
afterAll(async () => {
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function append(container: string, name: string, text: string): Promise<void> {
  const c = service.getContainerClient(container);
  await c.createIfNotExists();
  const blob = c.getAppendBlobClient(name);
  await blob.createIfNotExists();
  await blob.appendBlock(text, Buffer.byteLength(text));
}

async function run(over: Partial<BlobSourceOptions> = {}): Promise<{ alerts: Alert[]; engine: AuditEngine }> {
  const alerts: Alert[] = [];
  const engine = new AuditEngine({ onAlert: (a) => alerts.push(a) });
  await readBlobs({ accountUrl: azurite.accountUrl, auth: { accountKey: AZURITE_KEY }, signal: new AbortController().signal, afterChunk: async () => {}, ...over }, 'auto', engine);
  return { alerts, engine };
}

describe('storage account blobs', () => {
  it('read the kube-audit container hour by hour; a restart from the checkpoint neither repeats nor loses events', async () => {
    const checkpointFile = join(dir, 'first.json');
    const r3 = record('c');
    await append('insights-logs-kube-audit', hourBlob(10), quiet(1) + record('a') + r3.slice(0, 50));

    const first = await run({ checkpointFile });
    expect(first.alerts.map((a) => a.objectRef.name)).toEqual(['a']);
    expect(first.alerts[0]?.source).toEqual({ file: `insights-logs-kube-audit/${hourBlob(10)}`, line: 2 });
    // The line still being appended is not read, and the checkpoint stops before it.
    expect(first.engine.stats).toMatchObject({ events: 2, malformed: 0 });

    await append('insights-logs-kube-audit', hourBlob(10), r3.slice(50) + quiet(2));
    await append('insights-logs-kube-audit', hourBlob(11), record('d'));
    const second = await run({ checkpointFile });
    expect(second.alerts.map((a) => [a.objectRef.name, a.source.line])).toEqual([['c', 3], ['d', 1]]);
    expect(second.engine.stats).toMatchObject({ events: 3, malformed: 0 });

    const third = await run({ checkpointFile });
    expect(third.engine.stats.events).toBe(0);
    const saved = JSON.parse(readFileSync(checkpointFile, 'utf8')) as { source: string; blobs: Record<string, { offset: number; line: number }> };
    expect(saved.source).toBe(`${azurite.accountUrl}/insights-logs-kube-audit`);
    expect(saved.blobs[hourBlob(10)]).toEqual({ offset: Buffer.byteLength(quiet(1) + record('a') + r3 + quiet(2)), line: 5 });
  });

  it('skip hours before --since, and keep only the blobs under a prefix', async () => {
    const since = await run({ since: new Date(hourOf(11)) });
    expect(since.alerts.map((a) => a.objectRef.name)).toEqual(['d']);
    const none = await run({ prefix: 'resourceId=/SUBSCRIPTIONS/OTHER/' });
    expect(none.engine.stats.events).toBe(0);
  });

  it('with follow, pick up appended lines until stopped', async () => {
    await append('follow-test', hourBlob(12), record('e'));
    const alerts: Alert[] = [];
    const engine = new AuditEngine({ onAlert: (a) => alerts.push(a) });
    const stop = new AbortController();
    const done = readBlobs({ accountUrl: azurite.accountUrl, container: 'follow-test', auth: { connectionString: azurite.connectionString }, follow: true, pollMs: 50, signal: stop.signal, afterChunk: async () => {} }, 'auto', engine);
    const until = async (n: number) => {
      for (let i = 0; alerts.length < n; i++) {
        if (i > 400) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await until(1);
    await append('follow-test', hourBlob(12), record('f'));
    await until(2);
    stop.abort();
    await done;
    expect(alerts.map((a) => a.objectRef.name)).toEqual(['e', 'f']);
  });

  it('say when there is no kube-audit container', async () => {
    const other = await startAzurite();
    try {
      await expect(readBlobs({ accountUrl: other.accountUrl, auth: { accountKey: AZURITE_KEY }, signal: new AbortController().signal, afterChunk: async () => {} }, 'auto', new AuditEngine({ onAlert: () => {} }))).rejects.toThrow(
        /no insights-logs-kube-audit or insights-logs-kube-audit-admin container/,
      );
    } finally {
      await other.stop();
    }
  }, 30_000);

  it('warn that kube-audit-admin, picked for want of kube-audit, cannot show reads and WebSocket exec', async () => {
    const other = await startAzurite();
    try {
      const client = BlobServiceClient.fromConnectionString(other.connectionString).getContainerClient('insights-logs-kube-audit-admin');
      await client.create();
      const warnings: string[] = [];
      await readBlobs(
        { accountUrl: other.accountUrl, auth: { accountKey: AZURITE_KEY }, signal: new AbortController().signal, afterChunk: async () => {}, onWarning: (m) => warnings.push(m) },
        'auto',
        new AuditEngine({ onAlert: () => {} }),
      );
      expect(warnings).toEqual([expect.stringMatching(/^reading insights-logs-kube-audit-admin: kube-audit-admin leaves out get and list requests/)]);
    } finally {
      await other.stop();
    }
  }, 30_000);

  it('read the last line of a blob whose hour is long over, line end or not', async () => {
    await append('finished', hourBlob(-30), record('g') + record('h').trimEnd());
    const r = await run({ container: 'finished' });
    expect(r.alerts.map((a) => a.objectRef.name)).toEqual(['g', 'h']);
    expect(r.engine.stats.malformed).toBe(0);
  });

  it('account names and blob hours', () => {
    expect(accountName(new URL('https://contosologs.blob.core.windows.net'))).toBe('contosologs');
    expect(accountName(new URL('http://127.0.0.1:10000/devstoreaccount1'))).toBe('devstoreaccount1');
    expect(blobHour(hourBlob(7))).toBe(hourOf(7));
    expect(blobHour('other/name.json')).toBeUndefined();
  });
});
