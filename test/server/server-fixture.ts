import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../src/core/finding.js';
import type { Report } from '../../src/core/report.js';
import { startServer, type RunningServer, type ServeOptions } from '../../src/server/serve.js';
import type { ScanTarget } from '../../src/server/scheduler.js';
import { openStore, type HistoryStore } from '../../src/store/index.js';
import { finding, report } from '../store/fixtures.js';

export const HOSTILE = '<img src=x onerror="window.__xss=1">';

/** The first scan of `prod`: three findings in shop, one cluster-scoped. */
export function prodFirst(): Report {
  return report(
    [
      finding('workload/privileged-container', 'web', { severity: 'critical' }),
      finding('workload/host-path-volume', 'web', { severity: 'high', field: 'spec.template.spec.volumes[0].hostPath' }),
      finding('workload/missing-limits', 'cache', { severity: 'low', field: 'spec.template.spec.containers[0].resources' }),
      finding('rbac/cluster-admin-binding', 'ops', {
        severity: 'high',
        pillar: 'access',
        resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', namespace: null, name: 'ops' },
        field: 'roleRef',
      }),
    ],
    { generatedAt: '2026-11-25T12:00:00.000Z' },
  );
}

/** The second scan of `prod`: the host path is fixed; a finding with hostile text is new; an attack path is carried. */
export function prodSecond(): Report {
  const [privileged, , limits, admin] = prodFirst().findings as [Finding, Finding, Finding, Finding];
  const hostile = finding('network/exposed-service', 'evil', {
    severity: 'medium',
    pillar: 'network',
    resource: { apiVersion: 'v1', kind: 'Service', namespace: 'payments', name: `svc${HOSTILE}` },
    message: `service exposes ${HOSTILE}</script><script>window.__xss=2</script>`,
    evidence: { observed: { annotation: `${HOSTILE}` }, expected: 'internal' },
    verify: "kubectl get service -n payments -o jsonpath='{.spec.type}'",
    field: 'spec.type',
  });
  const r = report([privileged, limits, admin, hostile], { generatedAt: '2026-11-26T12:00:00.000Z' });
  r.paths = [
    {
      id: 'path-1',
      severity: 'critical',
      score: 0.72,
      likelihood: 0.9,
      impact: 0.8,
      entryPoint: 'internet',
      entry: { id: 'internet', kind: 'internet', label: 'the internet' },
      target: { id: 'cluster-admin', kind: 'cluster-admin', label: `cluster admin ${HOSTILE}` },
      nodes: [],
      steps: [
        { from: 'internet', to: 'svc', text: 'reaches the exposed Service', rule: 'network/exposed-service', findings: [hostile.id], likelihood: 0.9 },
        { from: 'svc', to: 'cluster-admin', text: 'escapes the privileged container to the node', rule: 'workload/privileged-container', findings: [privileged.id], likelihood: 0.8 },
      ],
      fix: { text: 'make the Service internal', closes: 1, findings: [hostile.id] },
    },
  ];
  return r;
}

export function stagingReport(): Report {
  return report([finding('workload/privileged-container', 'api', { severity: 'high', resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'staging', name: 'api' } })], {
    generatedAt: '2026-11-26T11:00:00.000Z',
  });
}

export interface TestServer {
  store: HistoryStore;
  server: RunningServer;
  ids: { prod1: number; prod2: number; staging: number };
  log: string[];
  get(path: string): Promise<{ status: number; headers: Headers; body: unknown; text: string }>;
  close(): Promise<void>;
}

/** A server over a fresh SQLite store holding prod (two scans) and staging (one), scanning nothing unless targets are given. */
export async function startTestServer(options: { targets?: ScanTarget[]; extra?: Partial<ServeOptions> } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-serve-'));
  const store = await openStore(`sqlite:${join(dir, 'history.db')}`);
  const ids = {
    prod1: await store.saveScan('prod', prodFirst()),
    prod2: await store.saveScan('prod', prodSecond()),
    staging: await store.saveScan('staging', stagingReport()),
  };
  const log: string[] = [];
  const server = await startServer({
    store,
    targets: options.targets ?? [],
    intervalMs: 3_600_000,
    port: 0,
    host: '127.0.0.1',
    log: (line) => log.push(line),
    ...options.extra,
  });
  return {
    store,
    server,
    ids,
    log,
    async get(path) {
      const res = await fetch(`${server.url}${path}`);
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: res.status, headers: res.headers, body, text };
    },
    async close() {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
