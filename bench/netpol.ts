import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Inventory } from '../src/core/inventory.js';
import type { Resource } from '../src/core/resource.js';
import { connectionLine, txtLine } from '../src/analyses/network/connlist.js';
import { ReachabilityModel } from '../src/analyses/network/reachability-model.js';
import { mulberry32 } from './generate.js';

/**
 * The `netpol reach` budget of DESIGN.md: a seeded cluster snapshot of 5k pods in 200 namespaces
 * with 1k NetworkPolicies, analysed into the full connection list in < 5 s. The pods are what a live
 * read returns: Pods owned by ReplicaSets, StatefulSets (each pod with its own pod-name label),
 * DaemonSets and Jobs, plus bare Pods. The policies are a realistic mix: default deny in most
 * namespaces, DNS egress, same-namespace and cross-namespace allows by labels and matchExpressions,
 * monitoring scrapes from every namespace, named ports, port ranges and ipBlocks with except.
 * Prints figures; never fails the run.
 */

const TARGET_MS = 5000;
const NODES = 40;

interface Options {
  seed?: number;
  pods?: number;
  namespaces?: number;
  policies?: number;
}

function object(apiVersion: string, kind: string, namespace: string | null, name: string, rest: Record<string, unknown>, labels?: Record<string, string>): Resource {
  const metadata = { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), ...((rest.metadata as object | undefined) ?? {}) };
  return { apiVersion, kind, namespace, name, object: { apiVersion, kind, ...rest, metadata }, source: { file: 'bench', line: 1 } };
}

export function generateNetpolCluster(opts: Options = {}): { resources: Resource[]; pods: number; policies: number; namespaces: number } {
  const seed = opts.seed ?? 42;
  const podTarget = opts.pods ?? 5000;
  const nsCount = opts.namespaces ?? 200;
  const policyTarget = opts.policies ?? 1000;
  const rnd = mulberry32(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const hash = () => Math.floor(rnd() * 0xffffffff).toString(16).padStart(8, '0').slice(0, 9);
  const teams = ['payments', 'shop', 'search', 'identity', 'data', 'platform', 'ml', 'growth'];
  const envs = ['prod', 'staging', 'dev'];
  const tiers = ['frontend', 'backend', 'db', 'cache', 'worker'];
  const out: Resource[] = [];

  const system = ['kube-system', 'monitoring', 'ingress-nginx', 'logging'];
  const namespaces = [...system, ...Array.from({ length: nsCount - system.length }, (_, i) => `${pick(teams)}-${i}`)];
  const nsTeam = new Map<string, string>();
  for (const ns of namespaces) {
    const team = system.includes(ns) ? 'platform' : ns.replace(/-\d+$/, '');
    nsTeam.set(ns, team);
    out.push(object('v1', 'Namespace', null, ns, {}, { team, env: system.includes(ns) ? 'prod' : pick(envs), ...(rnd() < 0.3 ? { 'istio-injection': 'enabled' } : {}) }));
  }

  let pods = 0;
  const apps = new Map<string, string[]>();
  const pod = (ns: string, name: string, labels: Record<string, string>, owner: { kind: string; name: string } | undefined, ports: Array<{ name: string; containerPort: number; protocol?: string }>) => {
    pods++;
    out.push(
      object('v1', 'Pod', ns, name, {
        metadata: owner ? { ownerReferences: [{ apiVersion: owner.kind === 'Job' ? 'batch/v1' : 'apps/v1', kind: owner.kind, name: owner.name, controller: true, uid: `${ns}-${owner.name}` }] } : {},
        spec: { nodeName: `node-${int(NODES)}`, containers: [{ name: 'app', image: 'example.azurecr.io/app:1', ports }] },
        status: { phase: 'Running', hostIP: `10.224.0.${int(250)}`, podIPs: [{ ip: `10.244.${int(250)}.${int(250)}` }] },
      }, labels),
    );
  };
  const appPorts = () => [{ name: 'http', containerPort: pick([80, 8080, 8443, 3000]) }, ...(rnd() < 0.5 ? [{ name: 'metrics', containerPort: 9090 }] : []), ...(rnd() < 0.1 ? [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] : [])];

  // Node agents: one pod per node.
  for (const [ns, ds] of [['kube-system', 'kube-proxy'], ['kube-system', 'azure-cni'], ['logging', 'fluent-bit'], ['monitoring', 'node-exporter']] as const) {
    const rev = hash();
    for (let n = 0; n < NODES; n++) pod(ns, `${ds}-${hash().slice(0, 5)}`, { 'k8s-app': ds, 'controller-revision-hash': rev }, { kind: 'DaemonSet', name: ds }, [{ name: 'metrics', containerPort: 9100 }]);
  }
  for (let i = 0; i < 2; i++) pod('kube-system', `coredns-6d4f-${i}`, { 'k8s-app': 'kube-dns', 'pod-template-hash': '6d4f' }, { kind: 'ReplicaSet', name: 'coredns-6d4f' }, [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }]);
  for (let i = 0; i < 3; i++) pod('ingress-nginx', `ingress-nginx-controller-7c9-${i}`, { 'app.kubernetes.io/name': 'ingress-nginx', 'pod-template-hash': '7c9' }, { kind: 'ReplicaSet', name: 'ingress-nginx-controller-7c9' }, [{ name: 'http', containerPort: 80 }]);
  for (let i = 0; i < 2; i++) pod('monitoring', `prometheus-${i}`, { app: 'prometheus', 'statefulset.kubernetes.io/pod-name': `prometheus-${i}` }, { kind: 'StatefulSet', name: 'prometheus' }, []);

  const teamNamespaces = namespaces.filter((ns) => !system.includes(ns));
  while (pods < podTarget) {
    const ns = pick(teamNamespaces);
    const list = apps.get(ns) ?? [];
    apps.set(ns, list);
    const app = `${pick(tiers)}-${list.length}`;
    list.push(app);
    const base = { app, tier: app.replace(/-\d+$/, ''), team: nsTeam.get(ns)!, version: pick(['v1', 'v2']) };
    const ports = appPorts();
    const kind = rnd();
    if (kind < 0.7) {
      const rs = `${app}-${hash()}`;
      const hashLabel = rs.slice(app.length + 1);
      const replicas = 1 + int(5);
      for (let r = 0; r < replicas; r++) pod(ns, `${rs}-${hash().slice(0, 5)}`, { ...base, 'pod-template-hash': hashLabel }, { kind: 'ReplicaSet', name: rs }, ports);
    } else if (kind < 0.85) {
      const replicas = 1 + int(3);
      for (let r = 0; r < replicas; r++) pod(ns, `${app}-${r}`, { ...base, 'statefulset.kubernetes.io/pod-name': `${app}-${r}` }, { kind: 'StatefulSet', name: app }, ports);
    } else if (kind < 0.95) {
      pod(ns, `${app}-${hash().slice(0, 5)}`, { ...base, 'job-name': `${app}` }, { kind: 'Job', name: app }, []);
    } else {
      pod(ns, app, base, undefined, ports);
    }
  }

  let policies = 0;
  const policy = (ns: string, name: string, spec: Record<string, unknown>) => {
    if (policies >= policyTarget) return;
    policies++;
    out.push(object('networking.k8s.io/v1', 'NetworkPolicy', ns, name, { spec }));
  };
  const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
  for (const ns of teamNamespaces) {
    if (policies >= policyTarget) break;
    const list = apps.get(ns) ?? [];
    if (rnd() < 0.8) policy(ns, 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
    if (rnd() < 0.4) {
      policy(ns, 'default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
      policy(ns, 'allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
      });
    }
    // A few app policies per namespace: about five policies per namespace in all.
    for (const app of list.slice(0, 1 + int(4))) {
      const r = rnd();
      if (r < 0.35 && list.length > 1) {
        policy(ns, `${app}-from-peers`, {
          podSelector: { matchLabels: { app } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: pick(list) } } }, { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'backend'] }] } }], ports: [{ port: 'http' }] }],
        });
      } else if (r < 0.55) {
        policy(ns, `${app}-from-team`, {
          podSelector: { matchLabels: { app } },
          policyTypes: ['Ingress'],
          ingress: [
            { from: [{ namespaceSelector: { matchLabels: { team: nsTeam.get(ns)! } }, podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] } }], ports: [{ port: 8000, endPort: 8999 }, { port: 'http' }] },
            { from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }, { key: 'istio-injection', operator: 'DoesNotExist' }] } }], ports: [{ port: 443 }] },
          ],
        });
      } else if (r < 0.7) {
        policy(ns, `${app}-from-ingress`, {
          podSelector: { matchLabels: { app } },
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 'http' }] }],
        });
      } else if (r < 0.85) {
        policy(ns, `${app}-egress`, {
          podSelector: { matchLabels: { app } },
          policyTypes: ['Egress'],
          egress: [
            { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: privateRanges } }], ports: [{ port: 443 }] },
            { to: [{ ipBlock: { cidr: `10.${int(256)}.${int(256)}.0/24` } }], ports: [{ port: 5432 }, { port: 6379 }] },
            { to: [{ podSelector: { matchLabels: { tier: 'db' } } }, { namespaceSelector: { matchLabels: { team: nsTeam.get(ns)! } } }] },
          ],
        });
      } else {
        policy(ns, `${app}-metrics`, {
          podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
          ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [{ port: 'metrics' }, { port: 9090, protocol: 'TCP' }] }, { from: [{ ipBlock: { cidr: '20.50.0.0/16', except: ['20.50.1.0/24'] } }], ports: [{ port: 443 }] }],
        });
      }
    }
  }
  // Platform namespaces: monitoring scrapes everything, the ingress controller is open to the internet.
  while (policies < policyTarget) {
    const ns = pick(system);
    policy(ns, `platform-${policies}`, {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { namespaceSelector: {} }] }],
      egress: [{ to: [{ namespaceSelector: {} }] }, { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [`10.${int(256)}.0.0/16`] } }], ports: [{ port: 443 }] }],
    });
  }
  return { resources: out, pods, policies, namespaces: namespaces.length };
}

export function runNetpolBench(opts: Options = {}): Record<string, unknown> {
  const seed = opts.seed ?? 42;
  const generated = generateNetpolCluster({ ...opts, seed });
  const inventory = new Inventory(generated.resources);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const model = new ReachabilityModel(inventory);
  const modelMs = performance.now() - started;
  let lines = 0;
  let bytes = 0;
  let allowAll = 0;
  for (const c of model.connections()) {
    lines++;
    bytes += txtLine(connectionLine(c)).length + 1;
    if (c.conn.isAll()) allowAll++;
  }
  const totalMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const result = {
    benchmark: 'netpol reach',
    seed,
    pods: generated.pods,
    namespaces: generated.namespaces,
    policies: generated.policies,
    workloads: model.workloads.length,
    podGroups: model.groups.length,
    externalRanges: { sources: model.externalSources.length, destinations: model.externalDestinations.length },
    modelMs: round(modelMs),
    connectionListMs: round(totalMs - modelMs),
    totalMs: round(totalMs),
    // Wall time includes waiting for a busy machine's cores; CPU time does not.
    cpuMs: round(cpuMs),
    lines,
    allConnectionsLines: allowAll,
    txtMiB: round(bytes / 1024 / 1024),
    peakRssMiB: round(peakRssMiB),
    targetMs: TARGET_MS,
    pass: totalMs < TARGET_MS,
  };
  console.log(`\nnetpol reach on ${result.pods} pods in ${result.namespaces} namespaces with ${result.policies} NetworkPolicies (seed ${seed}), node ${process.version}`);
  console.log(`${result.workloads} workloads in ${result.podGroups} pod groups; ${result.externalRanges.sources} source and ${result.externalRanges.destinations} destination external ranges`);
  console.log(`model build          ${result.modelMs} ms`);
  console.log(`connection list      ${result.connectionListMs} ms   ${lines} lines (${allowAll} All Connections), ${result.txtMiB} MiB of txt`);
  console.log(`total                ${result.totalMs} ms (CPU ${result.cpuMs} ms)   target < ${TARGET_MS} ms   ${result.pass ? 'PASS' : 'FAIL'}`);
  console.log(`peak RSS             ${result.peakRssMiB} MiB`);
  return result;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '42' }, pods: { type: 'string', default: '5000' }, policies: { type: 'string', default: '1000' } } });
  runNetpolBench({ seed: Number(values.seed), pods: Number(values.pods), policies: Number(values.policies) });
}
