import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import rule from '../../../src/rules/network/namespace-without-default-deny-egress.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { deploy, docs, ns, policy } from './manifests.js';

const required = { network: { requireDefaultDenyEgress: true } };

describe('settings.network.requireDefaultDenyEgress', () => {
  it('is off by default, and the rule then reports nothing', () => {
    expect(DEFAULT_SETTINGS.network).toEqual({ requireDefaultDenyEgress: false });
    expect(findingsFor(rule, docs(ns('shop'), deploy('web', 'shop')))).toEqual([]);
  });

  it('is read from .palisade.yaml, with its default filled in', () => {
    expect(parseConfig({ settings: { network: { requireDefaultDenyEgress: true } } }).config?.settings.network).toEqual({ requireDefaultDenyEgress: true });
    expect(parseConfig({ settings: { network: {} } }).config?.settings.network).toEqual({ requireDefaultDenyEgress: false });
    expect(parseConfig({}).config?.settings.network).toBeUndefined();
  });

  it('refuses what is not a boolean, and unknown keys', () => {
    const { problems } = parseConfig({ settings: { network: { requireDefaultDenyEgress: 'yes', requireDefaultDenyIngress: true } } });
    expect(problems.join('\n')).toMatch(/settings\.network\.requireDefaultDenyEgress/);
    expect(problems.join('\n')).toMatch(/requireDefaultDenyIngress/);
  });
});

ruleTester(rule, {
  valid: [
    {
      name: 'default deny egress',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('deny', 'shop', '  podSelector: {}\n  policyTypes: [Egress]')),
      settings: required,
    },
    {
      name: 'one policy denying both directions',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('deny', 'shop', '  podSelector: {}\n  policyTypes: [Ingress, Egress]')),
      settings: required,
    },
    { name: 'not asked for', input: docs(ns('shop'), deploy('web', 'shop')) },
    {
      name: 'a select-all egress policy allowing DNS alone, to any address',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('allow-dns', 'shop', '  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ ports: [{ port: 53, protocol: UDP }] }]')),
      settings: required,
    },
    {
      name: 'a default deny that allows DNS alone, as the fix asks',
      input: docs(
        ns('shop'),
        deploy('web', 'shop'),
        policy('deny-allow-dns', 'shop', '  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  egress:\n  - to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }, podSelector: { matchLabels: { k8s-app: kube-dns } } }]\n    ports: [{ port: 53, protocol: UDP }, { port: 53, protocol: TCP }]'),
      ),
      settings: required,
    },
  ],
  invalid: [
    {
      name: 'a select-all policy that allows more than DNS',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('dns-and-https', 'shop', '  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ ports: [{ port: 53, protocol: UDP }, { port: 443 }] }]')),
      settings: required,
      findings: [{ severity: 'low', message: /dns-and-https selects every pod but also allows traffic/ }],
    },
    {
      name: 'an ingress default deny does not deny egress',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('deny', 'shop', '  podSelector: {}')),
      settings: required,
      findings: [
        {
          resource: 'Namespace/shop',
          severity: 'medium',
          message:
            'namespace shop has no default-deny egress NetworkPolicy: no egress policy restricts 1 of 1 workload (Deployment/web), which can connect to any address, in the cluster or outside it',
        },
      ],
    },
    {
      name: 'a workload restricted by the namespace-wide policy but opened by another: names the policy that opens it, and why the namespace-wide one is no default deny',
      input: docs(
        ns('d'),
        deploy('a', 'd'),
        deploy('c', 'd'),
        policy(
          'deny',
          'd',
          '  podSelector: {}\n  policyTypes: [Ingress, Egress]\n  egress:\n  - to: [{ namespaceSelector: {}, podSelector: { matchLabels: { k8s-app: kube-dns } } }]\n    ports: [{ port: 53, protocol: UDP }]\n  - to: [{ ipBlock: { cidr: 169.254.169.254/32 } }]\n    ports: [{ port: 80 }]',
        ),
        policy('c-any', 'd', '  podSelector: { matchLabels: { app: c } }\n  policyTypes: [Egress]\n  egress: [{}]'),
      ),
      settings: required,
      findings: [
        {
          resource: 'Namespace/d',
          severity: 'medium',
          message:
            "namespace d has no default-deny egress NetworkPolicy: Deployment/c is restricted by deny but opened by c-any, which allows all egress: it can connect to any address, in the cluster or outside it; deny would be one but also allows the metadata endpoint 169.254.169.254, which hands out the node's managed identity tokens, so it does not count as a default deny",
        },
      ],
    },
    {
      name: 'egress rules in a policy without policyTypes make it an egress policy',
      input: docs(ns('shop'), deploy('web', 'shop'), policy('dns', 'shop', '  podSelector: { matchLabels: { app: web } }\n  egress: [{ ports: [{ port: 53, protocol: UDP }] }]')),
      settings: required,
      findings: [{ severity: 'low', message: /every workload is selected by an egress policy today/ }],
    },
  ],
});
