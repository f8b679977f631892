import type { RuleContext } from '../../../core/rule.js';
import type { PodView } from '../../../core/workload.js';
import { namespaceGroups, namespaceKey, selectsPod } from './namespace-groups.js';

/** ` (NetworkPolicies a, b select it but cannot isolate it)`, or `''` when none does. */
export function selectingPolicies(ctx: RuleContext, pod: PodView, what: string): string {
  const group = namespaceGroups(ctx.inventory).get(namespaceKey(ctx.resource));
  const names = group ? group.policies.filter((p) => selectsPod(p, pod, group)).map((p) => p.name) : [];
  if (names.length === 0) return '';
  return `; ${names.length === 1 ? 'NetworkPolicy' : 'NetworkPolicies'} ${names.join(', ')} ${names.length === 1 ? 'selects' : 'select'} it but cannot isolate ${what}`;
}
