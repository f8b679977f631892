import { describe, expect, it } from 'vitest';
import { canonicalImageRef } from '../../../src/core/image-reference.js';
import { formatImageRef, imageRefFromString, manifestReference, registryApiHost } from '../../../src/ingest/image/ref.js';

const normalizeImageRef = (input: string) => {
  try {
    return formatImageRef(imageRefFromString(input));
  } catch {
    return undefined;
  }
};

const digest = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine:latest'],
    ['alpine:3.19', 'docker.io/library/alpine:3.19'],
    ['library/alpine', 'docker.io/library/alpine:latest'],
    ['docker.io/alpine', 'docker.io/library/alpine:latest'],
    ['index.docker.io/library/alpine:3', 'docker.io/library/alpine:3'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['myreg.azurecr.io/team/app:1.2', 'myreg.azurecr.io/team/app:1.2'],
    ['MyReg.AzureCR.io/team/app', 'myreg.azurecr.io/team/app:latest'],
    ['localhost/app', 'localhost/app:latest'],
    ['127.0.0.1:5000/x:1', '127.0.0.1:5000/x:1'],
    [`ghcr.io/org/app@${digest}`, `ghcr.io/org/app@${digest}`],
    [`ghcr.io/org/app:1@${digest}`, `ghcr.io/org/app:1@${digest}`],
    ['docker://quay.io/org/app:v1', 'quay.io/org/app:v1'],
  ])('%s → %s', (input, normalised) => {
    expect(normalizeImageRef(input)).toBe(normalised);
    // The workloads' references are compared in core's canonical form: both must agree.
    if (!input.startsWith('docker://')) expect(canonicalImageRef(input)).toBe(normalised);
  });

  it('keeps the parts apart and says where the API lives', () => {
    const hub = imageRefFromString('alpine');
    expect(hub).toEqual({ registry: 'docker.io', repository: 'library/alpine', tag: 'latest' });
    expect(registryApiHost(hub)).toBe('registry-1.docker.io');
    const pinned = imageRefFromString(`ghcr.io/org/app:1@${digest}`);
    expect(manifestReference(pinned)).toBe(digest);
    expect(formatImageRef({ registry: 'r.io', repository: 'a' })).toBe('r.io/a');
  });

  it.each(['', 'UPPER/case', 'app:bad tag', 'app@sha256:short', 'a//b', 'app:'])('refuses %j', (input) => {
    expect(normalizeImageRef(input)).toBeUndefined();
    expect(() => imageRefFromString(input)).toThrow();
  });
});
