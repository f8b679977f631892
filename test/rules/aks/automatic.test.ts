import { describe, expect, it } from 'vitest';
import { RULES } from '../../../src/rules/index.js';
import { aksFindings, restCluster, templateCluster } from './aks-tester.js';

const AUTOMATIC = { sku: { name: 'Automatic', tier: 'Standard' } };
const POOLS = { agentPoolProfiles: [{ name: 'systempool', mode: 'System', count: 3 }] };

/** The rules whose findings on a plain cluster with nothing set are AKS Automatic's presets. */
const PRESET_RULES = [
  'aks/no-network-policy-engine',
  'aks/outbound-type-load-balancer',
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
});
