import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import { Inventory } from '../../../src/core/inventory.js';
import { ruleApplies, runRule } from '../../../src/core/rule.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import rule from '../../../src/rules/network/host-network-bypasses-policies.js';
import { RULES } from '../../../src/rules/index.js';
import { parseResources } from '../../helpers/rule-tester.js';
import { deploy, docs, policy } from './manifests.js';

/** The rule alone, as a network-only scan runs it (the Pod Security rule would take the field over). */
function alone(yaml: string) {
  const resources = parseResources(yaml);
  const inventory = new Inventory(resources);
  return resources.filter((r) => ruleApplies(rule, r)).flatMap((r) => runRule(rule, r, inventory, DEFAULT_SETTINGS));
}

const HOST = '      hostNetwork: true\n';
const cronJob = `
apiVersion: batch/v1
kind: CronJob
metadata: { name: probe, namespace: ops }
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          hostNetwork: true
          restartPolicy: Never
          containers: [{ name: probe, image: "contoso.azurecr.io/probe:1.0" }]
`;

describe('network/host-network-bypasses-policies', () => {
  it('has complete meta and supersedes the Pod Security host-namespace rule', () => {
    expect(rule.meta.pillar).toBe('network');
    expect(rule.meta.description.length).toBeGreaterThan(0);
    expect(rule.supersedes).toEqual(['workload/host-namespace']);
    expect(RULES.map((r) => r.meta.id)).toContain('workload/host-namespace');
  });

  it('says nothing about pods on the pod network', () => {
    expect(alone(docs(deploy('web', 'shop'), deploy('agent', 'shop', 'app: agent', '      hostNetwork: false\n')))).toEqual([]);
  });

  it('reports hostNetwork on the field the Pod Security rule uses', () => {
    const [f, ...rest] = alone(deploy('agent', 'monitoring', 'app: agent', HOST));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      rule: 'network/host-network-bypasses-policies',
      severity: 'high',
      field: 'spec.template.spec.hostNetwork',
      message: "pod uses the node's network (hostNetwork: true): NetworkPolicies do not apply to it",
    });
  });

  it('finds the pod of a CronJob', () => {
    expect(alone(cronJob).map((f) => f.field)).toEqual(['spec.jobTemplate.spec.template.spec.hostNetwork']);
  });

  it('names the policies that select the pod and have no effect on it', () => {
    const found = alone(
      docs(
        deploy('agent', 'monitoring', 'app: agent', HOST),
        policy('default-deny', 'monitoring', '  podSelector: {}'),
        policy('agent-from-prometheus', 'monitoring', '  podSelector: { matchLabels: { app: agent } }'),
        policy('other', 'monitoring', '  podSelector: { matchLabels: { app: other } }'),
        policy('elsewhere', 'shop', '  podSelector: {}'),
      ),
    );
    expect(found.map((f) => f.message)).toEqual([
      "pod uses the node's network (hostNetwork: true): NetworkPolicies do not apply to it; NetworkPolicies default-deny, agent-from-prometheus select it but cannot isolate it",
    ]);
  });

  it('gives one finding per field when the Pod Security rule runs too, and its own in a network-only scan', () => {
    const resources = parseResources(deploy('agent', 'monitoring', 'app: agent', '      hostNetwork: true\n      hostPID: true\n'));
    const inventory = new Inventory(resources);
    const pss = RULES.find((r) => r.meta.id === 'workload/host-namespace');
    expect(pss).toBeDefined();
    const both = evaluate([rule, pss!], inventory, DEFAULT_SETTINGS).findings.map((f) => `${f.rule} ${f.field}`);
    expect(both.sort()).toEqual(['workload/host-namespace spec.template.spec.hostNetwork', 'workload/host-namespace spec.template.spec.hostPID']);
    const networkOnly = evaluate([rule], inventory, DEFAULT_SETTINGS).findings.map((f) => `${f.rule} ${f.field}`);
    expect(networkOnly).toEqual(['network/host-network-bypasses-policies spec.template.spec.hostNetwork']);
  });
});
