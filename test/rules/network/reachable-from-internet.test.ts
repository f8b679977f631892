import rule from '../../../src/rules/network/reachable-from-internet.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { deploy as deployment, docs, policy } from './manifests.js';

const HTTP = '[{ name: http, containerPort: 8080 }]';
const deploy = (name: string, ns: string, extra = '') => deployment(name, ns, undefined, extra, HTTP);
const service = (name: string, ns: string, app: string, extra = '', annotations = '') => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns}${annotations ? `, annotations: { ${annotations} }` : ''} }
spec:
  type: LoadBalancer
  selector: { app: ${app} }
  ports: [{ port: 80, targetPort: http }]
${extra}`;
const fromInternet = (ports = '') => policy('web', 'shop', `  podSelector: { matchLabels: { app: web } }\n  ingress:\n  - from: [{ ipBlock: { cidr: 0.0.0.0/0, except: [10.0.0.0/8] } }]\n${ports}`);

ruleTester(rule, {
  valid: [
    { name: 'no load balancer and no policy: the default-deny rule\'s ground', input: deploy('web', 'shop') },
    { name: 'an internal load balancer', input: docs(deploy('web', 'shop'), service('web', 'shop', 'web', '', 'service.beta.kubernetes.io/azure-load-balancer-internal: "true"')) },
    { name: 'a load balancer with source ranges', input: docs(deploy('web', 'shop'), service('web', 'shop', 'web', '  loadBalancerSourceRanges: [203.0.113.0/24]\n')) },
    { name: 'a load balancer for other pods', input: docs(deploy('web', 'shop'), service('api', 'shop', 'api')) },
    { name: 'a load balancer in another namespace', input: docs(deploy('web', 'shop'), service('web', 'edge', 'web')) },
    {
      name: 'a load balancer in front of isolated pods: whether it passes depends on the source the pods see',
      input: docs(deploy('web', 'shop'), service('web', 'shop', 'web'), policy('web', 'shop', '  podSelector: { matchLabels: { app: web } }\n  ingress: [{ from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ingress } } }] }]')),
    },
    { name: 'the internet admitted on the served port only', input: docs(deploy('web', 'shop'), fromInternet('    ports: [{ port: http }]\n')) },
    { name: 'private ranges on every port', input: docs(deploy('web', 'shop'), policy('web', 'shop', '  podSelector: {}\n  ingress: [{ from: [{ ipBlock: { cidr: 10.0.0.0/8 } }] }]')) },
    {
      name: 'an open public load balancer in front of pods no policy isolates is the Service\'s finding (load-balancer-without-source-ranges)',
      input: docs(deploy('web', 'shop'), service('web', 'shop', 'web')),
    },
    {
      name: 'so are source ranges that admit everyone',
      input: docs(deploy('web', 'shop'), service('web', 'shop', 'web', '  loadBalancerSourceRanges: [0.0.0.0/0]\n')),
    },
    { name: 'host network is left to host-network-bypasses-policies', input: docs(deploy('web', 'shop', '      hostNetwork: true\n'), service('web', 'shop', 'web')) },
  ],
  invalid: [
    {
      name: 'a policy admitting every internet address on every port',
      input: docs(deploy('web', 'shop'), fromInternet()),
      findings: [{ severity: 'medium', message: 'ingress rule shop/web spec.ingress[0] admits every internet address on all ports' }],
    },
    {
      name: 'the same with an open public load balancer in front',
      input: docs(deploy('web', 'shop'), fromInternet(), service('web', 'shop', 'web')),
      findings: [{ severity: 'high', message: 'ingress rule shop/web spec.ingress[0] admits every internet address on all ports, and shop/web is a public load balancer open to every address in front of it' }],
    },
    {
      name: 'a rule without from',
      input: docs(deploy('web', 'shop'), policy('allow-all', 'shop', '  podSelector: {}\n  ingress: [{}]')),
      findings: [{ severity: 'medium', message: 'ingress rule shop/allow-all spec.ingress[0] admits every internet address on all ports' }],
    },
  ],
});
