import { defineRule } from '../../core/rule.js';
import { azurermCannotSet } from './lib/azurerm-gaps.js';
import { fieldOf, flag, isWindows, POOL_RULE_KINDS, poolsToCheck, reportUnknown } from './lib/cluster-settings.js';

const PARTS = [
  { path: 'securityProfile.enableSecureBoot', cli: 'securityProfile.enableSecureBoot', name: 'secure boot' },
  { path: 'securityProfile.enableVTPM', cli: 'securityProfile.enableVtpm', name: 'vTPM' },
] as const;

export default defineRule({
  meta: {
    id: 'aks/trusted-launch-disabled',
    title: 'Node pool does not use Trusted Launch (secure boot, vTPM)',
    severity: 'low',
    pillar: 'configuration',
    frameworks: [],
    description:
      'Trusted Launch protects nodes against boot kits and kernel-level rootkits: secure boot loads only signed ' +
      'boot loaders, kernels and drivers, and the virtual TPM measures the boot chain so it can be attested. ' +
      'Both are off unless set, per node pool. Windows pools are skipped (AKS offers Trusted Launch for Linux ' +
      'Generation 2 VM sizes). The azurerm Terraform provider has no attribute for either: on pools written ' +
      'with it the finding is info and says how to set them outside azurerm.',
    remediation:
      'Create node pools with Trusted Launch (az aks nodepool add --enable-secure-boot --enable-vtpm; ' +
      'securityProfile {enableSecureBoot: true, enableVTPM: true}) on a Generation 2 VM size, or update an ' +
      'existing pool with az aks nodepool update --enable-secure-boot --enable-vtpm. With Terraform (azurerm has ' +
      'no attribute for them), run that command after apply, or manage the agent pool\'s securityProfile with the ' +
      'azapi provider.',
    references: ['https://learn.microsoft.com/azure/aks/use-trusted-launch'],
  },
  target: { kinds: [...POOL_RULE_KINDS] },
  check(ctx) {
    for (const t of poolsToCheck(ctx.resource, ctx.inventory)) {
      if (isWindows(t.pool)) continue;
      const settings = PARTS.map((p) => ({ ...p, s: t.pool.get(p.path) }));
      const unknown = settings.find((x) => !x.s.known);
      const off = settings.filter((x) => x.s.known && flag(x.s) !== true);
      if (off.length === 0) {
        if (unknown) reportUnknown(ctx, t.label, unknown.s, true, t.verify(unknown.cli));
        continue;
      }
      const first = off[0] as (typeof off)[number];
      const outsideAzurerm = off.every((x) => azurermCannotSet(t.pool, x.path, x.s));
      ctx.report({
        field: fieldOf(first.s),
        ...(outsideAzurerm ? { severity: 'info' as const } : {}),
        message:
          `${t.label} does not use Trusted Launch: ${off.map((x) => x.name).join(' and ')} ${off.length > 1 ? 'are' : 'is'} off` +
          (outsideAzurerm
            ? ', and the azurerm provider has no attribute for them: run az aks nodepool update --enable-secure-boot --enable-vtpm ' +
              'after apply (Generation 2 VM size), or set securityProfile with the azapi provider'
            : ''),
        evidence: {
          observed: Object.fromEntries(settings.map((x) => [x.path, x.s.known ? (x.s.absent ? null : x.s.value) : 'unknown'])),
          expected: { 'securityProfile.enableSecureBoot': true, 'securityProfile.enableVTPM': true },
          nodePool: t.pool.name,
        },
        verify: t.verify(first.cli),
      });
    }
  },
});
