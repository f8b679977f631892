import { exposureOf, listSome, ruleName, type DirectionExposure, type OwnedRule, type WorkloadExposure } from '../../../analyses/network/exposure.js';
import type { Direction, NetworkPolicyModel } from '../../../analyses/network/policy.js';
import { shellQuote, type ReportInput, type RuleContext } from '../../../core/rule.js';

/** `kubectl get networkpolicy` with the columns that show what a namespace's policies do in one direction. */
export function policiesVerify(namespace: string, direction: Direction): string {
  const ns = namespace === '' ? '<namespace>' : shellQuote(namespace);
  return `kubectl get networkpolicy -n ${ns} -o custom-columns=NAME:.metadata.name,POD-SELECTOR:.spec.podSelector,TYPES:.spec.policyTypes,${direction.toUpperCase()}:.spec.${direction}`;
}

/**
 * The exposure of the workload a pod-bearing object stands for, with where its findings point: the pod
 * labels, which policies select it by. Undefined for the objects that do not stand for their workload (a
 * ReplicaSet of a Deployment) and for workloads on the host network, which
 * network/host-network-bypasses-policies reports.
 */
export function workloadExposure(ctx: RuleContext): { exposure: WorkloadExposure; at: Pick<ReportInput, 'field'> } | undefined {
  const exposure = exposureOf(ctx.inventory).forResource(ctx.resource);
  if (!exposure || exposure.hostNetwork) return undefined;
  const pod = ctx.pod();
  return { exposure, at: pod ? { field: `${pod.metaPath}.labels` } : {} };
}

/** `ingress rule shop/web spec.ingress[0] admits`, `egress rules a, b admit`. */
export function rulesAdmit(direction: Direction, rules: readonly OwnedRule[]): string {
  const one = rules.length === 1;
  return `${direction} ${one ? 'rule' : 'rules'} ${listSome(rules.map(ruleName))} ${one ? 'admits' : 'admit'}`;
}

/**
 * The finding on a workload that no policy isolates in a direction its namespace restricts for other
 * pods (`namespacePolicies`, never none: a namespace without any is the default-deny rules' finding).
 */
export function unselectedFinding(
  exposure: WorkloadExposure,
  d: DirectionExposure,
  namespacePolicies: readonly NetworkPolicyModel[],
  what: { consequence: string; expected: string },
): Omit<ReportInput, 'field'> {
  const selecting = d.policies.map((p) => p.name);
  const inNamespace = namespacePolicies.map((p) => p.name);
  const one = selecting.length === 1;
  const why = selecting.length
    ? `${d.direction} ${one ? 'NetworkPolicy' : 'NetworkPolicies'} ${listSome(selecting)} ${one ? 'selects' : 'select'} only some of its pods`
    : `no ${d.direction} NetworkPolicy selects it, though namespace ${exposure.workload.namespace} has ${listSome(inNamespace)}`;
  return {
    message: `${why}: ${what.consequence}`,
    evidence: { observed: { selectedBy: selecting, namespacePolicies: inNamespace }, expected: what.expected },
    verify: policiesVerify(exposure.workload.namespace, d.direction),
  };
}
