import { describe, expect, it } from 'vitest';
import { Inventory } from '../../../src/core/inventory.js';
import type { Resource } from '../../../src/core/resource.js';
import { ExposureAnalysis, ruleName, selectorPeerLabel } from '../../../src/analyses/network/exposure.js';
import { exposureReport, exposureSection } from '../../../src/analyses/network/exposure-report.js';
import { ReachabilityModel } from '../../../src/analyses/network/reachability-model.js';
import { deployment, namespace, netpol, resource } from './fixtures.js';

type Json = Record<string, unknown>;

function analysisOf(...objects: Json[]): ExposureAnalysis {
  const inventory = new Inventory(objects.map((o, i) => resource(o, i + 1)));
  return new ExposureAnalysis(inventory, new ReachabilityModel(inventory));
}

function exposureOf(a: ExposureAnalysis, label: string) {
  const w = a.model.workload(label);
  if (!w) throw new Error(`no workload ${label}`);
  return a.of(w);
}

const isolate = (ns: string, spec: Json) => netpol(ns, 'p', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ...spec });

describe('exposure analysis', () => {
  it('a workload no policy selects is open to every namespace and the whole internet, both ways', () => {
    const e = exposureOf(analysisOf(deployment('shop', 'web', { app: 'web' })), 'shop/web[Deployment]');
    for (const d of [e.ingress, e.egress]) {
      expect(d.isolated).toBe(false);
      expect(d.allNamespaces.isAll()).toBe(true);
      expect(d.internet.isAll()).toBe(true);
    }
  });

  it('counts 0.0.0.0/0 with private ranges excepted as the whole internet, and private ranges alone as none of it', () => {
    const a = analysisOf(
      deployment('shop', 'web', { app: 'web' }),
      deployment('shop', 'api', { app: 'api' }),
      netpol('shop', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } }] }] }),
      netpol('shop', 'api', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] }),
    );
    expect(exposureOf(a, 'shop/web[Deployment]').ingress.internet.toString()).toBe('All Connections');
    expect(exposureOf(a, 'shop/api[Deployment]').ingress.internet.isEmpty()).toBe(true);
    // Neither rule names pods: nobody in the cluster may connect.
    expect(exposureOf(a, 'shop/web[Deployment]').ingress.allNamespaces.isEmpty()).toBe(true);
  });

  it('gives the internet only the ports every internet address may use', () => {
    const a = analysisOf(
      deployment('shop', 'web', { app: 'web' }),
      isolate('shop', { ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }, { from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 22 }] }] }),
    );
    expect(exposureOf(a, 'shop/web[Deployment]').ingress.internet.toString()).toBe('TCP 443');
  });

  it('reads namespaceSelector: {} as every namespace, on the rule\'s ports, named ports resolved on the pod for ingress', () => {
    const a = analysisOf(
      deployment('shop', 'web', { app: 'web' }, [{ name: 'http', containerPort: 8080 }]),
      isolate('shop', { ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 'http' }] }], egress: [{ to: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ port: 'dns', protocol: 'UDP' }, { port: 53, protocol: 'UDP' }] }] }),
    );
    const e = exposureOf(a, 'shop/web[Deployment]');
    expect(e.ingress.allNamespaces.toString()).toBe('TCP 8080');
    expect(e.ingress.allNamespacesRules.map((r) => r.rule.index)).toEqual([0]);
    // A named port of an egress rule belongs to pods not known yet.
    expect(e.egress.allNamespaces.toString()).toBe('UDP 53');
    expect(e.egress.internet.isEmpty()).toBe(true);
  });

  it('names pods that selectors would match but the input has none of, as netpol-analyzer spells them', () => {
    expect(selectorPeerLabel({ matchLabels: { 'kubernetes.io/metadata.name': 'backend' } }, {})).toBe('backend/[all pods]');
    expect(selectorPeerLabel({}, { matchLabels: { 'k8s-app': 'kube-dns' } })).toBe('[all namespaces]/[pod with {k8s-app=kube-dns}]');
    expect(selectorPeerLabel({ matchLabels: { team: 'ops', env: 'prod' } }, undefined)).toBe('[namespace with {env=prod,team=ops}]/[all pods]');
    expect(selectorPeerLabel({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }], matchLabels: { env: 'prod' } }, { matchExpressions: [{ key: 'app', operator: 'Exists' }] })).toBe(
      '[namespace with {env=prod,{Key:tier,Operator:In,Values:[a b],}}]/[pod with {{Key:app,Operator:Exists,Values:[],}}]',
    );
  });

  it('shows selector peers beyond the all-namespaces ports, and leaves out those a pod of the input matches by plain labels', () => {
    const a = analysisOf(
      namespace('ops', { team: 'ops' }),
      deployment('shop', 'web', { app: 'web' }),
      deployment('ops', 'prometheus', { app: 'prometheus' }),
      isolate('shop', {
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [{ port: 9090 }] },
          { from: [{ namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { app: 'grafana' } } }], ports: [{ port: 3000 }] },
          { from: [{ podSelector: {} }], ports: [{ port: 8080 }] },
          { from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] } }], ports: [{ port: 8443 }] },
          { from: [{ namespaceSelector: {} }], ports: [{ port: 8443 }] },
        ],
      }),
    );
    const e = exposureOf(a, 'shop/web[Deployment]');
    expect(e.ingress.allNamespaces.toString()).toBe('TCP 8443');
    expect(e.ingress.selectors.map((s) => `${s.label} : ${s.conn.toString()}`)).toEqual([
      // The all-namespaces port comes with every peer; the expression peer adds nothing to it and is hidden.
      '[namespace with {team=ops}]/[pod with {app=grafana}] : TCP 3000,8443',
      'shop/[all pods] : TCP 8080,8443',
    ]);
  });

  it('opens workloads on the host network both ways whatever the policies say', () => {
    const host = deployment('mon', 'node-exporter', { app: 'node-exporter' });
    ((host.spec as Json).template as { spec: Json }).spec.hostNetwork = true;
    const a = analysisOf(host, isolate('mon', {}));
    const e = exposureOf(a, 'mon/node-exporter[Deployment]');
    expect(e.hostNetwork).toBe(true);
    expect([e.ingress.isolated, e.egress.isolated]).toEqual([false, false]);
    expect(e.ingress.policies.map((p) => p.name)).toEqual(['p']);
    expect(e.ingress.internet.isAll() && e.ingress.allNamespaces.isAll()).toBe(true);
    expect(a.externals(a.model.workload('mon/node-exporter[Deployment]')!, 'egress').map((x) => `${x.peer.label} ${x.conn.toString()}`)).toEqual(['0.0.0.0-255.255.255.255[External] All Connections']);
  });
});

describe('exposure report', () => {
  const a = analysisOf(
    deployment('shop', 'frontend', { app: 'frontend' }),
    deployment('shop', 'backend', { app: 'backend' }),
    netpol('shop', 'backend', { podSelector: { matchLabels: { app: 'backend' } }, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 9090 }] }] }),
  );

  it('writes netpol-analyzer\'s exposure section: padded workloads, tabs, sorted lines, the workloads no policy isolates', () => {
    expect(exposureSection(a)).toBe(
      [
        'Exposure Analysis Result:',
        'Egress Exposure:',
        'shop/frontend[Deployment] \t=> \t0.0.0.0-255.255.255.255[External] : All Connections',
        'shop/frontend[Deployment] \t=> \tentire-cluster : All Connections',
        '',
        'Ingress Exposure:',
        'shop/frontend[Deployment] \t<= \t0.0.0.0-255.255.255.255[External] : All Connections',
        'shop/frontend[Deployment] \t<= \tentire-cluster : All Connections',
        '',
        'Workloads not protected by network policies:',
        'shop/frontend[Deployment] is not protected on Egress',
        'shop/frontend[Deployment] is not protected on Ingress',
        '',
      ].join('\n'),
    );
  });

  it('lists the workloads of the input for isolated directions only, and counts the open ones', () => {
    const r = exposureReport(a);
    expect(r.summary).toEqual({
      workloads: 2,
      reachableFromInternet: 1,
      reachableFromAllNamespaces: 1,
      egressToInternet: 1,
      hostNetwork: 0,
      aksManaged: { workloads: 0, reachableFromInternet: 0, reachableFromAllNamespaces: 0, egressToInternet: 0, hostNetwork: 0, listed: false },
    });
    const backend = r.workloads.find((w) => w.workload === 'shop/backend[Deployment]')!;
    expect(backend.ingress).toEqual({ isolated: true, policies: ['shop/backend'], internet: null, allNamespaces: null, selectors: [], external: [], workloads: [{ peer: 'shop/frontend[Deployment]', conn: 'TCP 9090' }] });
    expect(backend.egress).toMatchObject({ isolated: true, internet: null, allNamespaces: null, workloads: [] });
    expect(r.workloads.find((w) => w.workload === 'shop/frontend[Deployment]')!.ingress.workloads).toBeUndefined();
  });
});

describe('ipBlocks that hold every pod address', () => {
  const cluster = (networkProfile: Json, extra: Json = {}): Resource => ({
    apiVersion: '2025-01-01',
    kind: 'Microsoft.ContainerService/managedClusters',
    namespace: null,
    name: 'aks-shop',
    object: { name: 'aks-shop', networkProfile, ...extra },
    source: { file: 'aks.json', line: 1 },
    format: 'az-cli',
  });
  const objects = (cidr: string) => [deployment('tools', 'debug', { app: 'debug' }, [{ containerPort: 8080 }]), isolate('tools', { policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr } }], ports: [{ port: 8080 }] }] })];
  const analysisWith = (cidr: string, ...azure: Resource[]) => {
    const inventory = new Inventory([...objects(cidr).map((o, i) => resource(o, i + 1)), ...azure]);
    return new ExposureAnalysis(inventory, new ReachabilityModel(inventory));
  };

  it('admit pods of every namespace where the plugin matches pods against ipBlocks (Calico, Azure NPM)', () => {
    const a = analysisWith('0.0.0.0/0', cluster({ networkPolicy: 'calico', networkDataplane: 'azure', podCidr: '10.244.0.0/16' }));
    const e = exposureOf(a, 'tools/debug[Deployment]');
    expect(e.ingress.allNamespaces.toString()).toBe('TCP 8080');
    expect(e.ingress.allNamespacesRules.map(ruleName)).toEqual(['tools/p spec.ingress[0]']);
    const view = exposureReport(a).workloads[0]!.ingress;
    expect(view.allNamespaces).toBe('TCP 8080');
    expect(view.allNamespacesByIpBlock).toEqual({ conn: 'TCP 8080', rules: ['tools/p spec.ingress[0]'], podAddresses: '10.244.0.0/16' });
    // netpol-analyzer's answer stays its own: ipBlocks match addresses outside the cluster only.
    expect(exposureSection(a)).not.toMatch(/<= \tentire-cluster/);
  });

  it('hold the pod CIDR when the cluster document gives it, the private ranges otherwise', () => {
    const withCidr = cluster({ networkPolicy: 'azure', podCidr: '10.244.0.0/16' });
    expect(exposureOf(analysisWith('10.244.0.0/16', withCidr), 'tools/debug[Deployment]').ingress.allNamespaces.toString()).toBe('TCP 8080');
    expect(exposureOf(analysisWith('10.0.0.0/8'), 'tools/debug[Deployment]').ingress.allNamespaces.isEmpty()).toBe(true);
    expect(exposureOf(analysisWith('0.0.0.0/0'), 'tools/debug[Deployment]').ingress.allNamespaces.toString()).toBe('TCP 8080');
  });

  it('read an AzAPI cluster from its body: Cilium there admits no pod, a pod CIDR there is the pods\' addresses', () => {
    const azapi = (body: Json): Resource => ({ apiVersion: 'terraform', kind: 'Microsoft.ContainerService/managedClusters', namespace: null, name: 'this', object: { name: 'aks-shop', body }, source: { file: 'plan.json', line: 1 }, format: 'terraform-plan' });
    const onCilium = azapi({ properties: { networkProfile: { networkDataplane: 'cilium', networkPolicy: 'cilium' } } });
    expect(exposureOf(analysisWith('0.0.0.0/0', onCilium), 'tools/debug[Deployment]').ingress.allNamespaces.isEmpty()).toBe(true);
    const withCidr = azapi({ properties: { networkProfile: { networkPolicy: 'calico', podCidr: '10.244.0.0/16' } } });
    expect(exposureOf(analysisWith('10.244.0.0/16', withCidr), 'tools/debug[Deployment]').ingress.allNamespaces.toString()).toBe('TCP 8080');
    expect(exposureOf(analysisWith('10.1.0.0/16', withCidr), 'tools/debug[Deployment]').ingress.allNamespaces.isEmpty()).toBe(true);
  });

  it('admit no pod on Cilium, which matches ipBlocks against addresses outside the cluster only', () => {
    for (const c of [cluster({ networkDataplane: 'cilium', networkPolicy: 'cilium' }), cluster({}, { sku: { name: 'Automatic' } })]) {
      const e = exposureOf(analysisWith('0.0.0.0/0', c), 'tools/debug[Deployment]');
      expect(e.ingress.allNamespaces.isEmpty()).toBe(true);
      expect(e.ingress.byPodAddress).toBeUndefined();
    }
  });
});
