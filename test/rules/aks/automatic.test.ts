import { describe, expect, it } from 'vitest';
import { RULES } from '../../../src/rules/index.js';
import { aksFindings, azapiCluster, restCluster, templateCluster, unknown } from './aks-tester.js';

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

  it('in a subnet of the user\'s virtual network, is not taken to use the managed NAT gateway, which only the virtual network AKS manages has', () => {
    const rule = RULES.find((r) => r.meta.id === 'aks/outbound-type-load-balancer');
    const subnet = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/nodes';
    const cases = [
      templateCluster('pool-subnet', { agentPoolProfiles: [{ name: 'systempool', mode: 'System', vnetSubnetID: subnet }] }, AUTOMATIC),
      templateCluster('api-subnet', { ...POOLS, apiServerAccessProfile: { subnetId: subnet } }, AUTOMATIC),
      templateCluster('subnet-decided-later', { agentPoolProfiles: [{ name: 'systempool', vnetSubnetID: unknown("parameter 'subnet' has no default value") }] }, AUTOMATIC),
      azapiCluster('this', 'hosted', { ...AUTOMATIC, properties: { hostedSystemProfile: { enabled: true, nodeSubnetID: subnet } } }),
    ];
    for (const c of cases) expect(rule ? aksFindings(rule, [c]).map((f) => f.message) : ['no rule'], c.name).toEqual([]);
    // Written, it is judged as written.
    const udr = templateCluster('lb', { agentPoolProfiles: [{ name: 'systempool', vnetSubnetID: subnet }], networkProfile: { outboundType: 'loadBalancer' } }, AUTOMATIC);
    expect(rule ? aksFindings(rule, [udr]).map((f) => f.severity) : []).toEqual(['low']);
  });

  it('with an SKU only a deployment decides, what Automatic would preset is unknown: no failure, at most info', () => {
    const sku = { sku: { name: unknown('var.cluster_sku_name has no value'), tier: 'Standard' } };
    expect(fired([templateCluster('maybe', POOLS, sku)])).toEqual([]);
    const rule = RULES.find((r) => r.meta.id === 'aks/local-accounts-enabled');
    const found = rule ? aksFindings(rule, [azapiCluster('this', 'maybe', { ...sku, properties: POOLS })]) : [];
    expect(found.map((f) => [f.severity, f.field])).toEqual([['info', 'body.properties.disableLocalAccounts']]);
    expect(found[0]?.message).toMatch(/may be AKS Automatic, which presets it, and its SKU is not known \(var\.cluster_sku_name has no value\)/);
    // What the source does set is still judged.
    expect(fired([templateCluster('maybe', { ...POOLS, disableLocalAccounts: false }, sku)])).toEqual(['aks/local-accounts-enabled']);
  });
});
