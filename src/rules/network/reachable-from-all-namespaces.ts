import { everyNamespaceText, exposureOf, labelLeftOutText, leavesOutLabels, listSome, nearlyAllNamespaces, ruleName, type LabelLeftOut } from '../../analyses/network/exposure.js';
import type { Inventory } from '../../core/inventory.js';
import { asArray } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import type { ContainerView } from '../../core/workload.js';
import { namespaceNamesOpenWorkloads } from './lib/default-deny.js';
import { namespaceKey } from './lib/namespace-groups.js';
import { policiesVerify, rulesAdmit, unselectedFinding, workloadExposure } from './lib/workload-exposure.js';

const DEFAULT_DENY_INGRESS = 'network/namespace-without-default-deny-ingress';

function declaresPorts(containers: readonly ContainerView[]): boolean {
  return containers.some((c) => asArray(c.spec.ports).length > 0);
}

/** The namespaces of the input that carry a label the rules leave out. */
function namespacesLabelledOut(inventory: Inventory, labels: readonly LabelLeftOut[]): string[] {
  return inventory
    .byKind('Namespace')
    .filter((ns) => labels.some((l) => leavesOutLabels(l, inventory.namespaceLabels(ns.name) ?? {})))
    .map((ns) => ns.name)
    .sort();
}

/**
 * `: only a namespace labelled env=dev is left out (here: dev-a), so every namespace without that label,
 * one created later included, is admitted`; '' when no label is left out.
 */
function labelsLeftOutText(labels: readonly LabelLeftOut[], here: readonly string[]): string {
  if (labels.length === 0) return '';
  const text = labels.map(labelLeftOutText).join(' or ');
  const inInput = here.length ? `here: ${listSome(here)}` : 'none of the namespaces in the input';
  return `: only a namespace labelled ${text} is left out (${inInput}), so every namespace without that label, one created later included, is admitted`;
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
      '— or one that only leaves some namespaces out, kubernetes.io/metadata.name NotIn [...], or a label with NotIn or ' +
      'DoesNotExist (env NotIn [dev], team DoesNotExist), which every namespace created later without that label ' +
      'matches — and no podSelector, or an ipBlock that holds every pod address, 0.0.0.0/0 or the pod CIDR, which Calico ' +
      'and Azure NPM match against pods, unless the cluster runs Cilium) without naming ports. A compromised pod anywhere in the cluster then reaches every port the ' +
      'workload listens on, debug and admin ports included. The rule speaks only in namespaces that have an ingress ' +
      'policy: a namespace without any is reported once by network/namespace-without-default-deny-ingress, and when ' +
      'that rule runs, a workload no policy selects in a namespace without a default deny is left to its finding, ' +
      'which names the open workloads; a rule that admits every address, the internet included (ingress: [{}]), is ' +
      'left to network/reachable-from-internet. Workloads ' +
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
    const found = workloadExposure(ctx);
    // A selector that leaves only named namespaces out admits every namespace created later: as wide.
    if (!found || !nearlyAllNamespaces(found.exposure.ingress).isAll()) return;
    const { exposure, at } = found;
    const { workload: w, ingress } = exposure;
    // A run-to-completion job that declares no port serves nothing to connect to.
    if ((w.kind === 'Job' || w.kind === 'CronJob') && !declaresPorts(ctx.containers())) return;
    const nsPolicies = exposureOf(ctx.inventory).namespacePolicies(w.namespace, 'ingress');
    if (nsPolicies.length === 0) return;
    const expected = 'ingress rules that name the client namespaces and pods and the ports the workload serves';
    if (!ingress.isolated) {
      // The namespace's default-deny finding names this workload among its open ones: one exposure, one finding.
      if (ctx.runs(DEFAULT_DENY_INGRESS) && namespaceNamesOpenWorkloads(ctx.inventory, namespaceKey(ctx.resource), 'ingress')) return;
      const consequence = 'every pod of every namespace, namespaces created later included, can connect to it on all ports';
      ctx.report({ ...at, ...unselectedFinding(exposure, ingress, nsPolicies, { consequence, expected }) });
      return;
    }
    // A rule that admits every address (`ingress: [{}]`) admits the internet too: one problem, reported
    // once, by the rule about the internet.
    if (ctx.runs('network/reachable-from-internet') && ingress.internet.isAll()) return;
    const rules = [...ingress.allNamespacesRules, ...(ingress.allNamespacesBut?.rules ?? [])];
    const labels = ingress.allNamespacesBut?.exceptLabels ?? [];
    const labelledOut = namespacesLabelledOut(ctx.inventory, labels);
    const names = [...new Set([...(ingress.allNamespacesBut?.except ?? []), ...labelledOut])].sort();
    const leftOut = names.length ? names : undefined;
    ctx.report({
      ...at,
      message: `${rulesAdmit('ingress', rules)} every pod of ${everyNamespaceText(ingress, 'on all ports')}, namespaces created later included${labelsLeftOutText(labels, labelledOut)}`,
      evidence: {
        observed: {
          rules: rules.map(ruleName),
          allNamespaces: nearlyAllNamespaces(ingress).toString(),
          ...(leftOut ? { leftOutNamespaces: leftOut } : {}),
          ...(labels.length ? { leftOutLabels: labels.map(labelLeftOutText) } : {}),
        },
        expected,
      },
      verify: policiesVerify(w.namespace, 'ingress'),
    });
  },
});
