import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import type { Finding } from '../../../src/core/finding.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Resource } from '../../../src/core/resource.js';
import { ruleApplies, runRule } from '../../../src/core/rule.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import rule from '../../../src/rules/aks/network-policies-not-enforced.js';
import noEngine from '../../../src/rules/aks/no-network-policy-engine.js';
import { parseResources } from '../../helpers/rule-tester.js';
import { cliCluster, restCluster, tfCluster, unknown } from './aks-tester.js';

const policies = parseResources(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: shop }
spec: { podSelector: {} }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: payments }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-from-checkout, namespace: payments }
spec: { podSelector: { matchLabels: { app: api } } }
`);

function findings(resources: Resource[]): Finding[] {
  const inventory = new Inventory(resources);
  return resources.filter((r) => ruleApplies(rule, r)).flatMap((r) => runRule(rule, r, inventory, DEFAULT_SETTINGS));
}

describe('aks/network-policies-not-enforced', () => {
  it('has complete meta', () => {
    expect(rule.meta.severity).toBe('critical');
    expect(rule.meta.pillar).toBe('network');
    expect(rule.meta.references.length).toBeGreaterThan(0);
  });

  it('reports one finding on a cluster without an engine, naming how many policies it ignores', () => {
    const found = findings([cliCluster('aks-prod', { networkProfile: { networkPlugin: 'azure', networkPolicy: 'none' } }), ...policies]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      rule: 'aks/network-policies-not-enforced',
      severity: 'critical',
      field: 'networkProfile.networkPolicy',
      message:
        'cluster aks-prod has no network policy engine (networkProfile.networkPolicy is "none"), so the 3 NetworkPolicy objects in the scan (namespaces payments, shop) have no effect there: every pod can reach every other pod',
      evidence: { observed: 'none', expected: ['azure', 'calico', 'cilium'], networkPolicies: 3, namespaces: ['payments', 'shop'] },
      verify: 'az aks show --resource-group rg-prod --name aks-prod --query networkProfile.networkPolicy',
    });
  });

  it('on kubenet names calico as the engine to enable: Azure NPM needs Azure CNI, and kubenet is retiring', () => {
    const found = findings([restCluster('aks-k', { networkProfile: { networkPlugin: 'kubenet' } }), policies[0]!]);
    expect(found.map((f) => f.message)).toEqual([
      'cluster aks-k has no network policy engine (networkProfile.networkPolicy not set, default none), so the 1 NetworkPolicy object in the scan ' +
        '(namespace shop) has no effect there: every pod can reach every other pod; on kubenet only calico is available (az aks update --network-policy calico): ' +
        'Azure Network Policy Manager needs Azure CNI, and Cilium needs the cluster moved to Azure CNI Overlay first (kubenet retires on 31 March 2028, so it has to move anyway)',
    ]);
  });

  it('reads the setting from every source: REST body without it, Terraform plan', () => {
    const found = findings([restCluster('aks-a', { networkProfile: { networkPlugin: 'kubenet' } }), tfCluster('b', { name: 'aks-b', network_profile: [{ network_plugin: 'azure' }] }), policies[0]!]);
    expect(found.map((f) => [f.resource.name, f.field, f.message.split(', so')[0]])).toEqual([
      ['aks-a', 'properties.networkProfile.networkPolicy', 'cluster aks-a has no network policy engine (networkProfile.networkPolicy not set, default none)'],
      ['b', 'network_profile[0].network_policy', 'cluster aks-b has no network policy engine (networkProfile.networkPolicy not set, default none)'],
    ]);
    expect(found[0]?.message).toMatch(/the 1 NetworkPolicy object in the scan \(namespace shop\) has no effect there/);
  });

  it('says nothing without NetworkPolicy objects, with an engine, with a Cilium dataplane, or when the engine is undecided', () => {
    expect(findings([cliCluster('aks-prod', { networkProfile: { networkPolicy: 'none' } })])).toEqual([]);
    expect(findings([cliCluster('aks-prod', { networkProfile: { networkPolicy: 'calico' } }), ...policies])).toEqual([]);
    expect(findings([cliCluster('aks-prod', { networkProfile: { networkDataplane: 'cilium' } }), ...policies])).toEqual([]);
    expect(findings([restCluster('aks-prod', { networkProfile: { networkPolicy: unknown('parameter networkPolicy has no default value') } }), ...policies])).toEqual([]);
    expect(findings([restCluster('aks-byocni', { networkProfile: { networkPlugin: 'none' } }), ...policies])).toEqual([]);
  });

  it('counts only Kubernetes NetworkPolicies', () => {
    const calico = parseResources(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: deny, namespace: shop }
spec: { selector: all() }
`);
    expect(findings([cliCluster('aks-prod', { networkProfile: { networkPolicy: 'none' } }), ...calico])).toEqual([]);
  });

  it('takes the place of aks/no-network-policy-engine: one finding for one setting', () => {
    const cluster = cliCluster('aks-prod', { networkProfile: { networkPolicy: 'none' } });
    const withPolicies = evaluate([noEngine, rule], new Inventory([cluster, ...policies]), DEFAULT_SETTINGS).findings;
    expect(withPolicies.map((f) => `${f.rule} ${f.severity}`)).toEqual(['aks/network-policies-not-enforced critical']);
    const withoutPolicies = evaluate([noEngine, rule], new Inventory([cluster]), DEFAULT_SETTINGS).findings;
    expect(withoutPolicies.map((f) => `${f.rule} ${f.severity}`)).toEqual(['aks/no-network-policy-engine medium']);
    // Skipped (--skip-rule), the critical rule no longer takes the setting over.
    const skipped = evaluate([noEngine], new Inventory([cluster, ...policies]), DEFAULT_SETTINGS).findings;
    expect(skipped.map((f) => f.rule)).toEqual(['aks/no-network-policy-engine']);
  });
});
