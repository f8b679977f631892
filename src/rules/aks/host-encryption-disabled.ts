import { defineRule } from '../../core/rule.js';
import { fieldOf, flag, observed, POOL_RULE_KINDS, poolsToCheck, reportUnknown } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/host-encryption-disabled',
    title: 'Node pool does not encrypt at host',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: [
      { framework: 'checkov', id: 'CKV_AZURE_227' },
      { framework: 'azure-policy', id: '41425d9f-d1a5-499a-9932-f8ed8453932c' },
    ],
    description:
      'Server-side encryption covers managed disks in storage, but not the VM temp disk nor the OS and data disk ' +
      'caches on the host: those hold pod ephemeral storage, images and swapped data. Encryption at host encrypts ' +
      'them too, and the data flowing to storage. It is off unless set, and every node pool has its own setting.',
    remediation:
      'Register the EncryptionAtHost feature of Microsoft.Compute, then create node pools with ' +
      '--enable-encryption-at-host (enableEncryptionAtHost: true; host_encryption_enabled in Terraform). The ' +
      'setting cannot be changed on an existing pool: add a new pool and move the workloads.',
    references: ['https://learn.microsoft.com/azure/aks/enable-host-encryption'],
  },
  target: { kinds: [...POOL_RULE_KINDS] },
  check(ctx) {
    for (const t of poolsToCheck(ctx.resource, ctx.inventory)) {
      const s = t.pool.get('enableEncryptionAtHost');
      const verify = t.verify('enableEncryptionAtHost');
      if (!s.known) {
        reportUnknown(ctx, t.label, s, true, verify);
        continue;
      }
      if (flag(s) === true) continue;
      ctx.report({
        field: fieldOf(s),
        message: `${t.label} does not encrypt temp disks and disk caches at host (enableEncryptionAtHost ${s.absent ? 'not set, default false' : `is ${JSON.stringify(s.value)}`})`,
        evidence: { observed: observed(s, false), expected: true, nodePool: t.pool.name },
        verify,
      });
    }
  },
});
