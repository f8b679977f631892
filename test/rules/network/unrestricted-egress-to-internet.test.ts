import rule from '../../../src/rules/network/unrestricted-egress-to-internet.js';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import { Inventory } from '../../../src/core/inventory.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import defaultDenyEgress from '../../../src/rules/network/namespace-without-default-deny-egress.js';
import { parseResources, ruleTester } from '../../helpers/rule-tester.js';
import { deploy as deployment, docs, ns, policy } from './manifests.js';

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

describe('a workload an allow-all egress policy opens, with requireDefaultDenyEgress', () => {
  const input = docs(
    ns('shop'),
    deploy('web', 'shop'),
    deploy('c', 'shop'),
    policy('deny', 'shop', '  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{ ipBlock: { cidr: 169.254.169.254/32 } }]'),
    policy('c-any', 'shop', '  podSelector: { matchLabels: { app: c } }\n  policyTypes: [Egress]\n  egress: [{}]'),
  );
  const run = (requireDefaultDenyEgress: boolean) =>
    evaluate([rule, defaultDenyEgress], new Inventory(parseResources(input)), { ...DEFAULT_SETTINGS, network: { requireDefaultDenyEgress } }).findings.map(
      (f) => `${f.rule} ${f.resource.kind}/${f.resource.name}`,
    );

  it('is one finding, the namespace one that names the opening policy, when that rule is on', () => {
    expect(run(true)).toEqual(['network/namespace-without-default-deny-egress Namespace/shop']);
  });

  it('is the workload finding when the namespace rule is off', () => {
    expect(run(false)).toEqual(['network/unrestricted-egress-to-internet Deployment/c']);
  });
});
