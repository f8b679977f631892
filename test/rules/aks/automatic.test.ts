import { describe, expect, it } from 'vitest';
import { RULES } from '../../../src/rules/index.js';
import { aksFindings, restCluster, templateCluster } from './aks-tester.js';

const AUTOMATIC = { sku: { name: 'Automatic', tier: 'Standard' } };
const POOLS = { agentPoolProfiles: [{ name: 'systempool', mode: 'System', count: 3 }] };

/**
 * The rules whose findings on a plain cluster with nothing set are AKS Automatic's presets. (Its preset
 * outbound type, a managed NAT gateway, filters egress no better than a load balancer: that rule still reports.)
 */
const PRESET_RULES = [
  'aks/no-network-policy-engine',
  'aks/local-accounts-enabled',
  'aks/entra-id-not-managed',
  'aks/azure-rbac-disabled',
  'aks/workload-identity-disabled',
  'aks/image-cleaner-disabled',
  'aks/azure-policy-addon-disabled',
  'aks/auto-upgrade-channel-none',
];

function fired(resources: Parameters<typeof aksFindings>[1]): string[] {
  return RULES.filter((r) => PRESET_RULES.includes(r.meta.id)).flatMap((r) => aksFindings(r, resources).filter((f) => f.severity !== 'info').map((f) => f.rule));
}

describe('AKS Automatic', () => {
  it('has what AKS presets for it when a template leaves it out', () => {
    // The same template as a Standard cluster gets each of these findings.
    expect(new Set(fired([templateCluster('std', POOLS)]))).toEqual(new Set(PRESET_RULES));
    expect(fired([templateCluster('auto', POOLS, AUTOMATIC)])).toEqual([]);
  });

  it('still judges what the source does set', () => {
    const found = fired([restCluster('auto', { ...POOLS, disableLocalAccounts: false }, AUTOMATIC)]);
    expect(found).toEqual(['aks/local-accounts-enabled']);
  });

  it('reads the preset outbound type, a managed NAT gateway, which still lets egress out unfiltered', () => {
    const rule = RULES.find((r) => r.meta.id === 'aks/outbound-type-load-balancer');
    const found = rule ? aksFindings(rule, [templateCluster('auto', POOLS, AUTOMATIC)]) : [];
    expect(found.map((f) => f.message)).toEqual([expect.stringMatching(/AKS-managed NAT gateway \(networkProfile\.outboundType is "managedNATGateway"\)/)]);
  });
});
