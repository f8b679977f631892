import rule from '../../../src/rules/network/load-balancer-without-source-ranges.js';
import { ruleTester } from '../../helpers/rule-tester.js';

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

ruleTester(rule, {
  valid: [
    { name: 'ClusterIP', input: svc('  type: ClusterIP') },
    { name: 'no type is ClusterIP', input: svc('') },
    { name: 'internal load balancer', input: svc(LB, '    service.beta.kubernetes.io/azure-load-balancer-internal: "true"') },
    { name: 'internal, written in capitals', input: svc(LB, '    service.beta.kubernetes.io/azure-load-balancer-internal: "True"') },
    { name: 'source ranges', input: svc(`${LB}\n  loadBalancerSourceRanges: ["203.0.113.0/24", "198.51.100.17/32"]`) },
    { name: 'AKS allowed-ip-ranges annotation', input: svc(LB, '    service.beta.kubernetes.io/azure-allowed-ip-ranges: "203.0.113.0/24, 2001:db8::/48"') },
    { name: 'the older source-ranges annotation', input: svc(LB, '    service.beta.kubernetes.io/load-balancer-source-ranges: 203.0.113.0/24') },
    { name: 'allowed service tags', input: svc(LB, '    service.beta.kubernetes.io/azure-allowed-service-tags: AzureFrontDoor.Backend') },
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
      name: 'the Internet service tag',
      input: svc(LB, '    service.beta.kubernetes.io/azure-allowed-service-tags: "AzureFrontDoor.Backend, Internet"'),
      findings: [{ field: 'metadata.annotations.service\\.beta\\.kubernetes\\.io/azure-allowed-service-tags', message: /admits Internet/ }],
    },
    {
      name: 'an empty annotation restricts nothing',
      input: svc(`${LB}\n  loadBalancerSourceRanges: []`, '    service.beta.kubernetes.io/azure-allowed-ip-ranges: " "'),
      findings: [{ field: 'spec.type' }],
    },
  ],
});
