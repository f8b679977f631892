import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import { Inventory } from '../../../src/core/inventory.js';
import { ruleApplies, runRule } from '../../../src/core/rule.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import rule from '../../../src/rules/network/host-port-bypasses-policies.js';
import { RULES } from '../../../src/rules/index.js';
import { parseResources } from '../../helpers/rule-tester.js';
import { docs, policy } from './manifests.js';

/** The rule alone, as a network-only scan runs it (the Pod Security rule would take the fields over). */
function alone(yaml: string) {
  const resources = parseResources(yaml);
  const inventory = new Inventory(resources);
  return resources.filter((r) => ruleApplies(rule, r)).flatMap((r) => runRule(rule, r, inventory, DEFAULT_SETTINGS));
}

const pod = (spec: string) => `
apiVersion: v1
kind: Pod
metadata: { name: exporter, namespace: monitoring, labels: { app: exporter } }
spec:
${spec}
`;

describe('network/host-port-bypasses-policies', () => {
  it('has complete meta and supersedes the Pod Security host-port rule', () => {
    expect(rule.meta.pillar).toBe('network');
    expect(rule.supersedes).toEqual(['workload/host-port']);
  });

  it('says nothing about container ports without a host port, or hostPort 0', () => {
    expect(alone(pod('  containers: [{ name: app, image: "a.azurecr.io/x:1", ports: [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 0 }] }]'))).toEqual([]);
  });

  it('leaves host-network pods to the host-network rule: every port of theirs is the node\'s', () => {
    expect(alone(pod('  hostNetwork: true\n  containers: [{ name: app, image: "a.azurecr.io/x:1", ports: [{ containerPort: 9100, hostPort: 9100 }] }]'))).toEqual([]);
  });

  it('reports each host port of the regular containers, on the Pod Security rule\'s fields; an init container\'s is never published', () => {
    const found = alone(
      pod(`  initContainers: [{ name: init, image: "a.azurecr.io/i:1", ports: [{ containerPort: 53, hostPort: 53, protocol: UDP }] }]
  containers:
    - name: app
      image: "a.azurecr.io/x:1"
      ports: [{ containerPort: 8080 }, { containerPort: 9100, hostPort: 9100 }]`),
    );
    expect(found.map((f) => [f.container, f.field, f.severity, f.message])).toEqual([
      ['app', 'spec.containers[0].ports[1].hostPort', 'medium', "container app publishes host port 9100/TCP on the node's address, where NetworkPolicies cannot be relied on"],
    ]);
  });

  it('names the policies that select the pod', () => {
    const found = alone(docs(pod('  containers: [{ name: app, image: "a.azurecr.io/x:1", ports: [{ containerPort: 9100, hostPort: 9100 }] }]'), policy('exporter-from-prometheus', 'monitoring', '  podSelector: { matchLabels: { app: exporter } }')));
    expect(found.map((f) => f.message)).toEqual([
      "container app publishes host port 9100/TCP on the node's address, where NetworkPolicies cannot be relied on; NetworkPolicy exporter-from-prometheus selects it but cannot isolate connections to it",
    ]);
  });

  it('gives one finding per port when the Pod Security rule runs too', () => {
    const inventory = new Inventory(parseResources(pod('  containers: [{ name: app, image: "a.azurecr.io/x:1", ports: [{ containerPort: 9100, hostPort: 9100 }] }]')));
    const pss = RULES.find((r) => r.meta.id === 'workload/host-port');
    expect(pss).toBeDefined();
    expect(evaluate([rule, pss!], inventory, DEFAULT_SETTINGS).findings.map((f) => f.rule)).toEqual(['workload/host-port']);
    expect(evaluate([rule], inventory, DEFAULT_SETTINGS).findings.map((f) => f.rule)).toEqual(['network/host-port-bypasses-policies']);
  });
});
