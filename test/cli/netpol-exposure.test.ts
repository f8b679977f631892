import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';
import { labelledWorkload, netpolEstate, startNetpolCluster, type NetpolCluster } from './netpol-estate.js';

// Beyond what reach is tested on: a host-network agent to be exposed, DNS to kube-dns alone, and backend open to team ops.
const MANIFESTS = netpolEstate({
  workloads: [labelledWorkload('DaemonSet', 'ops', 'node-agent', 'hostNetwork: true\ncontainers: [{name: agent, image: agent}]')],
  dnsPeer: '{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}',
  backendIngress: '  - from: [{namespaceSelector: {matchLabels: {team: ops}}}]\n    ports: [{port: 9100}]\n',
});

const EXPECTED_TXT = [
  '0.0.0.0-255.255.255.255[External] => ops/node-agent[DaemonSet] : All Connections',
  '0.0.0.0-255.255.255.255[External] => shop/frontend[Deployment] : TCP 8080',
  'ops/node-agent[DaemonSet] => 0.0.0.0-9.255.255.255[External] : All Connections',
  'ops/node-agent[DaemonSet] => 10.0.0.0-10.255.255.255[External] : All Connections',
  'ops/node-agent[DaemonSet] => 11.0.0.0-255.255.255.255[External] : All Connections',
  'ops/node-agent[DaemonSet] => shop/frontend[Deployment] : TCP 8080',
  'shop/frontend[Deployment] => 0.0.0.0-9.255.255.255[External] : TCP 443',
  'shop/frontend[Deployment] => 11.0.0.0-255.255.255.255[External] : TCP 443',
  'shop/frontend[Deployment] => shop/backend[Deployment] : TCP 9090',
  '',
  'Exposure Analysis Result:',
  'Egress Exposure:',
  'ops/node-agent[DaemonSet] \t=> \t0.0.0.0-9.255.255.255[External] : All Connections',
  'ops/node-agent[DaemonSet] \t=> \t10.0.0.0-10.255.255.255[External] : All Connections',
  'ops/node-agent[DaemonSet] \t=> \t11.0.0.0-255.255.255.255[External] : All Connections',
  'ops/node-agent[DaemonSet] \t=> \tentire-cluster : All Connections',
  'shop/frontend[Deployment] \t=> \t0.0.0.0-9.255.255.255[External] : TCP 443',
  'shop/frontend[Deployment] \t=> \t11.0.0.0-255.255.255.255[External] : TCP 443',
  'shop/frontend[Deployment] \t=> \t[all namespaces]/[pod with {k8s-app=kube-dns}] : UDP 53',
  '',
  'Ingress Exposure:',
  'ops/node-agent[DaemonSet] \t<= \t0.0.0.0-255.255.255.255[External] : All Connections',
  'ops/node-agent[DaemonSet] \t<= \tentire-cluster : All Connections',
  'shop/backend[Deployment]  \t<= \t[namespace with {team=ops}]/[all pods] : TCP 9100',
  'shop/frontend[Deployment] \t<= \t0.0.0.0-255.255.255.255[External] : TCP 8080',
  'shop/frontend[Deployment] \t<= \tentire-cluster : TCP 8080',
  '',
  'Workloads not protected by network policies:',
  'ops/node-agent[DaemonSet] is not protected on Egress',
  'ops/node-agent[DaemonSet] is not protected on Ingress',
  '',
].join('\n');

describe('palisade netpol exposure', () => {
  const dir = tempTree({ 'app.yaml': MANIFESTS });

  it('prints a table per workload and direction, with a summary', async () => {
    const r = await runCli(['netpol', 'exposure', dir]);
    // The manifests hold no Namespace objects, so what {team: ops} selects is decided on names alone, and said.
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^palisade: warning: .*app\.yaml:\d+: NetworkPolicy shop\/\S+ selects namespaces by label team, but namespaces ops, shop have pods and no Namespace object in the input/)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^WORKLOAD\s+DIR\s+ISOLATED\s+INTERNET\s+ALL NAMESPACES\s+OTHER PEERS$/);
    // On the host network no policy applies, but what the internet reaches is the node's: its NSG decides.
    expect(lines).toContainEqual(expect.stringMatching(/^ops\/node-agent\[DaemonSet\]\s+in\s+host network\s+node's NSG\s+All Connections\s+-$/));
    // The host-network agent is a workload of the input too: the policy admits it like any pod.
    expect(lines).toContainEqual(expect.stringMatching(/^shop\/frontend\[Deployment\]\s+in\s+yes\s+TCP 8080\s+TCP 8080\s+ops\/node-agent\[DaemonSet\] TCP 8080$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^shop\/frontend\[Deployment\]\s+out\s+yes\s+TCP 443\s+-\s+\[all namespaces\]\/\[pod with \{k8s-app=kube-dns\}\] UDP 53, shop\/backend\[Deployment\] TCP 9090$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^shop\/backend\[Deployment\]\s+in\s+yes\s+-\s+-\s+\[namespace with \{team=ops\}\]\/\[all pods\] TCP 9100, shop\/frontend\[Deployment\] TCP 9090$/));
    expect(r.stdout).toContain('3 workloads: 0 reachable from every internet address on all ports, 1 from every namespace on all ports; 0 may connect to every internet address on all ports; 1 on the host network');
  });

  it('writes json with every direction of every workload', async () => {
    const r = await runCli(['netpol', 'exposure', dir, '-f', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { schema: string; workloads: Array<{ workload: string; hostNetwork: boolean; ingress: Record<string, unknown>; egress: Record<string, unknown> }> };
    expect(report.schema).toBe('palisade.netpol-exposure/v1');
    expect(report.workloads.map((w) => w.workload)).toEqual(['ops/node-agent[DaemonSet]', 'shop/backend[Deployment]', 'shop/frontend[Deployment]']);
    const frontend = report.workloads[2]!;
    expect(frontend.egress).toEqual({
      isolated: true,
      policies: ['shop/default-deny', 'shop/frontend'],
      internet: 'TCP 443',
      allNamespaces: null,
      selectors: [{ peer: '[all namespaces]/[pod with {k8s-app=kube-dns}]', namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, conn: 'UDP 53' }],
      external: [
        { peer: '0.0.0.0-9.255.255.255[External]', conn: 'TCP 443' },
        { peer: '11.0.0.0-255.255.255.255[External]', conn: 'TCP 443' },
      ],
      workloads: [{ peer: 'shop/backend[Deployment]', conn: 'TCP 9090' }],
    });
    expect(report.workloads[0]!.hostNetwork).toBe(true);
  });

  it('writes a Markdown table', async () => {
    const r = await runCli(['netpol', 'exposure', dir, '-f', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| workload | dir | isolated | internet | all namespaces | other peers |\n| --- | --- | --- | --- | --- | --- |\n');
    expect(r.stdout).toContain('| shop/backend\\[Deployment\\] | out | yes | - | - | - |\n');
  });

  it("writes netpol-analyzer's list --exposure text with -f txt, to -o FILE", async () => {
    const out = join(tempTree({}), 'exposure.txt');
    const r = await runCli(['netpol', 'exposure', dir, '-f', 'txt', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(EXPECTED_TXT);
  });

  it('reports an unreadable input, answers from the rest and exits 2; exits 2 on usage errors', async () => {
    const [missing, format, context] = await Promise.all([
      runCli(['netpol', 'exposure', dir, join(dir, 'missing.yaml'), '-f', 'txt']),
      runCli(['netpol', 'exposure', dir, '-f', 'dot']),
      runCli(['netpol', 'exposure', dir, '--context', 'aks']),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.yaml: cannot read/);
    expect(missing.stdout).toBe(EXPECTED_TXT);
    // The JSON answer carries what it could not read, as every other JSON report does.
    const asJson = await runCli(['netpol', 'exposure', dir, join(dir, 'missing.yaml'), '-f', 'json']);
    expect(asJson.code).toBe(2);
    expect((JSON.parse(asJson.stdout) as { errors: unknown }).errors).toEqual([{ source: join(dir, 'missing.yaml'), message: 'cannot read: no such file or directory' }]);
    for (const r of [format, context]) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(context.stderr).toContain('--context needs --cluster');
  });
});

/** AKS's own components beside one app of the owner's: CoreDNS on the pod network, Cilium's agent on the host network. */
const WITH_AKS = `apiVersion: apps/v1
kind: Deployment
metadata: { name: coredns, namespace: kube-system, labels: { kubernetes.azure.com/managedby: aks } }
spec:
  selector: { matchLabels: { k8s-app: kube-dns } }
  template:
    metadata: { labels: { k8s-app: kube-dns } }
    spec: { containers: [{ name: coredns, image: mcr.microsoft.com/oss/v2/kubernetes/coredns:v1.11.3 }] }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: cilium, namespace: kube-system }
spec:
  selector: { matchLabels: { k8s-app: cilium } }
  template:
    metadata: { labels: { k8s-app: cilium } }
    spec: { hostNetwork: true, containers: [{ name: cilium-agent, image: mcr.microsoft.com/oss/cilium/cilium:1.16.6 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: storefront, namespace: shop }
spec:
  selector: { matchLabels: { app: storefront } }
  template:
    metadata: { labels: { app: storefront } }
    spec: { containers: [{ name: web, image: registry.example.com/shop/storefront:1.0 }] }
`;

describe('palisade netpol exposure and AKS-managed components', () => {
  const dir = tempTree({ 'cluster.yaml': WITH_AKS });

  it("counts AKS's components apart and lists only the owner's workloads", async () => {
    const r = await runCli(['netpol', 'exposure', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('kube-system/');
    expect(r.stdout).toMatch(/^shop\/storefront\[Deployment\]\s+in\s+no\s+All Connections\s+All Connections\s+-$/m);
    expect(r.stdout).toContain('\n1 workload of your own: 1 reachable from every internet address on all ports, 1 from every namespace on all ports; 1 may connect to every internet address on all ports; 0 on the host network');
    expect(r.stdout).toContain(
      '\n2 AKS-managed workloads (AKS deploys and reconciles them), not listed (--include-aks-managed lists them): 1 reachable from every internet address on all ports, 2 from every namespace on all ports; ' +
        '1 may connect to every internet address on all ports; 1 on the host network, where NetworkPolicies do not apply\n',
    );
  });

  it("--include-aks-managed lists them marked; a host-network agent's internet is the node's, decided by its NSG", async () => {
    const r = await runCli(['netpol', 'exposure', dir, '--include-aks-managed']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^kube-system\/coredns\[Deployment\] \(AKS-managed\)\s+in\s+no\s+All Connections\s+All Connections\s+-$/m);
    expect(r.stdout).toMatch(/^kube-system\/cilium\[DaemonSet\] \(AKS-managed\)\s+in\s+host network\s+node's NSG\s+All Connections\s+-$/m);
    expect(r.stdout).toContain('2 AKS-managed workloads (AKS deploys and reconciles them), marked (AKS-managed) above: ');
    const json = JSON.parse((await runCli(['netpol', 'exposure', dir, '--include-aks-managed', '-f', 'json'])).stdout) as {
      summary: { workloads: number; aksManaged: { workloads: number; hostNetwork: number; listed: boolean } };
      workloads: Array<{ workload: string; aksManaged?: string; ingress: { internet: string | null; internetDecidedBy?: string } }>;
    };
    expect(json.summary).toMatchObject({ workloads: 1, aksManaged: { workloads: 2, hostNetwork: 1, listed: true } });
    const cilium = json.workloads.find((w) => w.workload === 'kube-system/cilium[DaemonSet]')!;
    expect(cilium.aksManaged).toMatch(/^AKS-managed component/);
    expect(cilium.ingress).toMatchObject({ internet: null, internetDecidedBy: 'network-security-group' });
    expect(json.workloads.find((w) => w.workload === 'shop/storefront[Deployment]')!.aksManaged).toBeUndefined();
  });

  it("leaves netpol-analyzer's txt answer whole: every workload", async () => {
    const r = await runCli(['netpol', 'exposure', dir, '-f', 'txt']);
    expect(r.stdout).toContain('kube-system/coredns[Deployment] is not protected on Ingress');
  });
});

describe('palisade netpol exposure --cluster', () => {
  let cluster: NetpolCluster;

  beforeAll(async () => {
    cluster = await startNetpolCluster({ name: 'web-from-cluster', ingress: { from: [{ namespaceSelector: {} }] } });
  });
  afterAll(async () => {
    await cluster.server.close();
  });

  it('answers from the live cluster, its pods folded into their Deployment, without reading the current directory', async () => {
    const r = await runCli(['netpol', 'exposure', '--cluster', '-f', 'json'], { cwd: cluster.cwd, env: cluster.env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { workloads: Array<{ workload: string; ingress: { isolated: boolean; allNamespaces: string | null; internet: string | null } }> };
    expect(report.workloads.map((w) => w.workload)).toEqual(['shop/web[Deployment]']);
    expect(report.workloads[0]!.ingress).toMatchObject({ isolated: true, allNamespaces: 'All Connections', internet: null });
  });
});
