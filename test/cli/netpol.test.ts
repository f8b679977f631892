import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';
import { deployment, namespace } from '../helpers/fake-kube.js';
import { netpolEstate, startNetpolCluster, type NetpolCluster } from './netpol-estate.js';

const MANIFESTS = netpolEstate();

const EXPECTED_TXT = [
  '0.0.0.0-255.255.255.255[External] => shop/frontend[Deployment] : TCP 8080',
  'shop/frontend[Deployment] => 0.0.0.0-9.255.255.255[External] : TCP 443,UDP 53',
  'shop/frontend[Deployment] => 10.0.0.0-10.255.255.255[External] : UDP 53',
  'shop/frontend[Deployment] => 11.0.0.0-255.255.255.255[External] : TCP 443,UDP 53',
  // frontend may send UDP 53 anywhere, but backend takes only TCP 9090 in.
  'shop/frontend[Deployment] => shop/backend[Deployment] : TCP 9090',
];

describe('palisade netpol reach', () => {
  const dir = tempTree({ 'app.yaml': MANIFESTS });

  it('prints the connlist txt, sorted, one line per allowed pair', async () => {
    const r = await runCli(['netpol', 'reach', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${EXPECTED_TXT.join('\n')}\n`);
  });

  it('writes json, csv and md as netpol-analyzer does', async () => {
    const [json, csv, md] = await Promise.all([runCli(['netpol', 'reach', dir, '-f', 'json']), runCli(['netpol', 'reach', dir, '--format', 'csv']), runCli(['netpol', 'reach', dir, '-f', 'md'])]);
    expect(JSON.parse(json.stdout)).toContainEqual({ src: 'shop/frontend[Deployment]', dst: '0.0.0.0-9.255.255.255[External]', conn: 'TCP 443,UDP 53' });
    expect(csv.stdout.split('\n')[0]).toBe('src,dst,conn');
    expect(csv.stdout).toContain('shop/frontend[Deployment],0.0.0.0-9.255.255.255[External],"TCP 443,UDP 53"\n');
    expect(md.stdout).toContain('| shop/frontend[Deployment] | shop/backend[Deployment] | TCP 9090 |\n');
  });

  it('warns that the answers assume enforcement when the cluster of the input enforces no NetworkPolicy', async () => {
    const cluster = {
      id: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-shop/providers/Microsoft.ContainerService/managedClusters/aks-shop',
      name: 'aks-shop',
      type: 'Microsoft.ContainerService/ManagedClusters',
      resourceGroup: 'rg-shop',
      networkProfile: { networkPlugin: 'azure', networkPolicy: 'none' },
    };
    const withCluster = tempTree({ 'app.yaml': MANIFESTS, 'aks.json': JSON.stringify(cluster) });
    const r = await runCli(['netpol', 'reach', withCluster]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/cluster aks-shop has no network policy engine .*every pod can reach every other pod; the answers below are what the NetworkPolicies would allow if an engine enforced them/);
    const exposure = await runCli(['netpol', 'exposure', withCluster]);
    expect(exposure.stderr).toContain('would allow if an engine enforced them');
    // An engine that enforces them: no such warning.
    const calico = tempTree({ 'app.yaml': MANIFESTS, 'aks.json': JSON.stringify({ ...cluster, networkProfile: { networkPlugin: 'azure', networkPolicy: 'calico' } }) });
    expect((await runCli(['netpol', 'reach', calico])).stderr).toBe('');
  });

  it('draws a dot graph of every workload, connected or not', async () => {
    const r = await runCli(['netpol', 'reach', dir, '-f', 'dot']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"shop/backend[Deployment]" [label="backend[Deployment]"');
    expect(r.stdout).toContain('"shop/frontend[Deployment]" -> "shop/backend[Deployment]" [label="TCP 9090"');
  });

  it('narrows to --from, --to and --port', async () => {
    const [from, port, cidr, ip] = await Promise.all([
      runCli(['netpol', 'reach', dir, '--from', 'shop/frontend', '--to', 'shop/backend[Deployment]']),
      runCli(['netpol', 'reach', dir, '--from', 'shop/frontend', '--port', '53/udp']),
      runCli(['netpol', 'reach', dir, '--to', '10.20.0.0/16']),
      runCli(['netpol', 'reach', dir, '--to', '20.1.2.3', '--port', '443']),
    ]);
    expect(from.stdout).toBe('shop/frontend[Deployment] => shop/backend[Deployment] : TCP 9090\n');
    expect(port.stdout.trim().split('\n')).toEqual([
      'shop/frontend[Deployment] => 0.0.0.0-9.255.255.255[External] : UDP 53',
      'shop/frontend[Deployment] => 10.0.0.0-10.255.255.255[External] : UDP 53',
      'shop/frontend[Deployment] => 11.0.0.0-255.255.255.255[External] : UDP 53',
    ]);
    expect(cidr.stdout).toBe('shop/frontend[Deployment] => 10.20.0.0-10.20.255.255[External] : UDP 53\n');
    expect(ip.stdout).toBe('shop/frontend[Deployment] => 20.1.2.3-20.1.2.3[External] : TCP 443\n');
  });

  it('answers --to a Service for the workloads it selects, and --from a Pod for its workload, saying so', async () => {
    const withService = tempTree({
      'app.yaml': `${MANIFESTS}---
apiVersion: v1
kind: Service
metadata: {name: backend-svc, namespace: shop}
spec: {selector: {app: backend}, ports: [{port: 80, targetPort: api}]}
---
apiVersion: v1
kind: Service
metadata: {name: external-db, namespace: shop}
spec: {ports: [{port: 5432}]}
---
apiVersion: v1
kind: Pod
metadata: {name: frontend-5d8f9-x2x9q, namespace: shop, labels: {app: frontend}, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: frontend, uid: u, controller: true}]}
spec: {containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]}
`,
    });
    const [service, pod, noSelector, typo] = await Promise.all([
      runCli(['netpol', 'reach', withService, '--to', 'shop/backend-svc']),
      runCli(['netpol', 'reach', withService, '--from', 'shop/frontend-5d8f9-x2x9q', '--to', 'shop/backend-svc[Service]']),
      runCli(['netpol', 'reach', withService, '--to', 'shop/external-db']),
      runCli(['netpol', 'reach', withService, '--to', 'shop/backnd']),
    ]);
    expect(service.code).toBe(0);
    expect(service.stdout).toBe('shop/frontend[Deployment] => shop/backend[Deployment] : TCP 9090\n');
    expect(service.stderr).toContain("palisade: warning: --to: shop/backend-svc is a Service: answered for the workload it selects, shop/backend[Deployment], on their pods' own ports");
    expect(pod.stdout).toBe('shop/frontend[Deployment] => shop/backend[Deployment] : TCP 9090\n');
    expect(pod.stderr).toContain('palisade: warning: --from: shop/frontend-5d8f9-x2x9q is a Pod of shop/frontend[Deployment]: answered for the workload');
    expect(noSelector.code).toBe(2);
    expect(noSelector.stderr).toContain('--to: Service shop/external-db has no selector: its endpoints are not chosen by labels, so its pods are not known here');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--to: no workload, Pod or Service shop/backnd in the input (did you mean shop/backend?)');
  });

  it('writes to -o FILE', async () => {
    const out = join(tempTree({}), 'reach.txt');
    const r = await runCli(['netpol', 'reach', dir, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(`${EXPECTED_TXT.join('\n')}\n`);
  });

  it('exits 2 on usage errors', async () => {
    const cases = [['--port', '70000'], ['--port', 'http'], ['--from', 'frontend'], ['--to', 'shop/nope'], ['-f', 'yaml'], ['--from', '10.0.0.0/33'], ['--to', 'fd00::/200']];
    const results = await Promise.all(cases.map((args) => runCli(['netpol', 'reach', dir, ...args])));
    results.forEach((r, i) => {
      expect(r.code, cases[i]!.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
    });
    expect(results[0]!.stderr).toContain('--port must be N, N/PROTO or N-M/PROTO');
    expect(results[3]!.stderr).toContain('--to: no workload, Pod or Service shop/nope in the input');
    expect(results[5]!.stderr).toContain('--from: "10.0.0.0/33" is not a valid CIDR');
    expect(results[6]!.stderr).toContain('--to: "fd00::/200" is not a valid CIDR');
  });

  it('reports an unreadable input, answers from the rest and exits 2', async () => {
    const r = await runCli(['netpol', 'reach', dir, join(dir, 'missing.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.yaml: cannot read/);
    expect(r.stdout).toBe(`${EXPECTED_TXT.join('\n')}\n`);
  });

  it('warns about a policy part it cannot read and evaluates the rest', async () => {
    const bad = tempTree({
      'bad.yaml': `${MANIFESTS}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: broken, namespace: shop}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.0}}]
`,
    });
    const r = await runCli(['netpol', 'reach', bad]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*bad\.yaml:\d+: NetworkPolicy shop\/broken: spec\.ingress\[0\]\.from\[0\]\.ipBlock: cidr "10\.0\.0\.0" is not a CIDR/);
  });

  it('says that the policies of the cluster\'s network policy engine (Cilium, Calico) are not modelled', async () => {
    const dir = tempTree({
      'cilium.yaml': `${MANIFESTS}---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny-all, namespace: shop}
spec: {endpointSelector: {}, ingress: [{}]}
`,
    });
    const r = await runCli(['netpol', 'exposure', dir]);
    expect(r.stderr).toMatch(/warning: .*cilium\.yaml:\d+: a policy of the cluster's network policy engine \(CiliumNetworkPolicy shop\/deny-all\) is not modelled/);
  });

  it('says that an IPv6 address is not modelled when no policy names an IPv6 block', async () => {
    const r = await runCli(['netpol', 'reach', dir, '--from', '2001:db8::1']);
    expect(r.stderr).toContain('palisade: warning: --from: IPv6 is not modelled for this input (no policy names an IPv6 block)');
  });

  it('says that policies are applied to host-network pods as netpol-analyzer applies them, not as AKS\'s engines do', async () => {
    const dir = tempTree({
      'host.yaml': `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: monitoring}
spec: {template: {metadata: {labels: {app: node-exporter}}, spec: {hostNetwork: true, containers: [{name: e, image: x}]}}}
`,
    });
    const r = await runCli(['netpol', 'reach', dir]);
    expect(r.stderr).toMatch(/warning: .*host\.yaml:1: monitoring\/node-exporter\[DaemonSet\] runs on the host network/);
  });

  it('reads pods from a typed PodList whose items carry no kind, folding them into their owner', async () => {
    const pods = tempTree({
      'pods.json': JSON.stringify({
        apiVersion: 'v1',
        kind: 'PodList',
        items: ['a', 'b'].map((s) => ({
          metadata: { name: `web-5d8-${s}`, namespace: 'shop', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8', controller: true }] },
          spec: { containers: [{ name: 'web', image: 'web' }] },
        })),
      }),
      'deny.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-egress, namespace: shop}\nspec: {podSelector: {}, policyTypes: [Egress]}\n',
    });
    const r = await runCli(['netpol', 'reach', pods]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('0.0.0.0-255.255.255.255[External] => shop/web-5d8[ReplicaSet] : All Connections\n');
  });
});

describe('palisade netpol reach --cluster', () => {
  let cluster: NetpolCluster;

  beforeAll(async () => {
    cluster = await startNetpolCluster({ name: 'web-from-platform', ingress: { from: [{ namespaceSelector: { matchLabels: { team: 'platform' } } }], ports: [{ port: 8080 }] } }, [
      namespace('ops', { team: 'platform' }),
      deployment('ops', 'probe'),
    ]);
  });
  afterAll(async () => {
    await cluster.server.close();
  });

  it('answers from the live cluster, its pods folded into their Deployment, without reading the current directory', async () => {
    const r = await runCli(['netpol', 'reach', '--cluster', '--to', 'shop/web'], { cwd: cluster.cwd, env: cluster.env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ops/probe[Deployment] => shop/web[Deployment] : TCP 8080\n');
    const listed = new Set(cluster.server.requests.map((q) => q.path.split('?')[0]));
    expect(listed).toContain('/apis/networking.k8s.io/v1/networkpolicies');
    expect(listed).not.toContain('/api/v1/secrets');
  });
});
