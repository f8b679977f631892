import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasMutableTag, isValidDigest, parseImageReference, registryMatches } from '../../../../src/rules/workload/lib/image-reference.js';

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

describe('hasMutableTag', () => {
  it.each([
    ['nginx', true],
    ['nginx:latest', true],
    ['nginx:Latest', false],
    ['nginx:1.27', false],
    [`nginx:latest@sha256:${SHA}`, false],
    ['myreg:5000/app', true],
  ])('%s → %s', (image, mutable) => expect(hasMutableTag(parseImageReference(image)!)).toBe(mutable));
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
  ])('%s ~ %s → %s', (registry, pattern, ok) => expect(registryMatches(registry, pattern)).toBe(ok));
});
