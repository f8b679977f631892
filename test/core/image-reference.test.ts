import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPullPolicy, isValidDigest, mutableTagOf, parseImageReference, registryMatches, repositoryMatches, repositoryNames } from '../../src/core/image-reference.js';

const SHA = 'a'.repeat(64);

describe('parseImageReference', () => {
  it.each([
    ['nginx', { registry: 'docker.io', registryExplicit: false, repository: 'library/nginx' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['bitnami/redis:7.2', { registry: 'docker.io', registryExplicit: false, repository: 'bitnami/redis', tag: '7.2' }],
    ['docker.io/library/nginx:latest', { registry: 'docker.io', registryExplicit: true, repository: 'library/nginx', tag: 'latest' }],
    ['index.docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['myreg:5000/app', { registry: 'myreg:5000', registryExplicit: true, repository: 'app' }],
    ['myreg:5000/team/app:2.1', { registry: 'myreg:5000', repository: 'team/app', tag: '2.1' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['Shop.AzureCR.io/web:1', { registry: 'shop.azurecr.io', repository: 'web', tag: '1' }],
    [`mcr.microsoft.com/oss/nginx:1.25@sha256:${SHA}`, { registry: 'mcr.microsoft.com', repository: 'oss/nginx', tag: '1.25', digest: `sha256:${SHA}` }],
    [`nginx@sha256:${SHA}`, { repository: 'library/nginx', digest: `sha256:${SHA}` }],
    ['[::1]:5000/app:v1', { registry: '[::1]:5000', repository: 'app', tag: 'v1' }],
  ])('%s', (image, want) => {
    const ref = parseImageReference(image);
    expect(ref).toMatchObject(want);
    if (!('tag' in want)) expect(ref?.tag).toBeUndefined();
  });

  it.each(['', ' nginx', 'nginx ', '{{ .Values.image }}', 'app:${TAG}', 'Nginx', 'nginx:', 'nginx@', 'nginx@sha256', 'shop.azurecr.io/', 'a//b', 'bad_host.io:x/app'])(
    'rejects %j',
    (image) => expect(parseImageReference(image)).toBeUndefined(),
  );

  it('never throws and always names a lowercase registry', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const ref = parseImageReference(s);
        if (ref) expect(ref.registry).toBe(ref.registry.toLowerCase());
      }),
    );
  });
});

describe('isValidDigest', () => {
  it.each([
    [`sha256:${SHA}`, true],
    [`sha512:${'b'.repeat(128)}`, true],
    [`blake3:${'c'.repeat(64)}`, true],
    ['custom+alg.v2:AbC=_-', true],
    [`sha256:${SHA.slice(1)}`, false],
    [`sha256:${SHA.toUpperCase()}`, false],
    ['sha512:abc', false],
    ['SHA256:abc', false],
    ['sha256:', false],
  ])('%s → %s', (digest, ok) => expect(isValidDigest(digest)).toBe(ok));
});

describe('mutableTagOf (default tags)', () => {
  it.each([
    ['nginx', true],
    ['nginx:latest', true],
    ['nginx:Latest', false],
    ['nginx:1.27', false],
    [`nginx:latest@sha256:${SHA}`, false],
    ['myreg:5000/app', true],
  ])('%s → %s', (image, mutable) => expect(mutableTagOf(parseImageReference(image)!) !== undefined).toBe(mutable));
});

describe('mutableTagOf', () => {
  it.each([
    ['nginx', [], 'latest'],
    ['nginx:latest', [], 'latest'],
    ['nginx:stable', [], undefined],
    ['nginx:stable', ['stable'], 'stable'],
    ['nginx:Stable', ['stable'], undefined],
    [`nginx:stable@sha256:${SHA}`, ['stable'], undefined],
    ['web:dev-42', ['dev-*'], 'dev-42'],
    ['web:release-dev-42', ['dev-*'], undefined],
    ['web:v1', ['v?'], 'v1'],
    ['myreg:5000/app', ['main'], 'latest'],
  ] as const)('%s with %j → %s', (image, tags, want) => expect(mutableTagOf(parseImageReference(image)!, tags)).toBe(want));
});

describe('defaultPullPolicy', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    [`nginx:latest@sha256:${SHA}`, 'Always'],
    [`nginx@sha256:${SHA}`, 'IfNotPresent'],
    ['nginx:1.27', 'IfNotPresent'],
    ['nginx:LATEST', 'IfNotPresent'],
    ['myreg:5000/app', 'Always'],
  ])('%s → %s', (image, want) => expect(defaultPullPolicy(parseImageReference(image)!)).toBe(want));
});

describe('repositoryMatches', () => {
  it('names a repository as written, short and fully qualified', () => {
    expect(repositoryNames(parseImageReference('nginx:1.27')!)).toEqual(['nginx', 'docker.io/library/nginx']);
    expect(repositoryNames(parseImageReference('docker.io/bitnami/redis')!)).toEqual(['docker.io/bitnami/redis', 'bitnami/redis']);
    expect(repositoryNames(parseImageReference('Shop.AzureCR.io/web:1')!)).toEqual(['Shop.AzureCR.io/web', 'shop.azurecr.io/web']);
  });
  it.each([
    ['mcr.microsoft.com/oss/kubernetes/pause:3.9', 'mcr.microsoft.com/oss/*', true],
    ['mcr.microsoft.com/ossx/pause:3.9', 'mcr.microsoft.com/oss/*', false],
    ['mcr.microsoft.com/oss:1', 'mcr.microsoft.com/oss/*', false],
    ['nginx:1.27', 'nginx', true],
    ['index.docker.io/library/nginx:1.27', 'nginx', true],
    ['nginx:1.27', 'docker.io/library/nginx', true],
    ['nginx-unprivileged:1.27', 'nginx', false],
    ['internal-registry/nginx:1.25', 'internal-registry/*', true],
    ['internal-registry-attacker/app', 'internal-registry/*', false],
    ['myreg:5000/team/app:2', 'myreg:5000/*', true],
    ['shop.azurecr.io/web:1', '*.azurecr.io/*', true],
  ])('%s ~ %s → %s', (image, glob, ok) => expect(repositoryMatches(parseImageReference(image)!, [glob])).toBe(ok));
  it('matches nothing with no globs', () => expect(repositoryMatches(parseImageReference('nginx')!, [])).toBe(false));
});

describe('registryMatches', () => {
  it.each([
    ['shop.azurecr.io', '*.azurecr.io', true],
    ['a.b.azurecr.io', '*.azurecr.io', true],
    ['azurecr.io', '*.azurecr.io', false],
    ['evilazurecr.io', '*.azurecr.io', false],
    ['shop.azurecr.io.evil.com', '*.azurecr.io', false],
    ['mcr.microsoft.com', 'mcr.microsoft.com', true],
    ['mcr.microsoft.com', ' MCR.microsoft.com ', true],
    ['myreg:5000', 'myreg', false],
    ['myreg:5000', 'myreg:5000', true],
    ['docker.io', 'index.docker.io', true],
    ['shop.azurecr.io:443', '*.azurecr.io', true],
    ['shop.azurecr.io', '*.azurecr.io:443', true],
    ['mcr.microsoft.com:443', 'mcr.microsoft.com', true],
    ['myreg', 'myreg:443', true],
    ['shop.azurecr.io:4430', '*.azurecr.io', false],
    ['myreg:8443', 'myreg', false],
  ])('%s ~ %s → %s', (registry, pattern, ok) => expect(registryMatches(registry, pattern)).toBe(ok));
});
