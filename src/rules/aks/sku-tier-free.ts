import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, fieldOf, observed, rootSetting, text } from './lib/cluster-settings.js';

// `Paid` is the name Standard had before API version 2023-02-01.
const SLA_TIERS = ['standard', 'premium', 'paid'];

export default defineRule({
  meta: {
    id: 'aks/sku-tier-free',
    title: 'Cluster control plane is on the Free tier (no uptime SLA)',
    severity: 'info',
    pillar: 'configuration',
    frameworks: [{ framework: 'checkov', id: 'CKV_AZURE_170' }],
    description:
      'The Free tier has no financially backed uptime SLA and a control plane sized for small clusters; it is ' +
      'meant for development and testing. Production clusters want Standard (uptime SLA, larger API server ' +
      'capacity) or Premium (adds long-term support). sku.tier is Free unless set. Reported as information: ' +
      'whether a cluster is production is for its owner to say.',
    remediation:
      'For production clusters, move to the Standard tier (az aks update --tier standard; sku.tier: Standard; ' +
      'sku_tier = "Standard" in Terraform), or Premium where long-term support is needed.',
    references: ['https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = rootSetting(cluster, 'sku.tier');
    // The rule only informs: a value a template leaves open is not worth a second note.
    if (!s.known) return;
    const tier = text(s)?.toLowerCase();
    if (tier !== undefined && SLA_TIERS.includes(tier)) return;
    ctx.report({
      field: fieldOf(s),
      message: `cluster ${cluster.name} is on the ${s.absent ? 'Free tier (sku.tier not set)' : `${JSON.stringify(s.value)} tier`}: no uptime SLA for the control plane`,
      evidence: { observed: observed(s, 'Free'), expected: ['Standard', 'Premium'] },
      verify: aksVerify(cluster, 'sku.tier'),
    });
  },
});
