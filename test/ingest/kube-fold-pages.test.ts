import { afterEach, describe, expect, it } from 'vitest';
import type { Resource } from '../../src/core/resource.js';
import { readCluster, type ClusterReadOptions } from '../../src/ingest/kube.js';
import { controllerRef, cronJob, deployment, podController, podsOf, replicaSet, startFakeKube, writeKubeconfig, type FakeKube, type FakeKubeOptions } from '../helpers/fake-kube.js';

// The reader leaves Pods, ReplicaSets and Jobs to their controllers as their pages arrive; these
// cases check that the outcome is the one of deciding after every list was read.

const TOKEN = 'test-token';
const servers: FakeKube[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function read(options: FakeKubeOptions, read: Partial<ClusterReadOptions>) {
  const server = await startFakeKube({ token: TOKEN, ...options });
  servers.push(server);
  const kubeconfig = writeKubeconfig([{ name: 'aks-shop', server: server.server, ca: server.ca, token: TOKEN }], 'aks-shop');
  return { server, ...(await readCluster({ kubeconfig, retryDelayMs: 1, ...read })) };
}

const places = (resources: Resource[]) => resources.map((r) => r.source.path);

const status = (code: number, reason: string, message: string) => ({ status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } });

describe('leaving objects to their controllers page by page', () => {
  it('folds Pods read one a page, one list at a time, with the Pods listed before their controllers in the table', async () => {
    const web = replicaSet('shop', 'web-7d9f', 'web');
    const cron = cronJob('shop', 'report');
    const run = podController('Job', 'shop', 'report-1', { owner: controllerRef(cron) });
    const { server, resources, errors, notes } = await read(
      { objects: [deployment('shop', 'web'), web, ...podsOf(web, 3), cron, run, ...podsOf(run, 1)] },
      { kinds: ['Pod', 'Deployment', 'ReplicaSet', 'Job', 'CronJob'], concurrency: 1, pageSize: 1 },
    );
    expect(errors).toEqual([]);
    expect(places(resources)).toEqual(['Deployment/shop/web', 'CronJob/shop/report']);
    expect(notes.map((n) => n.message)).toEqual(['4 Pods and 1 Job are checked through their controllers']);
    // Every Pod page was asked for, after the lists of the Pods' controllers.
    const paths = server.requests.map((r) => r.path);
    expect(paths.filter((p) => p === '/api/v1/pods')).toHaveLength(4);
    expect(paths.indexOf('/api/v1/pods')).toBeGreaterThan(paths.lastIndexOf('/apis/batch/v1/jobs'));
  });

  it('keeps every Pod of a ReplicaSet list that failed after its first page', async () => {
    const a = replicaSet('shop', 'web-a', 'web');
    const b = replicaSet('shop', 'web-b', 'web');
    const { resources, errors, notes } = await read(
      {
        objects: [deployment('shop', 'web'), a, b, ...podsOf(a, 2), ...podsOf(b, 1)],
        intercept: (req) => (req.path === '/apis/apps/v1/replicasets' && req.query.get('continue') ? status(403, 'Forbidden', 'replicasets.apps is forbidden') : undefined),
      },
      { kinds: ['Pod', 'Deployment', 'ReplicaSet'], pageSize: 1 },
    );
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('cannot list replicasets.apps in all namespaces: forbidden')]);
    expect(places(resources)).toEqual(['Pod/shop/web-a-0', 'Pod/shop/web-a-1', 'Pod/shop/web-b-0', 'Deployment/shop/web']);
    expect(notes).toEqual([]);
  });

  it('counts the Pods it left out once when the Pod list is read again after its continue token expired', async () => {
    const web = replicaSet('shop', 'web-7d9f', 'web');
    let expired = false;
    const { resources, notes } = await read(
      {
        objects: [deployment('shop', 'web'), web, ...podsOf(web, 3)],
        intercept: (req) => {
          if (req.path !== '/api/v1/pods' || !req.query.get('continue') || expired) return undefined;
          expired = true;
          return status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.');
        },
      },
      { kinds: ['Pod', 'Deployment', 'ReplicaSet'], pageSize: 2 },
    );
    expect(expired).toBe(true);
    expect(places(resources)).toEqual(['Deployment/shop/web']);
    expect(notes.map((n) => n.message)).toEqual(['3 Pods are checked through their controllers']);
  });

  it('drops kubectl\'s last-applied copy from every kind and keeps the other annotations', async () => {
    const applied = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'fast' } };
    const settings = { ...applied, metadata: { ...applied.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(applied)}\n`, team: 'shop' } } };
    const { resources } = await read({ objects: [settings] }, { kinds: ['ConfigMap'] });
    expect(resources.map((r) => r.object)).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: expect.objectContaining({ name: 'settings', namespace: 'shop', annotations: { team: 'shop' } }), data: { mode: 'fast' } }]);
  });
});
