import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { DEFAULT_SETTINGS } from '../../src/core/settings.js';

describe('image settings in .palisade.yaml', () => {
  it('defaults: latest is the only mutable tag, nothing is exempt from digest pinning', () => {
    expect(DEFAULT_SETTINGS.mutableTags).toEqual(['latest']);
    expect(DEFAULT_SETTINGS.digestExemptImages).toEqual([]);
  });

  it('accepts tags, tag wildcards and repository globs', () => {
    const { config, problems } = parseConfig({
      settings: { mutableTags: ['latest', 'stable', 'main', 'dev-*'], digestExemptImages: ['mcr.microsoft.com/oss/*', 'nginx'] },
    });
    expect(problems).toEqual([]);
    expect(config?.settings).toEqual({ mutableTags: ['latest', 'stable', 'main', 'dev-*'], digestExemptImages: ['mcr.microsoft.com/oss/*', 'nginx'] });
  });

  it('refuses what cannot be a tag or a repository', () => {
    const { problems } = parseConfig({ settings: { mutableTags: ['nginx:latest', ''], digestExemptImages: ['nginx@sha256:abc', 3] } });
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^settings\.mutableTags\.0: a mutable tag is a tag/);
    expect(problems[2]).toMatch(/^settings\.digestExemptImages\.0: /);
  });
});
