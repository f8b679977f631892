import { expect, it } from 'vitest';
import rule from '../../../src/rules/aks/fips-disabled.js';
import { aksFindings, aksRuleTester, cliCluster, managedSystemCluster, restCluster, templateCluster, tfCluster, unknown } from './aks-tester.js';

const required = { requireFips: true };

it('reports nothing unless settings.aks.requireFips is set', () => {
  expect(aksFindings(rule, [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', enableFIPS: false }] })])).toEqual([]);
});

aksRuleTester(rule, {
  valid: [
    { name: 'REST body, FIPS pools', aks: required, resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', enableFIPS: true }, { name: 'p2', enableFIPS: true }] })] },
    { name: 'az aks show spells it enableFips', aks: required, resources: [cliCluster('aks1', { agentPoolProfiles: [{ name: 'p1', enableFips: true }] })] },
    { name: 'cluster-wide enableFIPS covers pools that do not set it', aks: required, resources: [restCluster('aks1', { enableFIPS: true, agentPoolProfiles: [{ name: 'p1' }] })] },
    { name: 'Terraform fips_enabled', aks: required, resources: [tfCluster('main', { default_node_pool: [{ name: 'p1', fips_enabled: true }] })] },
    { name: 'a managed system pool (AKS Automatic) is AKS\'s to configure, not the user\'s', aks: required, resources: [managedSystemCluster('auto2')] },
  ],
  invalid: [
    {
      name: 'REST body: one pool without FIPS',
      aks: required,
      resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'p1', enableFIPS: true }, { name: 'p2' }] })],
      findings: [
        {
          field: 'properties.agentPoolProfiles[1].enableFIPS',
          severity: 'medium',
          message: 'node pool p2 of cluster aks1 does not use FIPS 140 validated cryptography (enableFIPS not set, default false)',
          verify: `az aks show --resource-group rg-prod --name aks1 --query "agentPoolProfiles[?name=='p2'].enableFips"`,
          evidence: { observed: { notSet: true, serviceDefault: false }, expected: true },
        },
      ],
    },
    {
      name: 'az aks show, explicit false wins over the cluster-wide setting',
      aks: required,
      resources: [cliCluster('aks1', { enableFips: true, agentPoolProfiles: [{ name: 'p1', enableFips: false }] })],
      findings: [{ field: 'agentPoolProfiles[0].enableFips', message: /is false/ }],
    },
    { name: 'Terraform without fips_enabled', aks: required, resources: [tfCluster('main', { default_node_pool: [{ name: 'p1' }] })], findings: [{ field: 'default_node_pool[0].fips_enabled' }] },
    {
      name: 'unknown',
      aks: required,
      resources: [templateCluster('aks1', { agentPoolProfiles: [{ name: 'p1', enableFIPS: unknown("parameter 'fips' has no default value") }] })],
      findings: [{ severity: 'info' }],
    },
    {
      name: 'a Windows pool cannot be switched in place: the finding says to add a new pool',
      aks: required,
      resources: [restCluster('aks1', { agentPoolProfiles: [{ name: 'win', osType: 'Windows', enableFIPS: false }] })],
      findings: [
        {
          field: 'properties.agentPoolProfiles[0].enableFIPS',
          message:
            'node pool win of cluster aks1 does not use FIPS 140 validated cryptography (enableFIPS is false): a Windows pool cannot be switched in place, ' +
            'so add a FIPS-enabled Windows pool (az aks nodepool add --os-type Windows --enable-fips-image) and move the workloads to it',
        },
      ],
    },
  ],
});

it('says only Linux pools can be switched in place', () => {
  expect(rule.meta.remediation).toMatch(/existing Linux pool can instead be switched in place .*a Windows pool cannot be updated/);
});
