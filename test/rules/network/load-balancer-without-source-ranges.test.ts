import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import { Inventory } from '../../../src/core/inventory.js';
import { createSuppressor } from '../../../src/core/suppress.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import { RULES } from '../../../src/rules/index.js';
import rule from '../../../src/rules/network/load-balancer-without-source-ranges.js';
import { parseResources, ruleTester } from '../../helpers/rule-tester.js';
import { deploy as deployment, docs, policy } from './manifests.js';

const svc = (spec: string, annotations = '') => `
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
${annotations ? `  annotations:\n${annotations}` : ''}
spec:
  selector: { app: web }
  ports: [{ name: https, port: 443, targetPort: 8443 }]
${spec}
`;

const LB = '  type: LoadBalancer';

const deploy = (name: string, ns: string, labels = `app: ${name}`, extra = '') => deployment(name, ns, labels, extra, '[{ name: https, containerPort: 8443 }]');
const isolate = (ns: string) =>
  policy('web-from-ingress', ns, '  podSelector: { matchLabels: { app: web } }\n  ingress: [{ from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ingress } } }] }]');
const UNGUARDED = 'Service shop/web is a public load balancer on 443/TCP with no loadBalancerSourceRanges or allowed-ranges annotation: any address on the internet can connect, and no ingress NetworkPolicy stands between it and the pods of';

ruleTester(rule, {
  valid: [
    { name: 'ClusterIP', input: svc('  type: ClusterIP') },
    { name: 'no type is ClusterIP', input: svc('') },
    { name: 'internal load balancer', input: svc(LB, '    service.beta.kubernetes.io/azure-load-balancer-internal: "true"') },
    { name: 'source ranges', input: svc(`${LB}\n  loadBalancerSourceRanges: ["203.0.113.0/24", "198.51.100.17/32"]`) },
    { name: 'AKS allowed-ip-ranges annotation', input: svc(LB, '    service.beta.kubernetes.io/azure-allowed-ip-ranges: "203.0.113.0/24, 2001:db8::/48"') },
    { name: 'the older source-ranges annotation', input: svc(LB, '    service.beta.kubernetes.io/load-balancer-source-ranges: 203.0.113.0/24') },
    { name: 'allowed service tags', input: svc(LB, '    service.beta.kubernetes.io/azure-allowed-service-tags: AzureFrontDoor.Backend') },
    { name: 'ranges that leave part of the space out, even when large', input: svc(LB, '    service.beta.kubernetes.io/azure-allowed-ip-ranges: "0.0.0.0/1,128.0.0.0/2"') },
    { name: 'another load balancer implementation', input: svc(`${LB}\n  loadBalancerClass: example.com/edge-lb`) },
  ],
  invalid: [
    {
      name: 'public, no restriction',
      input: svc(LB),
      findings: [
        {
          field: 'spec.type',
          severity: 'medium',
          message: 'Service shop/web is a public load balancer on 443/TCP with no loadBalancerSourceRanges or allowed-ranges annotation: any address on the internet can connect',
        },
      ],
    },
    {
      // cloud-provider-azure compares the value with "true" exactly: any other spelling gets a public IP.
      name: 'internal "True" is public',
      input: svc(LB, '    service.beta.kubernetes.io/azure-load-balancer-internal: "True"'),
      findings: [{ field: 'spec.type' }],
    },
    {
      name: 'internal "false" is public',
      input: svc(LB, '    service.beta.kubernetes.io/azure-load-balancer-internal: "false"'),
      findings: [{ field: 'spec.type' }],
    },
    {
      name: '0.0.0.0/0 among the source ranges',
      input: svc(`${LB}\n  loadBalancerSourceRanges: ["203.0.113.0/24", "0.0.0.0/0"]`),
      findings: [{ field: 'spec.loadBalancerSourceRanges[1]', message: 'Service shop/web is a public load balancer on 443/TCP that admits 0.0.0.0/0: any address on the internet can connect' }],
    },
    {
      name: '::/0 in the AKS annotation',
      input: svc(LB, '    service.beta.kubernetes.io/azure-allowed-ip-ranges: "10.0.0.0/8,::/0"'),
      findings: [{ field: 'metadata.annotations.service\\.beta\\.kubernetes\\.io/azure-allowed-ip-ranges', message: /admits ::\/0/ }],
    },
    {
      name: 'ranges that together cover IPv4 in the AKS annotation',
      input: svc(LB, '    service.beta.kubernetes.io/azure-allowed-ip-ranges: "0.0.0.0/1,128.0.0.0/1"'),
      findings: [{ field: 'metadata.annotations.service\\.beta\\.kubernetes\\.io/azure-allowed-ip-ranges', severity: 'medium', message: /admits 0\.0\.0\.0\/1,128\.0\.0\.0\/1: any address on the internet can connect/ }],
    },
    {
      name: 'source ranges that together cover IPv4, one per entry',
      input: svc(`${LB}\n  loadBalancerSourceRanges: ["0.0.0.0/1", "128.0.0.0/1"]`),
      findings: [{ field: 'spec.loadBalancerSourceRanges[0]', message: /admits 0\.0\.0\.0\/1,128\.0\.0\.0\/1/ }],
    },
    {
      name: 'the AzureCloud service tag admits every Azure address, any tenant included: low',
      input: svc(LB, '    service.beta.kubernetes.io/azure-allowed-service-tags: "AzureCloud"'),
      findings: [
        {
          field: 'metadata.annotations.service\\.beta\\.kubernetes\\.io/azure-allowed-service-tags',
          severity: 'low',
          message: "Service shop/web is a public load balancer on 443/TCP that admits the AzureCloud service tag: every public address of Azure, any tenant's virtual machines and functions included, can connect",
        },
      ],
    },
    {
      name: 'the Internet service tag',
      input: svc(LB, '    service.beta.kubernetes.io/azure-allowed-service-tags: "AzureFrontDoor.Backend, Internet"'),
      findings: [{ field: 'metadata.annotations.service\\.beta\\.kubernetes\\.io/azure-allowed-service-tags', message: /admits Internet/ }],
    },
    {
      name: 'an empty annotation restricts nothing',
      input: svc(`${LB}\n  loadBalancerSourceRanges: []`, '    service.beta.kubernetes.io/azure-allowed-ip-ranges: " "'),
      findings: [{ field: 'spec.type' }],
    },
    {
      name: 'in front of pods no ingress policy isolates: high, naming the workload and the pod port',
      input: docs(svc(LB), deploy('web', 'shop')),
      findings: [{ resource: 'Service/web', field: 'spec.type', severity: 'high', message: `${UNGUARDED} Deployment/web (TCP 8443)` }],
    },
    {
      name: '0.0.0.0/0 in front of pods no policy isolates: high too',
      input: docs(svc(`${LB}\n  loadBalancerSourceRanges: ["0.0.0.0/0"]`), deploy('web', 'shop')),
      findings: [{ field: 'spec.loadBalancerSourceRanges[0]', severity: 'high', message: /admits 0\.0\.0\.0\/0: any address on the internet can connect, and no ingress NetworkPolicy stands between it and the pods of Deployment\/web/ }],
    },
    {
      name: 'pods on the host network: no policy applies to them',
      input: docs(svc(LB), deploy('web', 'shop', 'app: web', '      hostNetwork: true\n'), isolate('shop')),
      findings: [{ severity: 'high', message: `${UNGUARDED} Deployment/web (TCP 8443)` }],
    },
    {
      name: 'one finding for every workload behind the Service',
      input: docs(svc(LB), deploy('web-blue', 'shop', 'app: web'), deploy('web-green', 'shop', 'app: web')),
      findings: [{ severity: 'high', message: `${UNGUARDED} Deployment/web-blue, Deployment/web-green (TCP 8443)` }],
    },
    {
      name: 'pods an ingress policy isolates: medium, whether the connections pass depends on the address they come from',
      input: docs(svc(LB), deploy('web', 'shop'), isolate('shop')),
      findings: [{ severity: 'medium', message: 'Service shop/web is a public load balancer on 443/TCP with no loadBalancerSourceRanges or allowed-ranges annotation: any address on the internet can connect' }],
    },
    {
      name: 'externalTrafficPolicy Local in front of pods whose policy admits only an ipBlock: low, naming the ranges',
      input: docs(
        svc(`${LB}\n  externalTrafficPolicy: Local`),
        deploy('web', 'shop'),
        policy('office', 'shop', '  podSelector: { matchLabels: { app: web } }\n  ingress: [{ from: [{ ipBlock: { cidr: 203.0.113.0/24 } }], ports: [{ port: 8443 }] }]'),
      ),
      findings: [
        {
          severity: 'low',
          message:
            "Service shop/web is a public load balancer on 443/TCP with no loadBalancerSourceRanges or allowed-ranges annotation: the load balancer admits every address, but with externalTrafficPolicy: Local the client's address reaches the pods, and their ingress policies (office) admit only 203.0.113.0/24 (TCP 8443)",
        },
      ],
    },
    {
      name: 'externalTrafficPolicy Cluster with the same policy stays medium: the node address replaces the client one',
      input: docs(
        svc(LB),
        deploy('web', 'shop'),
        policy('office', 'shop', '  podSelector: { matchLabels: { app: web } }\n  ingress: [{ from: [{ ipBlock: { cidr: 203.0.113.0/24 } }], ports: [{ port: 8443 }] }]'),
      ),
      findings: [{ severity: 'medium', message: /any address on the internet can connect$/ }],
    },
    {
      name: 'externalTrafficPolicy Local with a policy admitting every address stays medium',
      input: docs(svc(`${LB}\n  externalTrafficPolicy: Local`), deploy('web', 'shop'), policy('open', 'shop', '  podSelector: { matchLabels: { app: web } }\n  ingress: [{}]')),
      findings: [{ severity: 'medium', message: /any address on the internet can connect$/ }],
    },
    {
      name: 'pods isolated with no ingress at all: the load balancer admits every address, the policies decide the rest',
      input: docs(svc(LB), deploy('web', 'shop'), policy('deny', 'shop', '  podSelector: {}\n  policyTypes: [Ingress]')),
      findings: [
        {
          severity: 'medium',
          message:
            "Service shop/web is a public load balancer on 443/TCP with no loadBalancerSourceRanges or allowed-ranges annotation: the load balancer admits every address and the pods' policies decide the rest: deny admits no ingress at all",
        },
      ],
    },
    { name: 'matching pods in another namespace are not its pods', input: docs(svc(LB), deploy('web', 'edge')), findings: [{ severity: 'medium' }] },
    {
      name: 'a Service without a selector: its endpoints are not in the manifests',
      input: docs(svc(LB).replace('  selector: { app: web }\n', ''), deploy('web', 'shop')),
      findings: [{ severity: 'medium' }],
    },
  ],
});

describe('a public load balancer in front of a workload', () => {
  const NETWORK_RULES = RULES.filter((r) => r.meta.id.startsWith('network/'));
  const run = (yaml: string) => evaluate(NETWORK_RULES, new Inventory(parseResources(yaml)), DEFAULT_SETTINGS).findings.filter((f) => f.rule !== 'network/namespace-without-default-deny-ingress');

  it('is one finding, on the Service, when no policy isolates the pods', () => {
    const found = run(docs(svc(LB), deploy('web', 'shop')));
    expect(found.map((f) => `${f.rule} ${f.resource.kind}/${f.resource.name} ${f.severity}`)).toEqual(['network/load-balancer-without-source-ranges Service/web high']);
  });

  it('is two findings with two fixes when the workload\'s own policy admits the whole internet', () => {
    const open = isolate('shop').replace(/ingress: .*/, 'ingress: [{ from: [{ ipBlock: { cidr: 0.0.0.0/0 } }] }]');
    const found = run(docs(svc(LB), deploy('web', 'shop'), open));
    expect(found.map((f) => `${f.rule} ${f.resource.kind}/${f.resource.name} ${f.severity}`).sort()).toEqual([
      'network/load-balancer-without-source-ranges Service/web medium',
      'network/reachable-from-internet Deployment/web high',
    ]);
  });
});

describe('the load balancers of the application routing add-on', () => {
  const routed = (name: string, owner: string) => `
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: app-routing-system
  labels: { app.kubernetes.io/managed-by: aks-app-routing-operator }
${owner ? `  ownerReferences: [{ apiVersion: approuting.kubernetes.azure.com/v1alpha1, kind: NginxIngressController, name: ${owner}, uid: u, controller: true }]\n` : ''}spec:
  type: LoadBalancer
  selector: { app: ${name} }
  ports: [{ name: https, port: 443, targetPort: https }]
`;
  const run = (yaml: string) => {
    const resources = parseResources(yaml);
    const suppressor = createSuppressor({ exceptions: [], allowAnnotations: true, aksManaged: true, now: new Date(), configSource: 'test' });
    return evaluate([rule], new Inventory(resources), DEFAULT_SETTINGS, suppressor).findings;
  };

  it('are reported under the aks-managed profile, naming the NginxIngressController to change', () => {
    const [found, ...more] = run(routed('nginx-public-0', 'nginx-public'));
    expect(more).toEqual([]);
    expect(found?.suppressed).toBeUndefined();
    expect(found?.message).toMatch(/runs it for NginxIngressController nginx-public: set its spec\.loadBalancerAnnotations \(service\.beta\.kubernetes\.io\/azure-load-balancer-internal: "true", or service\.beta\.kubernetes\.io\/azure-allowed-ip-ranges\)/);
    expect(found?.evidence).toMatchObject({ nginxIngressController: 'nginx-public' });
  });

  it("report the add-on's default controller, whose Service is nginx, as the user's too", () => {
    const [found] = run(routed('nginx', ''));
    expect(found?.suppressed).toBeUndefined();
    expect(found?.message).toMatch(/NginxIngressController default:/);
  });

  it('leave AKS-managed Services of other add-ons provider-managed', () => {
    const gateway = routed('aks-istio-ingressgateway-external', '')
      .replace('app-routing-system', 'aks-istio-ingress')
      .replace('app.kubernetes.io/managed-by: aks-app-routing-operator', 'kubernetes.azure.com/managedby: aks');
    expect(run(gateway).map((f) => f.suppressed?.kind)).toEqual(['provider-managed']);
  });
});
