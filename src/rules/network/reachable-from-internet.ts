import { internetRules, listSome, ruleName } from '../../analyses/network/exposure.js';
import { openLoadBalancers } from '../../analyses/network/load-balancers.js';
import { defineRule } from '../../core/rule.js';
import { policiesVerify, rulesAdmit, workloadExposure } from './lib/workload-exposure.js';

export default defineRule({
  meta: {
    id: 'network/reachable-from-internet',
    title: 'Workload accepts connections from the whole internet',
    severity: 'high',
    pillar: 'network',
    frameworks: [
      { framework: 'kubescape', id: 'C-0256' },
      { framework: 'mitre', id: 'T1190' },
    ],
    description:
      'An ingress NetworkPolicy that selects the workload\'s pods admits every internet address (an ipBlock such as ' +
      '0.0.0.0/0, with or without private ranges excepted, or a rule without from) on all ports: whatever carries internet ' +
      'traffic to the pods — a load balancer, a node port, an ingress controller — the policy lets it through. Medium; ' +
      'high when an open public load balancer (a Service of type LoadBalancer with a public IP and no source ranges) ' +
      'sends connections to the pods. A public load balancer in front of pods that no policy isolates is one problem of ' +
      'the Service, reported once on it by network/load-balancer-without-source-ranges (high), not again on each ' +
      'workload behind it. Ingress controllers are not modelled; workloads on the host network are left to ' +
      'network/host-network-bypasses-policies.',
    remediation:
      'Admit only the sources the workload serves — the load balancer\'s or the ingress controller\'s addresses, the ' +
      'client networks — on the served ports, never 0.0.0.0/0 on every port; give a public load balancer in front of it ' +
      'source ranges (spec.loadBalancerSourceRanges), or make it internal.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#ipblock',
      'https://learn.microsoft.com/azure/aks/load-balancer-standard',
      'https://learn.microsoft.com/azure/aks/network-policy-best-practices',
    ],
  },
  target: { pods: true },
  // Only the workload's own policy is reported here: the open load balancer in front of pods no policy
  // isolates is the Service's finding (network/load-balancer-without-source-ranges), whose fix is in the
  // Service. Here the fix is in the policy, so a load balancer only raises the severity.
  check(ctx) {
    const found = workloadExposure(ctx);
    if (!found || !found.exposure.ingress.isolated || !found.exposure.ingress.internet.isAll()) return;
    const { exposure, at } = found;
    const { workload: w, ingress } = exposure;
    const lbNames = openLoadBalancers(ctx.inventory).servedBy(w).map((t) => `${t.service.namespace ?? 'default'}/${t.service.name}`);
    const rules = internetRules(ingress.policies, 'ingress');
    ctx.report({
      ...at,
      ...(lbNames.length ? {} : { severity: 'medium' as const }),
      message:
        `${rulesAdmit('ingress', rules)} every internet address on all ports` +
        (lbNames.length ? `, and ${listSome(lbNames)} ${lbNames.length === 1 ? 'is a public load balancer' : 'are public load balancers'} open to every address in front of it` : ''),
      evidence: {
        observed: { rules: rules.map(ruleName), internet: ingress.internet.toString(), ...(lbNames.length ? { loadBalancers: lbNames } : {}) },
        expected: 'ipBlocks naming the client networks, on the ports the workload serves',
      },
      verify: policiesVerify(w.namespace, 'ingress'),
    });
  },
});
