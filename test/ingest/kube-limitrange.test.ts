import { afterEach, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/engine.js';
import { Inventory } from '../../src/core/inventory.js';
import { DEFAULT_SETTINGS } from '../../src/core/settings.js';
import { readCluster, type ClusterReadOptions } from '../../src/ingest/kube.js';
import { RULES } from '../../src/rules/index.js';
import { container, deployment, namespace, startFakeKube, writeKubeconfig, type FakeKube } from '../helpers/fake-kube.js';

const TOKEN = 'limitrange-token';
const RESOURCE_RULES = ['workload/no-cpu-limit', 'workload/no-memory-limit', 'workload/no-cpu-request', 'workload/no-memory-request'];

const servers: FakeKube[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A LimitRange as the API server stores it: default limits and requests for containers that set none. */
function limitRange(ns: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'container-defaults', namespace: ns },
    spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }] },
  };
}

/** A container that sets no resources at all. */
function bare(): Record<string, unknown> {
  const { resources: _, ...rest } = container('app');
  return rest;
}

async function liveFindings(options: Partial<ClusterReadOptions> = {}) {
  const server = await startFakeKube({
    token: TOKEN,
    objects: [namespace('shop'), namespace('ops'), limitRange('shop'), deployment('shop', 'web', [bare()]), deployment('ops', 'tool', [bare()])],
  });
  servers.push(server);
  const kubeconfig = writeKubeconfig([{ name: 'aks-shop', server: server.server, ca: server.ca, token: TOKEN }], 'aks-shop');
  const read = await readCluster({ kubeconfig, retryDelayMs: 1, ...options });
  expect(read.errors).toEqual([]);
  const { findings } = evaluate(RULES, new Inventory(read.resources), DEFAULT_SETTINGS);
  return { read, findings: findings.filter((f) => RESOURCE_RULES.includes(f.rule)) };
}

describe('readCluster: LimitRanges', () => {
  it('reads the LimitRange of a namespace, so a Deployment without resources there has no resource finding', async () => {
    const { read, findings } = await liveFindings({ namespace: 'shop' });
    expect(read.resources.filter((r) => r.kind === 'LimitRange').map((r) => `${r.namespace}/${r.name}`)).toEqual(['shop/container-defaults']);
    expect(findings).toEqual([]);
  });

  it('still reports the same Deployment shape in a namespace without a LimitRange', async () => {
    const { findings } = await liveFindings();
    expect(findings.every((f) => f.resource.namespace === 'ops')).toBe(true);
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set(RESOURCE_RULES));
  });
});
