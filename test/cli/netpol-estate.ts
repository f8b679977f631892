import { tempTree } from '../helpers/cli.js';
import { deployment, namespace, podsOf, replicaSet, startFakeKube, writeKubeconfig, type FakeKube } from '../helpers/fake-kube.js';

// `netpol reach` and `netpol exposure` are tested on one estate, so that their answers stay comparable.

/** A workload in namespace `ns` whose pods carry the label app=`name`; `podSpec` is YAML, one key a line. */
export function labelledWorkload(kind: 'Deployment' | 'DaemonSet', ns: string, name: string, podSpec: string): string {
  return `apiVersion: apps/v1
kind: ${kind}
metadata: {name: ${name}, namespace: ${ns}}
spec:
  template:
    metadata: {labels: {app: ${name}}}
    spec:
${podSpec
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
`;
}

/** A NetworkPolicy `name` in namespace shop; `spec` is YAML, indented under spec. */
function shopPolicy(name: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: shop}
spec:
${spec}`;
}

export interface NetpolEstateOptions {
  /** Workloads listed after the two Deployments, as YAML documents. */
  workloads?: string[];
  /** The only peer frontend may send DNS (UDP 53) to; anywhere when left out. */
  dnsPeer?: string;
  /** Rules appended to the ingress of backend's policy, as YAML list items. */
  backendIngress?: string;
}

/**
 * The manifests of namespace shop: Deployment frontend (port http, 8080) and Deployment backend (port
 * api, 9090) behind a default deny of both directions. Anyone may reach frontend on http; frontend may
 * reach backend on api, the internet outside 10.0.0.0/8 on 443 and DNS on UDP 53; backend admits
 * frontend on 9090.
 */
export function netpolEstate(opts: NetpolEstateOptions = {}): string {
  const dns = opts.dnsPeer === undefined ? '  - ports: [{port: 53, protocol: UDP}]' : `  - to: [${opts.dnsPeer}]\n    ports: [{port: 53, protocol: UDP}]`;
  return [
    labelledWorkload('Deployment', 'shop', 'frontend', 'containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]'),
    labelledWorkload('Deployment', 'shop', 'backend', 'containers: [{name: api, image: api, ports: [{name: api, containerPort: 9090}]}]'),
    ...(opts.workloads ?? []),
    shopPolicy('default-deny', '  podSelector: {}\n  policyTypes: [Ingress, Egress]\n'),
    shopPolicy(
      'frontend',
      `  podSelector: {matchLabels: {app: frontend}}
  ingress:
  - ports: [{port: http}]
  egress:
  - to: [{podSelector: {matchLabels: {app: backend}}}]
    ports: [{port: api}]
  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]
    ports: [{port: 443}]
${dns}
`,
    ),
    shopPolicy(
      'backend',
      `  podSelector: {matchLabels: {app: backend}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: frontend}}}]
    ports: [{port: 9090}]
${opts.backendIngress ?? ''}`,
    ),
  ].join('---\n');
}

export interface NetpolCluster {
  server: FakeKube;
  /** KUBECONFIG, naming the server as context aks. */
  env: Record<string, string>;
  /** A working directory holding a manifest of its own, which a `--cluster` run must not read. */
  cwd: string;
}

/**
 * A live cluster serving Deployment shop/web (its two pods made through ReplicaSet web-7d9f), the
 * Ingress policy `policy.name` that admits `policy.ingress` to web, and `objects`.
 */
export async function startNetpolCluster(policy: { name: string; ingress: Record<string, unknown> }, objects: Record<string, unknown>[] = []): Promise<NetpolCluster> {
  const token = 'netpol-token';
  const rs = replicaSet('shop', 'web-7d9f', 'web');
  const webPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: policy.name, namespace: 'shop' },
    spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [policy.ingress] },
  };
  const server = await startFakeKube({ token, objects: [namespace('shop'), deployment('shop', 'web'), rs, ...podsOf(rs, 2), ...objects, webPolicy] });
  return {
    server,
    env: { KUBECONFIG: writeKubeconfig([{ name: 'aks', server: server.server, ca: server.ca, token }], 'aks') },
    cwd: tempTree({ 'unrelated.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: local, namespace: dev}\nspec: {template: {spec: {containers: [{name: c, image: c}]}}}\n' }),
  };
}
