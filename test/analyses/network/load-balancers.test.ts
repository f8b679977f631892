import { describe, expect, it } from 'vitest';
import { Inventory } from '../../../src/core/inventory.js';
import { openLoadBalancers, publicLoadBalancer } from '../../../src/analyses/network/load-balancers.js';
import { reachabilityModelOf } from '../../../src/analyses/network/reachability-model.js';
import { deployment, resource } from './fixtures.js';

type Json = Record<string, unknown>;

function service(ns: string, name: string, spec: Json, annotations: Record<string, string> = {}): Json {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, annotations }, spec: { type: 'LoadBalancer', ...spec } };
}

const lb = (spec: Json, annotations: Record<string, string> = {}) => publicLoadBalancer(resource(service('shop', 'web', spec, annotations)));

describe('public load balancers', () => {
  it('are Services of type LoadBalancer that are neither internal nor another implementation\'s', () => {
    expect(lb({})).toMatchObject({ clients: [], open: true });
    expect(lb({ type: 'ClusterIP' })).toBeUndefined();
    expect(lb({ loadBalancerClass: 'example.com/edge' })).toBeUndefined();
    expect(lb({}, { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' })).toBeUndefined();
    // The cloud provider takes only "true" itself; any other spelling is a public load balancer.
    expect(lb({}, { 'service.beta.kubernetes.io/azure-load-balancer-internal': ' True ' })?.open).toBe(true);
    expect(lb({}, { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'false' })?.open).toBe(true);
  });

  it('name their clients in source ranges, the range annotations or service tags, and are open when one admits every address', () => {
    const ranges = lb({ loadBalancerSourceRanges: [' 203.0.113.0/24 ', '', 7, '::/0'] });
    expect(ranges?.clients).toEqual([
      { field: 'spec.loadBalancerSourceRanges[0]', entries: ['203.0.113.0/24'], admitsAll: undefined },
      { field: 'spec.loadBalancerSourceRanges[3]', entries: ['::/0'], admitsAll: '::/0' },
    ]);
    expect(ranges?.open).toBe(true);
    const annotated = lb({}, { 'service.beta.kubernetes.io/azure-allowed-ip-ranges': '10.0.0.0/8, 203.0.113.0/24', 'service.beta.kubernetes.io/azure-allowed-service-tags': ' ' });
    expect(annotated?.clients).toEqual([{ field: 'metadata.annotations.service\\.beta\\.kubernetes\\.io/azure-allowed-ip-ranges', entries: ['10.0.0.0/8', '203.0.113.0/24'], admitsAll: undefined }]);
    expect(annotated?.open).toBe(false);
    expect(lb({}, { 'service.beta.kubernetes.io/azure-allowed-service-tags': 'AzureFrontDoor.Backend,internet' })?.clients[0]?.admitsAll).toBe('internet');
    expect(lb({}, { 'service.beta.kubernetes.io/load-balancer-source-ranges': '0.0.0.0/0' })?.open).toBe(true);
  });
});

describe('the workloads behind open public load balancers', () => {
  const objects = [
    deployment('shop', 'web', { app: 'web', tier: 'front' }, [{ name: 'https', containerPort: 8443 }]),
    deployment('shop', 'api', { app: 'api' }),
    deployment('edge', 'web', { app: 'web' }),
    service('shop', 'web', { selector: { app: 'web' }, ports: [{ port: 443, targetPort: 'https' }, { port: 80, targetPort: 8080, protocol: 'UDP' }] }),
    service('shop', 'manual', { ports: [{ port: 443 }] }),
    service('shop', 'ranged', { selector: { app: 'api' }, loadBalancerSourceRanges: ['203.0.113.0/24'] }),
  ].map((o, i) => resource(o, i + 1));
  const inventory = new Inventory(objects);
  const index = openLoadBalancers(inventory);
  const model = reachabilityModelOf(inventory);
  const [, , , web, manual, ranged] = objects;

  it('are the workloads of the Service\'s namespace its selector matches, with the pod ports it forwards to', () => {
    const targets = index.targetsOf(web!);
    expect(targets.map((t) => [t.workload.label, t.ports.toString()])).toEqual([['shop/web[Deployment]', 'TCP 8443,UDP 8080']]);
    expect(index.servedBy(model.workload('shop/web[Deployment]')!).map((t) => t.service.name)).toEqual(['web']);
    expect(index.servedBy(model.workload('edge/web[Deployment]')!)).toEqual([]);
  });

  it('leave out Services without a selector and load balancers that name their clients', () => {
    expect(index.targetsOf(manual!)).toEqual([]);
    expect(index.targetsOf(ranged!)).toEqual([]);
    expect(index.servedBy(model.workload('shop/api[Deployment]')!)).toEqual([]);
  });

  it('are built once per inventory', () => {
    expect(openLoadBalancers(inventory)).toBe(index);
  });
});
