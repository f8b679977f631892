import { exposureOf, internetRules, listSome, ruleName } from '../../analyses/network/exposure.js';
import { defineRule, shellQuote } from '../../core/rule.js';

export default defineRule({
  meta: {
    id: 'network/unrestricted-egress-to-internet',
    title: 'Workload may connect to any internet address on any port',
    severity: 'low',
    pillar: 'network',
    frameworks: [
      { framework: 'kubescape', id: 'C-0030' },
      { framework: 'mitre', id: 'T1041' },
    ],
    description:
      'The workload may open connections to every internet address on every port: a compromised container can fetch ' +
      'tools, reach a command-and-control server and send data out, and nothing in the cluster tells those connections ' +
      'from the ones the application makes. Either no egress NetworkPolicy selects the workload although the namespace ' +
      'restricts egress for other pods, or a policy that selects it admits every internet address (a rule without to, ' +
      'or an ipBlock such as 0.0.0.0/0) without naming ports. To stay quiet where egress control has not started, the ' +
      'rule speaks only in namespaces with an egress policy: a namespace with none is reported once by ' +
      'network/namespace-without-default-deny-egress. An egress firewall (AKS outboundType userDefinedRouting through ' +
      'Azure Firewall) may restrict the same traffic outside the cluster. Workloads on the host network are left to ' +
      'network/host-network-bypasses-policies, and AKS-managed components are marked provider-managed.',
    remediation:
      'Select the workload with an egress NetworkPolicy that admits the destinations it needs (DNS, the services it ' +
      'calls, the ipBlocks of external dependencies) on their ports, and send the rest of outbound traffic through an ' +
      'egress firewall.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
      'https://learn.microsoft.com/azure/aks/limit-egress-traffic',
    ],
  },
  target: { pods: true },
  check(ctx) {
    const analysis = exposureOf(ctx.inventory);
    const e = analysis.forResource(ctx.resource);
    if (!e || e.hostNetwork || !e.egress.internet.isAll()) return;
    const { workload: w, egress } = e;
    const nsPolicies = analysis.namespacePolicies(w.namespace, 'egress');
    if (nsPolicies.length === 0) return;
    const pod = ctx.pod();
    const field = pod ? `${pod.metaPath}.labels` : undefined;
    const verify = `kubectl get networkpolicy -n ${shellQuote(w.namespace)} -o custom-columns=NAME:.metadata.name,POD-SELECTOR:.spec.podSelector,TYPES:.spec.policyTypes,EGRESS:.spec.egress`;
    const expected = 'egress rules that name the destinations and their ports';
    if (egress.isolated) {
      const rules = internetRules(egress.policies, 'egress').map(ruleName);
      ctx.report({
        ...(field ? { field } : {}),
        message: `${rules.length === 1 ? 'egress rule' : 'egress rules'} ${listSome(rules)} ${rules.length === 1 ? 'admits' : 'admit'} every internet address on all ports`,
        evidence: { observed: { rules, internet: egress.internet.toString() }, expected },
        verify,
      });
      return;
    }
    const selecting = egress.policies.map((p) => p.name);
    const why = selecting.length
      ? `egress NetworkPolicies ${listSome(selecting)} select only some of its pods`
      : `no egress NetworkPolicy selects it, though namespace ${w.namespace} has ${listSome(nsPolicies.map((p) => p.name))}`;
    ctx.report({
      ...(field ? { field } : {}),
      message: `${why}: it may connect to any internet address on any port`,
      evidence: { observed: { selectedBy: selecting, namespacePolicies: nsPolicies.map((p) => p.name) }, expected },
      verify,
    });
  },
});
