import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { DEFAULT_SETTINGS } from '../../src/core/settings.js';

describe('aks settings in .palisade.yaml', () => {
  it('defaults', () => {
    expect(DEFAULT_SETTINGS.aks).toEqual({ minKubernetesVersion: '1.34', auditRetentionDays: 90, requireFips: false });
    expect(parseConfig({}).config?.settings.aks).toBeUndefined();
  });

  it('fills what a partial aks block leaves out with the defaults', () => {
    const { config, problems } = parseConfig({ settings: { aks: { requireFips: true } } });
    expect(problems).toEqual([]);
    expect(config?.settings.aks).toEqual({ minKubernetesVersion: '1.34', auditRetentionDays: 90, requireFips: true });
  });

  it('accepts major.minor and major.minor.patch minimums', () => {
    for (const v of ['1.35', 'v1.33.4']) expect(parseConfig({ settings: { aks: { minKubernetesVersion: v } } }).problems).toEqual([]);
  });

  it('refuses what is not a version, a day count or a boolean', () => {
    const { problems } = parseConfig({ settings: { aks: { minKubernetesVersion: 'latest', auditRetentionDays: 0, requireFips: 'yes', extra: 1 } } });
    expect(problems.join('\n')).toMatch(/settings\.aks\.minKubernetesVersion: minKubernetesVersion must be a Kubernetes version/);
    expect(problems.join('\n')).toMatch(/settings\.aks\.auditRetentionDays/);
    expect(problems.join('\n')).toMatch(/settings\.aks\.requireFips/);
    expect(problems.join('\n')).toMatch(/extra/);
  });
});
