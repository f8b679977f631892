import { describe, expect, it } from 'vitest';
import auditLogs from '../../../src/rules/aks/audit-logs-not-collected.js';
import autoUpgrade from '../../../src/rules/aks/auto-upgrade-channel-none.js';
import containerInsights from '../../../src/rules/aks/container-insights-disabled.js';
import diskEncryptionSet from '../../../src/rules/aks/disk-encryption-set-missing.js';
import ephemeralOsDisk from '../../../src/rules/aks/ephemeral-os-disk-not-used.js';
import fips from '../../../src/rules/aks/fips-disabled.js';
import hostEncryption from '../../../src/rules/aks/host-encryption-disabled.js';
import kms from '../../../src/rules/aks/kms-etcd-encryption-disabled.js';
import version from '../../../src/rules/aks/kubernetes-version-unsupported.js';
import maxPods from '../../../src/rules/aks/max-pods-too-low.js';
import nodeOs from '../../../src/rules/aks/node-os-upgrade-channel-none.js';
import scaleSet from '../../../src/rules/aks/node-pool-not-scale-set.js';
import ssh from '../../../src/rules/aks/node-ssh-enabled.js';
import sku from '../../../src/rules/aks/sku-tier-free.js';
import systemPool from '../../../src/rules/aks/system-pool-not-tainted.js';
import trustedLaunch from '../../../src/rules/aks/trusted-launch-disabled.js';
import { aksFindings, cliCluster, resource, restCluster, templatePool, tfCluster, tfPool } from './aks-tester.js';

const RULES = [auditLogs, autoUpgrade, containerInsights, diskEncryptionSet, ephemeralOsDisk, fips, hostEncryption, kms, version, maxPods, nodeOs, scaleSet, ssh, sku, systemPool, trustedLaunch];

describe('AKS configuration rules on odd shapes', () => {
  const odd = [
    resource('Microsoft.ContainerService/managedClusters', 'arm-template', { name: 'x', properties: 'yo' }, 'x'),
    restCluster('aks1', {
      agentPoolProfiles: ['pool', null, 5, { name: 7, nodeTaints: 'CriticalAddonsOnly=true:NoSchedule', securityProfile: 'on', maxPods: '40', mode: 3 }],
      autoUpgradeProfile: [],
      securityProfile: { azureKeyVaultKms: 'yes' },
      kubernetesVersion: 134,
      addonProfiles: { omsagent: null },
    }, { sku: 'Standard' }),
    cliCluster('aks2', { agentPoolProfiles: { name: 'not-a-list' }, networkProfile: 'azure', sku: null }),
    templatePool('aks1', 'p', { securityProfile: null, orchestratorVersion: {}, type: ['AvailabilitySet'] }),
    resource('Microsoft.Insights/diagnosticSettings', 'az-cli', { id: 7, name: null, logs: 'kube-audit', storageAccountId: 5 }, 'd'),
    tfCluster('main', { default_node_pool: 'x', kubernetes_version: ['1.30'] }),
    tfPool('p', { kubernetes_cluster_id: 42, node_taints: 'x' }),
  ];
  for (const rule of RULES) {
    it(`${rule.meta.id} never throws and reports well-formed findings`, () => {
      const found = aksFindings(rule, odd, { requireFips: true });
      for (const f of found) {
        expect(f.message.length).toBeGreaterThan(0);
        expect(f.evidence).toHaveProperty('expected');
      }
    });
  }
});
