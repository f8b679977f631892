import { listSome } from '../../../analyses/network/exposure.js';
import { allowsEverything, isDefaultDeny, selectsEveryPod, type Direction, type NetworkPolicyModel } from '../../../analyses/network/policy.js';
import { aksManagedReason } from '../../../core/aks-managed.js';
import type { FrameworkRef } from '../../../core/frameworks.js';
import { defineRule, type Rule, type RuleContext } from '../../../core/rule.js';
import type { RuleSettings } from '../../../core/settings.js';
import type { Severity } from '../../../core/severity.js';
import { POD_BEARING_KINDS, type PodView } from '../../../core/workload.js';
import { namespaceGroups, namespaceKey, runsOpenPod, selectsAnyPod, workloadName } from './namespace-groups.js';
import { policiesVerify } from './workload-exposure.js';

// kube-system runs AKS's own components, which AKS reconciles: a default deny there is AKS's decision
// and would cut off CoreDNS, konnectivity and the add-ons. kube-public and kube-node-lease hold no pods.
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

const WORDS: Record<Direction, { type: string; open(n: number): string }> = {
  ingress: { type: 'Ingress', open: (n) => `${n === 1 ? 'accepts' : 'accept'} connections from any pod in the cluster` },
  egress: { type: 'Egress', open: () => 'can connect to any address, in the cluster or outside it' },
};

// One finding stands for the whole namespace, so it names a few more workloads than a workload's own finding does.
const LISTED = 5;

export interface DefaultDenyRuleDefinition {
  direction: Direction;
  id: string;
  title: string;
  description: string;
  remediation: string;
  frameworks: FrameworkRef[];
  /** Whether the settings ask for this check. */
  enabled(settings: RuleSettings): boolean;
}

/**
 * Reports a namespace with workloads where no NetworkPolicy denies one direction by default. One
 * finding per namespace, on its Namespace object when the scan has it — the namespace is what the
 * policy belongs to — and otherwise on the first workload of the namespace, so that the finding still
 * points at a file that deploys into it.
 */
export function defaultDenyRule(def: DefaultDenyRuleDefinition): Rule {
  const { direction } = def;
  const words = WORDS[direction];
  const expected = `a NetworkPolicy with podSelector: {}, policyTypes: [${words.type}] and no ${direction} rules`;
  return defineRule({
    meta: {
      id: def.id,
      title: def.title,
      severity: 'medium',
      pillar: 'network',
      frameworks: def.frameworks,
      description: def.description,
      remediation: def.remediation,
      references: [
        'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
        'https://learn.microsoft.com/azure/aks/network-policy-best-practices',
      ],
    },
    target: { kinds: ['Namespace', ...POD_BEARING_KINDS] },
    check(ctx) {
      if (!def.enabled(ctx.settings)) return;
      const key = namespaceKey(ctx.resource);
      if (SYSTEM_NAMESPACES.has(key)) return;
      const group = namespaceGroups(ctx.inventory).get(key);
      // Host-network pods are outside every NetworkPolicy: a default deny would not change them.
      const pods = group?.podNetwork ?? [];
      if (!group || pods.length === 0) return;
      // Every workload of a namespace asks; only the one that carries the finding goes on.
      if (ctx.resource.kind !== 'Namespace' && pods[0]?.resource !== ctx.resource) return;
      const namespace = key === '' ? undefined : ctx.inventory.get('Namespace', null, key);
      if (ctx.resource.kind === 'Namespace' ? namespace !== ctx.resource : namespace !== undefined) return;
      // An add-on namespace (gatekeeper-system, app-routing-system, ...) holding only AKS's own components.
      if (pods.every((p) => aksManagedReason(p.resource) !== undefined)) return;

      const policies = group.policies.filter((p) => p.affects[direction]);
      if (policies.some((p) => isDefaultDeny(p, direction))) return;
      report(ctx, key, pods, policies);
    },
  });

  function report(ctx: RuleContext, key: string, pods: PodView[], policies: NetworkPolicyModel[]): void {
    const subject = key === '' ? 'the namespace these manifests are applied to (they name none)' : `namespace ${key}`;
    const group = namespaceGroups(ctx.inventory).get(key);
    // Policies that select no pod of the namespace cannot isolate any: leave them out before matching pod by pod.
    const selecting = group ? policies.filter((p) => selectsAnyPod(p, group)) : [];
    const allowAll = selecting.filter((p) => allowsEverything(p, direction));
    // Open: no policy isolates the pod, or one that selects it allows everything (policies add up).
    const open = group ? pods.filter((pod) => runsOpenPod(pod, group, selecting, allowAll)).map(workloadName) : [];
    const isolating = policies.filter((p) => selectsEveryPod(p) && !allowAll.includes(p)).map((p) => p.name);
    // A default deny without a namespace is applied wherever its manifest is: it may well cover this one.
    const floating = key === '' ? undefined : namespaceGroups(ctx.inventory).get('')?.policies.find((p) => isDefaultDeny(p, direction));

    let severity: Severity | undefined;
    let why: string;
    if (key === '' || floating) {
      severity = 'info';
      why = floating
        ? `: ${floating.name} would be one, but it names no namespace, so whether it applies here is decided when it is applied`
        : ': a default deny may come with the namespace from elsewhere; check the namespace the manifests are applied to';
    } else if (open.length > 0) {
      why = `: no ${direction} policy restricts ${open.length} of ${pods.length} ${pods.length === 1 ? 'workload' : 'workloads'} (${listSome(open, LISTED)}), which ${words.open(open.length)}`;
    } else {
      // Every pod is isolated today; the missing default deny matters for what is deployed next.
      severity = 'low';
      why = isolating.length
        ? `: ${listSome(isolating, LISTED)} ${isolating.length === 1 ? 'selects' : 'select'} every pod but also ${isolating.length === 1 ? 'allows' : 'allow'} traffic, so what ${isolating.length === 1 ? 'it allows' : 'they allow'} reaches every workload, including ones added later`
        : `: every workload is selected by an ${direction} policy today, but a workload added later starts open`;
    }
    ctx.report({
      ...(severity ? { severity } : {}),
      message: `${subject} has no default-deny ${direction} NetworkPolicy${why}`,
      evidence: {
        observed: { [`${direction}Policies`]: policies.map((p) => p.name), ...(open.length ? { unselectedWorkloads: open } : {}) },
        expected,
      },
      verify: policiesVerify(key, direction),
    });
  }
}
