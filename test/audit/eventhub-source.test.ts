import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEventHub, type EventHubSourceOptions } from '../../src/audit/adapters/eventhub-source.js';
import type { Alert } from '../../src/audit/alert.js';
import { AuditEngine } from '../../src/audit/engine.js';
import { startAzurite, type Azurite } from './azurite.js';
import { startEventHub, type EventHubStandIn } from './eventhub-server.js';
import { runCli, tempTree } from '../helpers/cli.js';
import { auditEvent } from './helpers.js';

const HUB = 'aks-audit';
/** A second hub for tests that must not see the first one's events. */
const OTHER_HUB = 'aks-audit-2';

/** An Event Hubs body as a diagnostic setting sends it (AKS-FORMATS shape 3): records[] around events. */
function body(...events: Array<Record<string, unknown>>): Record<string, unknown> {
  return {
    records: events.map((ev) => ({ category: 'kube-audit', operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read', time: '2026-11-02T10:00:00Z', properties: { pod: 'kube-apiserver-1', stream: 'stdout', log: `${JSON.stringify(ev)}\n` } })),
  };
}
function exec(pod: string): Record<string, unknown> {
  return auditEvent({ auditID: `exec-${pod}`, stage: 'ResponseStarted', requestURI: `/api/v1/namespaces/shop/pods/${pod}/exec?command=sh`, objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: pod }, responseStatus: { code: 101 } });
}
function lease(n: number): Record<string, unknown> {
  return auditEvent({ auditID: `lease-${n}`, verb: 'update', user: { username: 'aksService', groups: ['system:masters'] }, objectRef: { resource: 'leases', namespace: 'kube-system', name: 'kube-scheduler' }, responseStatus: { code: 200 } });
}

let azurite: Azurite;
let hub: EventHubStandIn;

beforeAll(async () => {
  [azurite, hub] = await Promise.all([startAzurite(), startEventHub([HUB, OTHER_HUB], ['0', '1'])]);
}, 30_000);
afterAll(async () => {
  await Promise.all([azurite?.stop(), hub?.stop()]);
});

async function run(over: Partial<EventHubSourceOptions> = {}): Promise<{ alerts: Alert[]; engine: AuditEngine }> {
  const alerts: Alert[] = [];
  const engine = new AuditEngine({ onAlert: (a) => alerts.push(a) });
  await readEventHub(
    {
      hub: HUB,
      auth: { connectionString: hub.connectionString },
      checkpoint: { containerUrl: `${azurite.accountUrl}/eventhub-checkpoints`, auth: { connectionString: azurite.connectionString } },
      quietSeconds: 1,
      loadBalancingIntervalMs: 200,
      signal: new AbortController().signal,
      afterChunk: async () => {},
      ...over,
    },
    'auto',
    engine,
  );
  return { alerts, engine };
}

describe('Event Hubs', () => {
  it('read every partition; a restart from the blob checkpoints neither repeats nor loses events', async () => {
    hub.publish('0', body(lease(1), exec('a')));
    hub.publish('1', body(exec('b')));
    hub.publish('0', body(exec('c'), lease(2)));

    const first = await run();
    expect(first.alerts.map((a) => a.objectRef.name).sort()).toEqual(['a', 'b', 'c']);
    expect(first.engine.stats).toMatchObject({ events: 5, malformed: 0 });
    expect(first.alerts.find((a) => a.objectRef.name === 'c')?.source).toEqual({ file: `${HUB}/partitions/0`, line: 1 });

    hub.publish('1', body(exec('d')));
    hub.publish('0', body(lease(3), exec('e')));
    const second = await run();
    expect(second.alerts.map((a) => a.objectRef.name).sort()).toEqual(['d', 'e']);
    expect(second.engine.stats).toMatchObject({ events: 3, malformed: 0 });

    const third = await run();
    expect(third.engine.stats.events).toBe(0);

    // The checkpoints are blobs named for the hub, consumer group and partition, holding the position.
    const blobs: Array<{ name: string; metadata: Record<string, string> | undefined }> = [];
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('eventhub-checkpoints');
    for await (const b of container.listBlobsFlat({ includeMetadata: true, prefix: '127.0.0.1' })) blobs.push({ name: b.name, metadata: b.metadata });
    const checkpoints = blobs.filter((b) => b.name.includes('/checkpoint/'));
    expect(checkpoints.map((b) => [b.name.split('/').slice(1).join('/'), b.metadata?.sequencenumber])).toEqual([
      [`${HUB}/$default/checkpoint/0`, '2'],
      [`${HUB}/$default/checkpoint/1`, '1'],
    ]);
    // Claims-based authorisation was negotiated, as against Event Hubs.
    expect(hub.log.tokens).toBeGreaterThan(0);
    // The second and third runs started after the checkpoints, not from the start of the partitions.
    expect(hub.log.receivers.slice(-2).map((r) => r.filter).sort()).toEqual([expect.stringMatching(/x-opt-offset > '\d+'/), expect.stringMatching(/x-opt-offset > '\d+'/)]);
  }, 60_000);

  it('with follow, read events as they arrive until stopped; the next run goes on from there', async () => {
    const checkpoint = { containerUrl: `${azurite.accountUrl}/follow-checkpoints`, auth: { connectionString: azurite.connectionString } };
    const alerts: Alert[] = [];
    const engine = new AuditEngine({ onAlert: (a) => alerts.push(a) });
    const stop = new AbortController();
    const opts = { hub: OTHER_HUB, auth: { connectionString: hub.connectionString }, checkpoint, loadBalancingIntervalMs: 200, afterChunk: async () => {} };
    const done = readEventHub({ ...opts, follow: true, signal: stop.signal }, 'eventhub', engine);
    const until = async (n: number) => {
      for (let i = 0; alerts.length < n; i++) {
        if (i > 400) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    hub.publish('1', body(exec('f1')), OTHER_HUB);
    await until(1);
    hub.publish('0', body(exec('f2')), OTHER_HUB);
    await until(2);
    stop.abort();
    await done;
    expect(alerts.map((a) => a.objectRef.name)).toEqual(['f1', 'f2']);

    hub.publish('0', body(exec('f3')), OTHER_HUB);
    const next = await run({ ...opts, checkpoint });
    expect(next.alerts.map((a) => a.objectRef.name)).toEqual(['f3']);
  }, 30_000);

  it('count a body that is not JSON as malformed, at its partition and sequence number, and read on', async () => {
    const cg = 'malformed';
    hub.publishRaw('1', Buffer.from('{"records": [ not json'), OTHER_HUB);
    hub.publish('1', body(exec('m1')), OTHER_HUB);
    const errors: Array<{ source: string; line?: number; message: string }> = [];
    const alerts: Alert[] = [];
    const engine = new AuditEngine({ onAlert: (a) => alerts.push(a), onError: (e) => errors.push(e) });
    await readEventHub({ hub: OTHER_HUB, consumerGroup: cg, auth: { connectionString: hub.connectionString }, signal: new AbortController().signal, afterChunk: async () => {} }, 'auto', engine);
    expect(alerts.map((a) => a.objectRef.name)).toContain('m1');
    expect(engine.stats.malformed).toBe(1);
    expect(errors).toEqual([{ source: `${OTHER_HUB}/partitions/1`, line: 1, message: expect.stringMatching(/^event body is not JSON/) as unknown as string }]);
  }, 30_000);

  it('without a checkpoint, start at events enqueued after --since', async () => {
    const fresh = await startEventHub(['since-hub'], ['0']);
    try {
      fresh.publish('0', body(exec('old')), 'since-hub');
      await new Promise((r) => setTimeout(r, 20));
      const since = new Date();
      await new Promise((r) => setTimeout(r, 20));
      fresh.publish('0', body(exec('new')), 'since-hub');
      const r = await run({ hub: 'since-hub', auth: { connectionString: fresh.connectionString }, since, checkpoint: undefined });
      expect(r.alerts.map((a) => a.objectRef.name)).toEqual(['new']);
      expect(fresh.log.receivers[0]?.filter).toBe(`amqp.annotation.x-opt-enqueued-time > '${since.getTime()}'`);
    } finally {
      await fresh.stop();
    }
  }, 30_000);

  it('say which hub the namespace does not have', async () => {
    await expect(run({ hub: 'no-such-hub', checkpoint: undefined })).rejects.toThrow(/event hub no-such-hub: .*could not be found/);
  }, 30_000);

  it('palisade audit detect --eventhub: connection string from the environment, checkpoints in a blob container', async () => {
    const d = tempTree({});
    try {
      const cli = await startEventHub(['cli-hub'], ['0']);
      try {
        cli.publish('0', body(exec('c1'), lease(9)), 'cli-hub');
        const env = { EVENTHUB_CONNECTION_STRING: cli.connectionString, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString };
        const args = ['audit', 'detect', '--eventhub', 'cli-hub', '--checkpoint', `${azurite.accountUrl}/cli-checkpoints`, '-f', 'jsonl'];
        const first = await runCli(args, { env, cwd: d });
        expect(first.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { objectRef: { name: string } }).objectRef.name)).toEqual(['c1']);
        expect(first.stderr).toContain('2 events, 1 alert');
        cli.publish('0', body(exec('c2')), 'cli-hub');
        const second = await runCli(args, { env, cwd: d });
        expect(second.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { objectRef: { name: string } }).objectRef.name)).toEqual(['c2']);
        const third = await runCli(args, { env, cwd: d });
        expect(third.stdout).toBe('');
        expect(third.code).toBe(0);
      } finally {
        await cli.stop();
      }
      const usage = await runCli(['audit', 'detect', '--eventhub', 'cli-hub'], { env: { EVENTHUB_CONNECTION_STRING: '' }, cwd: d });
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('--eventhub needs --eventhub-namespace NAME.servicebus.windows.net (a signed-in identity) or a connection string in EVENTHUB_CONNECTION_STRING');
      const file = await runCli(['audit', 'detect', '--eventhub', 'h', '--checkpoint', join(d, 'cp.json')], { cwd: d });
      expect(file.stderr).toContain('with --eventhub, --checkpoint is a blob container URL');
      const two = await runCli(['audit', 'detect', '--eventhub', 'h', '--workspace', 'ws'], { cwd: d });
      expect(two.stderr).toContain('--workspace and --eventhub are two sources: give one');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }, 60_000);
});
