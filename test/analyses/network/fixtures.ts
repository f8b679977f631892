import { Inventory } from '../../../src/core/inventory.js';
import { toResource, type Resource } from '../../../src/core/resource.js';
import { connectionLine, txtLine } from '../../../src/analyses/network/connlist.js';
import { ReachabilityModel, type Peer } from '../../../src/analyses/network/reachability-model.js';

export type Json = Record<string, unknown>;

/** Test fixtures: Kubernetes objects as a manifest writes them. */
export function resource(object: Json, line = 1): Resource {
  const r = toResource(object, { file: 'fixture.yaml', line });
  if (!r) throw new Error('not a Kubernetes object');
  return r;
}

export function namespace(name: string, labels: Record<string, string> = {}): Json {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface PortSpec {
  name?: string;
  containerPort: number;
  protocol?: string;
}

function podSpec(ports: PortSpec[] = []): Json {
  return { containers: [{ name: 'app', image: 'example.azurecr.io/app:1', ports }] };
}

/** A workload of a kind with a pod template (every kind but Pod and CronJob). */
export function workload(kind: string, ns: string, name: string, labels: Record<string, string>, ports: PortSpec[] = []): Json {
  const apiVersion = kind === 'ReplicationController' ? 'v1' : kind === 'Job' ? 'batch/v1' : 'apps/v1';
  return { apiVersion, kind, metadata: { name, namespace: ns }, spec: { template: { metadata: { labels }, spec: podSpec(ports) } } };
}

export function deployment(ns: string, name: string, labels: Record<string, string>, ports: PortSpec[] = []): Json {
  return workload('Deployment', ns, name, labels, ports);
}

export function cronJob(ns: string, name: string, labels: Record<string, string>): Json {
  return { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: ns }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { metadata: { labels }, spec: podSpec() } } } } };
}

export function pod(ns: string, name: string, labels: Record<string, string>, opts: { owner?: Json; ports?: PortSpec[]; podIP?: string } = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels, ...(opts.owner ? { ownerReferences: [opts.owner] } : {}) },
    spec: podSpec(opts.ports),
    ...(opts.podIP ? { status: { phase: 'Running', hostIP: '10.224.0.4', podIP: opts.podIP, podIPs: [{ ip: opts.podIP }] } } : {}),
  };
}

export function netpol(ns: string, name: string, spec: Json): Json {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

export function modelOf(...objects: Json[]): ReachabilityModel {
  return new ReachabilityModel(new Inventory(objects.map((o, i) => resource(o, i + 1))));
}

function peer(m: ReachabilityModel, label: string, side: 'source' | 'destination'): Peer {
  if (label === '*') {
    const all = side === 'source' ? m.externalSources : m.externalDestinations;
    if (all.length !== 1) throw new Error(`${all.length} external ranges: name one`);
    return all[0]!;
  }
  const w = m.workload(label) ?? (side === 'source' ? m.externalSources : m.externalDestinations).find((x) => x.label === label);
  if (!w) throw new Error(`no peer ${label}; have ${m.workloads.map((x) => x.label).join(', ')}`);
  return w;
}

/** The connection from one peer to another in its connlist spelling ('' for nothing); `*` is the whole internet. */
export function conn(m: ReachabilityModel, from: string, to: string): string {
  return m.connection(peer(m, from, 'source'), peer(m, to, 'destination')).toString();
}

/** The connection list as txt lines. */
export function connlist(m: ReachabilityModel, query: Parameters<ReachabilityModel['connections']>[0] = {}): string[] {
  return [...m.connections(query)].map((c) => txtLine(connectionLine(c)));
}
