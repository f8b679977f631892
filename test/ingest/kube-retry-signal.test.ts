import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { readCluster } from '../../src/ingest/kube.js';
import { configMap, startFakeKube, writeKubeconfig, type FakeKube } from '../helpers/fake-kube.js';

const TOKEN = 'test-token';
const servers: FakeKube[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const BUSY = { status: 429, headers: { 'retry-after': '0' }, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Too many requests', reason: 'TooManyRequests', code: 429 } };

describe('retries under a long-lived stop signal', () => {
  it('leaves no abort listener behind on the signal once the read is done', async () => {
    // Every list is answered 429 once: each is retried after a pause that listens to the signal.
    const server = await startFakeKube({ token: TOKEN, objects: [configMap('shop', 'a', { k: 'v' })], intercept: (_req, count) => (count === 1 ? BUSY : undefined) });
    servers.push(server);
    const kubeconfig = writeKubeconfig([{ name: 'aks-shop', server: server.server, ca: server.ca, token: TOKEN }], 'aks-shop');
    // One signal for every read, as `serve` has for its whole life.
    const stopping = new AbortController();
    for (let i = 0; i < 3; i++) {
      const { errors } = await readCluster({ kubeconfig, retryDelayMs: 1, signal: stopping.signal, kinds: ['ConfigMap', 'Namespace'] });
      expect(errors).toEqual([]);
    }
    expect(server.requests.filter((r) => r.path === '/api/v1/configmaps').length).toBeGreaterThanOrEqual(4);
    // A request lets go of the signal when its socket closes, a moment after its answer was read.
    await expect.poll(() => getEventListeners(stopping.signal, 'abort').length, { timeout: 2000, interval: 20 }).toBe(0);
  });
});
