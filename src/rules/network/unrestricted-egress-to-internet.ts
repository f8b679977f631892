import { exposureOf, internetRules, ruleName } from '../../analyses/network/exposure.js';
import { defineRule } from '../../core/rule.js';
import { namespaceNamesOpenWorkload } from './lib/default-deny.js';
import { namespaceKey } from './lib/namespace-groups.js';
import { policiesVerify, rulesAdmit, unselectedFinding, workloadExposure } from './lib/workload-exposure.js';

const DEFAULT_DENY_EGRESS = 'network/namespace-without-default-deny-egress';

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
      'network/namespace-without-default-deny-egress, and when settings.network.requireDefaultDenyEgress turns that rule ' +
      'on, a workload its finding names as open (no egress policy selects it, or one that selects it allows all egress) ' +
      'is left to that finding. An egress firewall (AKS outboundType userDefinedRouting through ' +
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
    const found = workloadExposure(ctx);
    if (!found || !found.exposure.egress.internet.isAll()) return;
    const { exposure, at } = found;
    const { workload: w, egress } = exposure;
    const nsPolicies = exposureOf(ctx.inventory).namespacePolicies(w.namespace, 'egress');
    if (nsPolicies.length === 0) return;
    const expected = 'egress rules that name the destinations and their ports';
    // With settings.network.requireDefaultDenyEgress the namespace's finding names this workload among its
    // open ones, with the policy that opens it: one exposure, one finding.
    if (ctx.settings.network.requireDefaultDenyEgress && ctx.runs(DEFAULT_DENY_EGRESS) && namespaceNamesOpenWorkload(ctx.inventory, namespaceKey(ctx.resource), 'egress', ctx.resource)) return;
    if (!egress.isolated) {
      ctx.report({ ...at, ...unselectedFinding(exposure, egress, nsPolicies, { consequence: 'it may connect to any internet address on any port', expected }) });
      return;
    }
    const rules = internetRules(egress.policies, 'egress');
    ctx.report({
      ...at,
      message: `${rulesAdmit('egress', rules)} every internet address on all ports`,
      evidence: { observed: { rules: rules.map(ruleName), internet: egress.internet.toString() }, expected },
      verify: policiesVerify(w.namespace, 'egress'),
    });
  },
});
