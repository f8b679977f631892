import { pathToFileURL } from 'node:url';
import { Inventory } from '../src/core/inventory.js';
import type { Resource } from '../src/core/resource.js';
import { PermissionIndex, type AccessQuery } from '../src/analyses/rbac/permission-index.js';
import { mulberry32 } from './generate.js';

/**
 * The `rbac who-can` budget of DESIGN.md: a seeded RBAC estate with 10k bindings; the index must
 * build in < 1 s and each who-can query answer in < 5 ms. Prints figures; never fails the run.
 */

const TARGETS = { buildMs: 1000, queryMs: 5 };
const RBAC = 'rbac.authorization.k8s.io/v1';
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate', '*'];
const RESOURCES: Array<[string, string]> = [
  ['', 'pods'], ['', 'pods/exec'], ['', 'pods/log'], ['', 'secrets'], ['', 'configmaps'], ['', 'services'], ['', 'serviceaccounts'], ['', 'serviceaccounts/token'],
  ['apps', 'deployments'], ['apps', 'deployments/scale'], ['apps', 'statefulsets'], ['batch', 'jobs'], ['rbac.authorization.k8s.io', 'roles'], ['rbac.authorization.k8s.io', 'rolebindings'],
  ['networking.k8s.io', 'ingresses'], ['example.com', 'widgets'], ['*', '*'], ['*', '*/scale'],
];

function resource(kind: string, namespace: string | null, name: string, object: Record<string, unknown>): Resource {
  return { apiVersion: RBAC, kind, namespace, name, object: { apiVersion: RBAC, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...object }, source: { file: 'bench', line: 1 } };
}

export function generateRbac(seed: number, bindings: number): { resources: Resource[]; namespaces: string[] } {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const rules = () =>
    Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => {
      const [group, res] = pick(RESOURCES);
      const rule: Record<string, unknown> = { apiGroups: [group], resources: [res], verbs: Array.from(new Set([pick(VERBS), pick(VERBS), pick(VERBS)])) };
      if (rnd() < 0.1) rule.resourceNames = [`name-${Math.floor(rnd() * 20)}`];
      return rule;
    });
  const namespaces = Array.from({ length: 200 }, (_, i) => `ns-${i}`);
  const out: Resource[] = [];
  const clusterRoles = Array.from({ length: 300 }, (_, i) => `cr-${i}`);
  for (const name of clusterRoles) out.push(resource('ClusterRole', null, name, { metadata: { name, labels: { tier: pick(['a', 'b', 'c']) } }, rules: rules() }));
  out.push(resource('ClusterRole', null, 'aggregate-a', { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { tier: 'a' } }] } }));
  clusterRoles.push('aggregate-a');
  const roles = new Map<string, string[]>();
  for (const ns of namespaces) {
    const names = Array.from({ length: 5 }, (_, i) => `role-${i}`);
    roles.set(ns, names);
    for (const name of names) out.push(resource('Role', ns, name, { rules: rules() }));
    for (let i = 0; i < 10; i++) out.push({ ...resource('ServiceAccount', ns, `sa-${i}`, {}), apiVersion: 'v1' });
  }
  const subjects = (ns: string | null) =>
    Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
      const r = rnd();
      if (r < 0.4) return { kind: 'User', name: `user-${Math.floor(rnd() * 2000)}` };
      if (r < 0.6) return { kind: 'Group', name: `group-${Math.floor(rnd() * 100)}` };
      return { kind: 'ServiceAccount', name: `sa-${Math.floor(rnd() * 10)}`, namespace: ns ?? pick(namespaces) };
    });
  for (let i = 0; i < bindings; i++) {
    if (i % 10 === 0) {
      out.push(resource('ClusterRoleBinding', null, `crb-${i}`, { roleRef: { kind: 'ClusterRole', name: pick(clusterRoles) }, subjects: subjects(null) }));
    } else {
      const ns = pick(namespaces);
      const toCluster = rnd() < 0.5;
      const roleRef = toCluster ? { kind: 'ClusterRole', name: pick(clusterRoles) } : { kind: 'Role', name: pick(roles.get(ns)!) };
      out.push(resource('RoleBinding', ns, `rb-${i}`, { roleRef, subjects: subjects(ns) }));
    }
  }
  return { resources: out, namespaces };
}

export function runRbacBench(opts: { seed?: number; bindings?: number; queries?: number } = {}): Record<string, unknown> {
  const seed = opts.seed ?? 42;
  const bindings = opts.bindings ?? 10_000;
  const queries = opts.queries ?? 1000;
  const { resources, namespaces } = generateRbac(seed, bindings);
  const inventory = new Inventory(resources);
  // One warm-up build so the figure is the index, not the JIT compiling it.
  new PermissionIndex(inventory);
  const started = performance.now();
  const index = new PermissionIndex(inventory);
  const buildMs = performance.now() - started;

  const rnd = mulberry32(seed + 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const qs: AccessQuery[] = Array.from({ length: queries }, () => {
    const [, res] = pick(RESOURCES.filter(([g]) => g !== '*'));
    const [resource, subresource] = res.split('/') as [string, string | undefined];
    return { verb: pick(VERBS.slice(0, -1)), resource, ...(subresource ? { subresource } : {}), ...(rnd() < 0.7 ? { namespace: pick(namespaces) } : {}), ...(rnd() < 0.2 ? { name: `name-${Math.floor(rnd() * 20)}` } : {}) };
  });
  for (const q of qs.slice(0, 50)) index.whoCan(q);
  const times: number[] = [];
  let grants = 0;
  for (const q of qs) {
    const t = performance.now();
    grants += index.whoCan(q).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
  const result = {
    benchmark: 'rbac who-can',
    seed,
    bindings: index.bindingCount + index.missingRoles.length,
    resources: resources.length,
    buildMs: round(buildMs),
    queries,
    queryP50Ms: round(pct(50), 3),
    queryP99Ms: round(pct(99), 3),
    queryMaxMs: round(times[times.length - 1] ?? 0, 3),
    meanGrantsPerQuery: Math.round(grants / queries),
    targets: TARGETS,
    pass: { build: buildMs < TARGETS.buildMs, query: pct(99) < TARGETS.queryMs },
  };
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  console.log(`\nrbac who-can on ${result.bindings} bindings (${resources.length} RBAC objects, seed ${seed}), node ${process.version}`);
  console.log(`index build          ${result.buildMs} ms   target < ${TARGETS.buildMs} ms   ${verdict(result.pass.build)}`);
  console.log(`who-can p50 / p99    ${result.queryP50Ms} / ${result.queryP99Ms} ms   target < ${TARGETS.queryMs} ms   ${verdict(result.pass.query)}`);
  console.log(`${queries} random queries, ${result.meanGrantsPerQuery} grants per answer on average, slowest ${result.queryMaxMs} ms`);
  return result;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runRbacBench();
