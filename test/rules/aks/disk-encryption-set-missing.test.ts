import rule from '../../../src/rules/aks/disk-encryption-set-missing.js';
import { aksRuleTester, cliCluster, restCluster, templateCluster, tfCluster, unknown } from './aks-tester.js';

const DES = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-keys/providers/Microsoft.Compute/diskEncryptionSets/des1';

aksRuleTester(rule, {
  valid: [
    { name: 'REST body with diskEncryptionSetID', resources: [restCluster('aks1', { diskEncryptionSetID: DES })] },
    { name: 'az aks show spells it diskEncryptionSetId', resources: [cliCluster('aks1', { diskEncryptionSetId: DES })] },
    { name: 'Terraform disk_encryption_set_id', resources: [tfCluster('main', { disk_encryption_set_id: DES })] },
  ],
  invalid: [
    {
      name: 'REST body without a disk encryption set',
      resources: [restCluster('aks1', {})],
      findings: [
        {
          field: 'properties.diskEncryptionSetID',
          severity: 'low',
          message: 'cluster aks1 has no disk encryption set: node disks use platform-managed keys only',
          verify: 'az aks show --resource-group rg-prod --name aks1 --query diskEncryptionSetId',
          evidence: { observed: { notSet: true, serviceDefault: null } },
        },
      ],
    },
    { name: 'az aks show with null', resources: [cliCluster('aks1', { diskEncryptionSetId: null })], findings: [{ field: 'diskEncryptionSetId' }] },
    // The field is named as the CLI prints it, not in the ARM spelling diskEncryptionSetID.
    { name: 'az aks show without the key', resources: [cliCluster('aks1', {})], findings: [{ field: 'diskEncryptionSetId', verify: /--query diskEncryptionSetId$/ }] },
    { name: 'an empty string', resources: [templateCluster('aks1', { diskEncryptionSetID: '' })], findings: [{ field: 'properties.diskEncryptionSetID', evidence: { observed: '' } }] },
    { name: 'Terraform without the attribute', resources: [tfCluster('main', {})], findings: [{ field: 'disk_encryption_set_id' }] },
    {
      name: 'unknown: resourceId() of a resource the template does not define',
      resources: [templateCluster('aks1', { diskEncryptionSetID: unknown('reference to a resource outside the template') })],
      findings: [{ severity: 'info', message: /outside the template/ }],
    },
  ],
});
