import { describe, expect, it } from 'vitest';
import { aksClusterOf } from '../../../src/analyses/aks/index.js';
import { cliSpelling } from '../../../src/analyses/aks/json-cluster.js';
import { cliCluster } from '../../rules/aks/aks-tester.js';

describe('cliSpelling', () => {
  it('writes acronyms as words, as az CLI output names properties', () => {
    expect(cliSpelling('diskEncryptionSetID')).toBe('diskEncryptionSetId');
    expect(cliSpelling('authorizedIPRanges')).toBe('authorizedIpRanges');
    expect(cliSpelling('nodeOSUpgradeChannel')).toBe('nodeOsUpgradeChannel');
    expect(cliSpelling('enableRBAC')).toBe('enableRbac');
    expect(cliSpelling('enableAzureRBAC')).toBe('enableAzureRbac');
    expect(cliSpelling('enableVTPM')).toBe('enableVtpm');
    expect(cliSpelling('enableNodePublicIP')).toBe('enableNodePublicIp');
    expect(cliSpelling('omsagent')).toBe('omsagent');
    expect(cliSpelling('azureKeyvaultSecretsProvider')).toBe('azureKeyvaultSecretsProvider');
  });
});

describe('az aks show settings the document leaves out', () => {
  it('are named in the CLI spelling, below the part the document has', () => {
    const cluster = aksClusterOf(cliCluster('aks1', { aadProfile: { managed: true }, agentPoolProfiles: [{ name: 'sys' }] }));
    expect(cluster?.get('diskEncryptionSetID')).toMatchObject({ absent: true, field: 'diskEncryptionSetId' });
    expect(cluster?.get('aadProfile.enableAzureRBAC')).toMatchObject({ absent: true, field: 'aadProfile.enableAzureRbac' });
    expect(cluster?.get('apiServerAccessProfile.authorizedIPRanges')).toMatchObject({ absent: true, field: 'apiServerAccessProfile.authorizedIpRanges' });
    expect(cluster?.nodePools[0]?.get('enableNodePublicIP')).toMatchObject({ absent: true, field: 'agentPoolProfiles[0].enableNodePublicIp' });
  });
});
