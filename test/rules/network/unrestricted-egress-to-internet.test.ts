import rule from '../../../src/rules/network/unrestricted-egress-to-internet.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { deploy as deployment, docs, policy } from './manifests.js';

const deploy = (name: string, ns: string, extra = '') => deployment(name, ns, undefined, extra);
const egress = (name: string, selector: string, rules: string) => policy(name, 'shop', `  podSelector: ${selector}\n  policyTypes: [Egress]\n  egress:\n${rules}`);
const dns = '  - to: [{ namespaceSelector: {}, podSelector: { matchLabels: { k8s-app: kube-dns } } }]\n    ports: [{ port: 53, protocol: UDP }]\n';

ruleTester(rule, {
  valid: [
    { name: 'a namespace without egress policies is the default-deny rule\'s', input: docs(deploy('api', 'shop'), policy('ingress-only', 'shop', '  podSelector: {}\n  ingress: []')) },
    { name: 'HTTPS to the internet only', input: docs(deploy('api', 'shop'), egress('api', '{}', `${dns}  - to: [{ ipBlock: { cidr: 0.0.0.0/0 } }]\n    ports: [{ port: 443 }]\n`)) },
    { name: 'private networks on every port', input: docs(deploy('api', 'shop'), egress('api', '{}', '  - to: [{ ipBlock: { cidr: 10.0.0.0/8 } }]\n')) },
    { name: 'every pod of the cluster, which is no internet address', input: docs(deploy('api', 'shop'), egress('api', '{}', '  - to: [{ namespaceSelector: {} }]\n')) },
    { name: 'host network is left to host-network-bypasses-policies', input: docs(deploy('agent', 'shop', '      hostNetwork: true\n'), egress('web', '{ matchLabels: { app: web } }', dns)) },
  ],
  invalid: [
    {
      name: 'a workload no egress policy selects beside restricted ones',
      input: docs(deploy('api', 'shop'), deploy('web', 'shop'), egress('web', '{ matchLabels: { app: web } }', dns)),
      findings: [
        {
          resource: 'Deployment/api',
          field: 'spec.template.metadata.labels',
          severity: 'low',
          message: 'no egress NetworkPolicy selects it, though namespace shop has web: it may connect to any internet address on any port',
        },
      ],
    },
    {
      name: 'an egress rule without to',
      input: docs(deploy('api', 'shop'), egress('allow-all', '{}', '  - {}\n')),
      findings: [{ message: 'egress rule shop/allow-all spec.egress[0] admits every internet address on all ports' }],
    },
    {
      name: '0.0.0.0/0 with private ranges excepted is still every internet address',
      input: docs(deploy('api', 'shop'), egress('api', '{}', `${dns}  - to: [{ ipBlock: { cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16] } }]\n`)),
      findings: [{ message: 'egress rule shop/api spec.egress[1] admits every internet address on all ports' }],
    },
    {
      name: 'two halves of the address space together',
      input: docs(deploy('api', 'shop'), egress('api', '{}', '  - to: [{ ipBlock: { cidr: 0.0.0.0/1 } }]\n  - to: [{ ipBlock: { cidr: 128.0.0.0/1 } }]\n')),
      findings: [{ message: 'egress rules shop/api spec.egress[0], shop/api spec.egress[1] admit every internet address on all ports' }],
    },
  ],
});
