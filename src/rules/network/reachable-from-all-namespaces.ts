import { exposureOf, listSome, ruleName } from '../../analyses/network/exposure.js';
import { asArray } from '../../core/resource.js';
import { defineRule, shellQuote } from '../../core/rule.js';
import type { ContainerView } from '../../core/workload.js';

function declaresPorts(containers: readonly ContainerView[]): boolean {
  return containers.some((c) => asArray(c.spec.ports).length > 0);
}

export default defineRule({
  meta: {
    id: 'network/reachable-from-all-namespaces',
    title: 'Workload accepts connections from every namespace on all ports',
    severity: 'medium',
    pillar: 'network',
    frameworks: [
      { framework: 'kubescape', id: 'C-0260' },
      { framework: 'kubescape', id: 'C-0030' },
    ],
    description:
      'Every pod of every namespace — namespaces created later included — may open a connection to the workload on ' +
      'any port: either no ingress NetworkPolicy selects its pods while other pods of the namespace are isolated, or ' +
      'a policy that selects them admits all of the cluster (an ingress rule without from, or with namespaceSelector: {} ' +
      'and no podSelector) without naming ports. A compromised pod anywhere in the cluster then reaches every port the ' +
      'workload listens on, debug and admin ports included. The rule speaks only in namespaces that have an ingress ' +
      'policy: a namespace without any is reported once by network/namespace-without-default-deny-ingress. Workloads ' +
      'on the host network are left to network/host-network-bypasses-policies, and AKS-managed components are marked ' +
      'provider-managed. Jobs and CronJobs that declare no container port are left out: they serve nothing.',
    remediation:
      'Select the workload with an ingress NetworkPolicy (or add a default deny to the namespace) whose rules name the ' +
      'client namespaces and pods (namespaceSelector with labels, podSelector) and the ports the workload serves.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
      'https://learn.microsoft.com/azure/aks/network-policy-best-practices',
    ],
  },
  target: { pods: true },
  check(ctx) {
    const analysis = exposureOf(ctx.inventory);
    const e = analysis.forResource(ctx.resource);
    if (!e || e.hostNetwork || !e.ingress.allNamespaces.isAll()) return;
    const { workload: w, ingress } = e;
    // A run-to-completion job that declares no port serves nothing to connect to.
    if ((w.kind === 'Job' || w.kind === 'CronJob') && !declaresPorts(ctx.containers())) return;
    const nsPolicies = analysis.namespacePolicies(w.namespace, 'ingress');
    if (nsPolicies.length === 0) return;
    const pod = ctx.pod();
    const field = pod ? `${pod.metaPath}.labels` : undefined;
    const verify = `kubectl get networkpolicy -n ${shellQuote(w.namespace)} -o custom-columns=NAME:.metadata.name,POD-SELECTOR:.spec.podSelector,TYPES:.spec.policyTypes,INGRESS:.spec.ingress`;
    const expected = 'ingress rules that name the client namespaces and pods and the ports the workload serves';
    if (ingress.isolated) {
      const rules = ingress.allNamespacesRules.map(ruleName);
      ctx.report({
        ...(field ? { field } : {}),
        message: `${rules.length === 1 ? 'ingress rule' : 'ingress rules'} ${listSome(rules)} ${rules.length === 1 ? 'admits' : 'admit'} every pod of every namespace on all ports, namespaces created later included`,
        evidence: { observed: { rules, allNamespaces: ingress.allNamespaces.toString() }, expected },
        verify,
      });
      return;
    }
    const selecting = ingress.policies.map((p) => p.name);
    const why = selecting.length
      ? `NetworkPolicies ${listSome(selecting)} select only some of its pods`
      : `no ingress NetworkPolicy selects it, though namespace ${w.namespace} has ${listSome(nsPolicies.map((p) => p.name))}`;
    ctx.report({
      ...(field ? { field } : {}),
      message: `${why}: every pod of every namespace, namespaces created later included, can connect to it on all ports`,
      evidence: { observed: { selectedBy: selecting, namespacePolicies: nsPolicies.map((p) => p.name) }, expected },
      verify,
    });
  },
});
