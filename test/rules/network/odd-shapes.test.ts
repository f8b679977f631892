import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import { Inventory } from '../../../src/core/inventory.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import { RULES } from '../../../src/rules/index.js';
import { parseResources } from '../../helpers/rule-tester.js';

const NETWORK_RULES = RULES.filter((r) => r.meta.id.startsWith('network/') || r.meta.id === 'aks/network-policies-not-enforced');

// Values of the wrong type wherever the rules read: hostile or hand-broken manifests must not make a rule throw.
const ODD = `
apiVersion: v1
kind: Namespace
metadata: { name: odd, labels: [a] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p1, namespace: odd }
spec: { podSelector: "app=web", policyTypes: Ingress, ingress: {} }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p2, namespace: odd }
spec: { podSelector: { matchLabels: [x], matchExpressions: [5, { key: 1 }] }, policyTypes: [7, null], egress: "all" }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p3, namespace: odd }
spec: "nothing"
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: odd }
spec:
  template:
    metadata: { labels: "app=web" }
    spec: { hostNetwork: "yes", containers: [null, { name: 3, ports: [null, { hostPort: "80" }, { hostPort: 81, protocol: 6 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: s1, namespace: odd, annotations: [1] }
spec: { type: LoadBalancer, loadBalancerSourceRanges: [null, 3, ""], ports: [null, { port: "80" }] }
---
apiVersion: v1
kind: Service
metadata: { name: s2, namespace: odd }
spec: { type: NodePort, ports: "80" }
---
apiVersion: v1
kind: Service
metadata: { name: s3 }
spec: []
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: i1, namespace: odd }
spec: { tls: [null, { hosts: "a.example.com" }, { hosts: [5, ""] }], rules: [null, 7, { host: 9 }, { host: "" }, { host: b.example.com }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: i2, namespace: odd }
spec: 42
`;

describe('network rules on odd shapes', () => {
  it('never throw, and every finding says what was observed and expected', () => {
    const settings = { ...DEFAULT_SETTINGS, network: { requireDefaultDenyEgress: true } };
    const { findings, errors } = evaluate(NETWORK_RULES, new Inventory(parseResources(ODD)), settings);
    expect(errors).toEqual([]);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.message.length).toBeGreaterThan(0);
      expect(f.evidence).toHaveProperty('observed');
      expect(f.evidence).toHaveProperty('expected');
    }
    // A few that must still be found through the noise.
    const got = findings.map((f) => `${f.rule} ${f.resource.kind}/${f.resource.name} ${f.field ?? ''}`);
    expect(got).toContain('network/load-balancer-without-source-ranges Service/s1 spec.type');
    expect(got).toContain('network/nodeport-service Service/s2 spec.type');
    expect(got).toContain('network/ingress-without-tls Ingress/i1 spec.rules[4].host');
    expect(got).toContain('network/ingress-without-tls Ingress/i2 spec.tls');
    expect(got).toContain('network/host-port-bypasses-policies Deployment/web spec.template.spec.containers[1].ports[2].hostPort');
  });
});
