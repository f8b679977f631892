import { unknownReason } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { fieldOf, observed, POOL_RULE_KINDS, poolsToCheck, type PoolTarget, reportUnknown, text } from './lib/cluster-settings.js';

const TAINT = 'CriticalAddonsOnly=true:NoSchedule';

/** `CriticalAddonsOnly=true:NoSchedule` (or `:NoExecute`, or without a value) keeps application pods off the pool. */
function isCriticalAddonsTaint(taint: string): boolean {
  const m = /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(taint.trim());
  return m !== null && m[1] === 'CriticalAddonsOnly' && (m[3] === 'NoSchedule' || m[3] === 'NoExecute');
}

/** Whether a pool is a system pool: `undefined` when the source does not say and no default decides it. */
function isSystemPool(t: PoolTarget): boolean | undefined {
  const mode = t.pool.get('mode');
  if (!mode.known) return undefined;
  if (!mode.absent) return text(mode)?.toLowerCase() === 'system';
  // A cluster needs a system pool: a pool written in the cluster without a mode is one when it is the
  // first and no other pool there says System. Separate pool resources default to User.
  if (!t.inCluster || t.index !== 0 || !t.cluster) return false;
  const cluster = t.cluster;
  return !cluster.nodePools.some((p) => p.resource === cluster.resource && text(p.get('mode'))?.toLowerCase() === 'system');
}

export default defineRule({
  meta: {
    id: 'aks/system-pool-not-tainted',
    title: 'System node pool also runs application pods',
    severity: 'low',
    pillar: 'configuration',
    frameworks: [{ framework: 'checkov', id: 'CKV_AZURE_232' }],
    description:
      'System node pools run CoreDNS, konnectivity, metrics-server and the add-ons the cluster depends on. ' +
      'Without the CriticalAddonsOnly=true:NoSchedule taint, application pods are scheduled there too: a noisy ' +
      'or compromised workload then shares nodes (and node credentials) with the components that keep the ' +
      'cluster running. The taint keeps ordinary pods on user pools; system pods tolerate it.',
    remediation:
      'Taint the system pool (az aks nodepool update --node-taints CriticalAddonsOnly=true:NoSchedule; nodeTaints ' +
      'in the template; only_critical_addons_enabled = true on default_node_pool in Terraform) and run ' +
      'application workloads on user node pools.',
    references: ['https://learn.microsoft.com/azure/aks/use-system-pools#system-and-user-node-pools'],
  },
  target: { kinds: [...POOL_RULE_KINDS] },
  check(ctx) {
    for (const t of poolsToCheck(ctx.resource, ctx.inventory)) {
      const system = isSystemPool(t);
      if (system === false) continue;
      const s = t.pool.get('nodeTaints');
      const verify = t.verify('nodeTaints');
      if (!s.known) {
        reportUnknown(ctx, t.label, s, TAINT, verify);
        continue;
      }
      const taints = Array.isArray(s.value) ? s.value : [];
      if (taints.some((v) => typeof v === 'string' && isCriticalAddonsTaint(v))) continue;
      const unresolved = taints.map(unknownReason).find((r) => r !== undefined);
      if (unresolved !== undefined) {
        reportUnknown(ctx, t.label, { ...s, known: false, reason: unresolved }, TAINT, verify);
        continue;
      }
      if (system === undefined) {
        const mode = t.pool.get('mode');
        reportUnknown(ctx, t.label, mode, 'System pools tainted CriticalAddonsOnly=true:NoSchedule', t.verify('mode'));
        continue;
      }
      ctx.report({
        field: fieldOf(s),
        message: `${t.label} is a system pool without the ${TAINT} taint: application pods can run beside the cluster's system components`,
        evidence: { observed: observed(s, []), expected: TAINT, nodePool: t.pool.name },
        verify,
      });
    }
  },
});
