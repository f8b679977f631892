import { defineRule } from '../../core/rule.js';
import { fieldOf, flag, isWindows, observed, POOL_RULE_KINDS, poolsToCheck, reportUnknown, type PoolTarget } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/fips-disabled',
    title: 'Node pool does not use FIPS 140 validated cryptography',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: [],
    description:
      'Regulated workloads (FedRAMP, US government, some financial and health regimes) must use FIPS 140 ' +
      'validated cryptographic modules. A FIPS-enabled node pool runs an OS image whose kernel and crypto ' +
      'libraries are in FIPS mode; it is off unless set, pool by pool (a cluster-wide enableFIPS covers pools ' +
      'that do not set their own). The rule runs only when settings.aks.requireFips is true.',
    remediation:
      'Create FIPS-enabled node pools (az aks nodepool add --enable-fips-image; enableFIPS: true; fips_enabled = ' +
      'true in Terraform), move the workloads, and delete the old pools. An existing Linux pool can instead be ' +
      'switched in place with az aks nodepool update --enable-fips-image, which reimages its nodes; a Windows ' +
      'pool cannot be updated, so it needs a new FIPS-enabled pool.',
    references: ['https://learn.microsoft.com/azure/aks/enable-fips-nodes'],
  },
  target: { kinds: [...POOL_RULE_KINDS] },
  check(ctx) {
    if (!ctx.settings.aks.requireFips) return;
    for (const t of poolsToCheck(ctx.resource, ctx.inventory)) {
      const s = t.pool.get('enableFIPS');
      const verify = t.verify('enableFips');
      if (!s.known) {
        reportUnknown(ctx, t.label, s, true, verify);
        continue;
      }
      if (flag(s) === true) continue;
      if (s.absent && t.cluster) {
        const clusterWide = t.cluster.get('enableFIPS');
        if (clusterWide.known && flag(clusterWide) === true) continue;
      }
      ctx.report({
        field: fieldOf(s),
        message: `${t.label} does not use FIPS 140 validated cryptography (enableFIPS ${s.absent ? 'not set, default false' : `is ${JSON.stringify(s.value)}`})${windowsNote(t)}`,
        evidence: { observed: observed(s, false), expected: true, nodePool: t.pool.name },
        verify,
      });
    }
  },
});

/** Only Linux pools can be switched to FIPS in place (the rule's remediation); a Windows pool needs a new one. */
function windowsNote(t: PoolTarget): string {
  if (!isWindows(t.pool)) return '';
  return ': a Windows pool cannot be switched in place, so add a FIPS-enabled Windows pool (az aks nodepool add --os-type Windows --enable-fips-image) and move the workloads to it';
}
