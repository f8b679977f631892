import { describe, expect, it } from 'vitest';
import { parseConfig, parseTrustedRegistry } from '../../src/core/config.js';
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

describe('trustedRegistries in .palisade.yaml', () => {
  it('accepts hosts, *.suffix and repository prefixes', () => {
    const trustedRegistries = ['*.azurecr.io', 'mcr.microsoft.com', 'harbor.corp:8443', 'ghcr.io/org/*', 'ghcr.io/org/', 'myacr.azurecr.io/team-a/*', 'docker.io/bitnami', '*.azurecr.io/team-b/'];
    const { config, problems } = parseConfig({ settings: { trustedRegistries } });
    expect(problems).toEqual([]);
    expect(config?.settings.trustedRegistries).toEqual(trustedRegistries);
  });

  it('reads a repository prefix as host, path and whether it stops below the path', () => {
    expect(parseTrustedRegistry('ghcr.io/org/*')).toEqual({ entry: { host: 'ghcr.io', path: 'org', below: true } });
    expect(parseTrustedRegistry('ghcr.io/org/')).toEqual({ entry: { host: 'ghcr.io', path: 'org', below: true } });
    expect(parseTrustedRegistry('MyACR.azurecr.io:443/Team-A')).toEqual({ entry: { host: 'myacr.azurecr.io', path: 'team-a' } });
    expect(parseTrustedRegistry('index.docker.io/library/*')).toEqual({ entry: { host: 'docker.io', path: 'library', below: true } });
    expect(parseTrustedRegistry('ghcr.io/*')).toEqual({ entry: { host: 'ghcr.io' } });
    expect(parseTrustedRegistry('*.azurecr.io')).toEqual({ entry: { host: '*.azurecr.io' } });
  });

  it('refuses entries that can match no image, saying why', () => {
    const entries = ['*', '*/org/*', 'https://ghcr.io', 'ghcr.io/org/*/tool', 'ghcr.io/org-*', 'ghcr.io/org/tool:1.0', 'bitnami/*', '*.', 'gh*cr.io', 'ghcr.io//x', ''];
    const { problems } = parseConfig({ settings: { trustedRegistries: entries } });
    expect(problems).toHaveLength(entries.length);
    expect(problems[0]).toBe('settings.trustedRegistries.0: "*": a lone * would trust every registry: to trust them all, set trustedRegistries to [] (the rule then reports nothing)');
    expect(problems[2]).toBe('settings.trustedRegistries.2: "https://ghcr.io": a registry is a host, without a scheme: ghcr.io');
    expect(problems[3]).toMatch(/only a trailing \/\* is a wildcard/);
    expect(problems[5]).toMatch(/a tag or digest is not part of a trusted repository/);
    expect(problems[6]).toBe(
      'settings.trustedRegistries.6: "bitnami/*": bitnami is not a registry host (it has no dot or port and is not localhost), so images name it as a Docker Hub repository: write docker.io/bitnami/*',
    );
    expect(problems[10]).toMatch(/an empty entry trusts nothing/);
  });
});
