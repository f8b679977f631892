import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { openImage } from '../../../src/ingest/image/open.js';
import { imageRefFromString } from '../../../src/ingest/image/ref.js';
import { RegistryClient } from '../../../src/ingest/image/registry.js';
import { readImageFiles } from '../../../src/ingest/image/walker.js';
import { buildImage, buildIndex, tarOf, type BuiltImage } from './build.js';
import { startFakeRegistry, type FakeRegistry, type FakeRegistryOptions } from './fake-registry.js';

let tmp: string;
let amd: BuiltImage;
let arm: BuiltImage;
const registries: FakeRegistry[] = [];
const wantRelease = (f: { path: string }) => f.path === 'etc/os-release';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'palisade-reg-'));
  amd = buildImage([await tarOf([{ name: 'etc/os-release', content: 'ID=alpine\nARCH=amd64\n' }])]);
  arm = buildImage([await tarOf([{ name: 'etc/os-release', content: 'ID=alpine\nARCH=arm64\n' }])], {
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    docker: true,
  });
});

afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function registryWith(opts: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const reg = await startFakeRegistry(opts);
  registries.push(reg);
  for (const img of [amd, arm]) {
    reg.putManifest('team/app', img.manifestDigest, img.manifest, img.manifestMediaType);
    for (const [d, b] of img.blobs) reg.putBlob(d, b);
  }
  reg.putManifest('team/app', '1', amd.manifest, amd.manifestMediaType);
  const index = buildIndex([amd, arm]);
  reg.putManifest('team/app', 'multi', index.body, index.mediaType);
  reg.putManifest('team/app', index.digest, index.body, index.mediaType);
  return reg;
}

async function dockerConfig(content: object): Promise<string> {
  const dir = await mkdtemp(join(tmp, 'docker-'));
  await writeFile(join(dir, 'config.json'), JSON.stringify(content));
  return dir;
}

const noConfig = () => join(tmp, 'no-docker-config');

describe('registry: anonymous pulls', () => {
  it('pulls by tag: asks for OCI and Docker manifests and indexes, follows the blob redirect without credentials', async () => {
    const reg = await registryWith();
    const source = await openImage(`${reg.host}/team/app:1`, { dockerConfigDir: noConfig() });
    expect(source).toMatchObject({ kind: 'registry', ref: `${reg.host}/team/app:1`, manifestDigest: amd.manifestDigest, configDigest: amd.configDigest });
    const r = await readImageFiles(source, wantRelease);
    expect(r.files.get('etc/os-release')?.toString()).toContain('ARCH=amd64');
    const accept = reg.log.find((l) => l.url === '/v2/team/app/manifests/1')?.accept ?? '';
    for (const t of [
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    ]) {
      expect(accept).toContain(t);
    }
    expect(reg.storageLog.map((l) => l.url)).toEqual([`/storage/${encodeURIComponent(amd.configDigest)}`, `/storage/${encodeURIComponent(amd.layers[0]?.digest ?? '')}`]);
  });

  it('pulls by digest and picks the platform from a multi-arch index', async () => {
    const reg = await registryWith();
    const byDigest = await openImage(`docker://${reg.host}/team/app@${arm.manifestDigest}`, { dockerConfigDir: noConfig() });
    expect(byDigest.config.architecture).toBe('arm64');
    const def = await openImage(`${reg.host}/team/app:multi`, { dockerConfigDir: noConfig() });
    expect(def.manifestDigest).toBe(amd.manifestDigest);
    const armSource = await openImage(`${reg.host}/team/app:multi`, { platform: 'linux/arm64/v8', dockerConfigDir: noConfig() });
    expect(armSource.manifestDigest).toBe(arm.manifestDigest);
    expect((await readImageFiles(armSource, wantRelease)).files.get('etc/os-release')?.toString()).toContain('ARCH=arm64');
    await expect(openImage(`${reg.host}/team/app:multi`, { platform: 'windows/amd64', dockerConfigDir: noConfig() })).rejects.toThrow(
      `${reg.host}/team/app:multi: no image for platform windows/amd64; the index offers linux/amd64, linux/arm64/v8`,
    );
  });

  it('answers HEAD and reports unknown manifests with the registry error', async () => {
    const reg = await registryWith();
    const client = new RegistryClient(imageRefFromString(`${reg.host}/team/app:1`), { dockerConfigDir: noConfig() });
    expect(await client.head('1')).toMatchObject({ mediaType: amd.manifestMediaType });
    expect(await client.head('nope')).toBeUndefined();
    await expect(openImage(`${reg.host}/team/app:nope`, { dockerConfigDir: noConfig() })).rejects.toThrow(/manifest nope: HTTP 404 \(MANIFEST_UNKNOWN: manifest unknown: nope\)/);
  });

  it('refuses a manifest whose bytes do not match the digest asked for', async () => {
    const reg = await registryWith();
    reg.putManifest('team/app', arm.manifestDigest, amd.manifest, amd.manifestMediaType);
    await expect(openImage(`${reg.host}/team/app@${arm.manifestDigest}`, { dockerConfigDir: noConfig() })).rejects.toThrow(
      `manifest ${arm.manifestDigest} does not match its digest`,
    );
  });

  it('fails a tampered layer blob while streaming it, naming the blob', async () => {
    const reg = await registryWith();
    const layer = amd.layers[0];
    reg.putBlob(layer?.digest ?? '', Buffer.alloc(layer?.blob.length ?? 0, 1));
    const r = await readImageFiles(await openImage(`${reg.host}/team/app:1`, { dockerConfigDir: noConfig() }), wantRelease);
    expect(r.complete).toBe(false);
    expect(r.errors[0]).toContain(`blob ${layer?.digest} does not match its digest`);
  });

  it('uses https for registries off loopback unless insecure is set', async () => {
    const urls: string[] = [];
    const fetchStub = (async (url: string | URL) => {
      urls.push(String(url));
      throw new Error('offline');
    }) as typeof fetch;
    await expect(openImage('registry.example.com/app:1', { fetch: fetchStub, dockerConfigDir: noConfig() })).rejects.toThrow(/cannot reach https:\/\/registry.example.com/);
    await expect(openImage('registry.example.com/app:1', { fetch: fetchStub, insecure: true, dockerConfigDir: noConfig() })).rejects.toThrow(/cannot reach http:\/\/registry.example.com/);
    await expect(openImage('alpine', { fetch: fetchStub, dockerConfigDir: noConfig() })).rejects.toThrow(/docker.io\/library\/alpine:latest/);
    expect(urls).toEqual([
      'https://registry.example.com/v2/app/manifests/1',
      'http://registry.example.com/v2/app/manifests/1',
      'https://registry-1.docker.io/v2/library/alpine/manifests/latest',
    ]);
  });
});

describe('registry: authentication', () => {
  it('gets an anonymous Bearer token from the challenge realm with service and scope', async () => {
    const reg = await registryWith({ auth: 'bearer' });
    const r = await readImageFiles(await openImage(`${reg.host}/team/app:1`, { dockerConfigDir: noConfig() }), wantRelease);
    expect(r.errors).toEqual([]);
    const token = reg.log.find((l) => l.url.startsWith('/token'));
    expect(token?.url).toBe('/token?service=fake-registry&scope=repository%3Ateam%2Fapp%3Apull');
    expect(token?.authorization).toBeUndefined();
    expect(reg.log.filter((l) => l.url.startsWith('/token'))).toHaveLength(1);
    expect(reg.storageLog.every((l) => l.authorization === undefined)).toBe(true);
  });

  it('logs in to the token endpoint with credentials from docker config.json auths', async () => {
    const reg = await registryWith({ auth: 'bearer', user: { username: 'ci', password: 's3cret' } });
    const dir = await dockerConfig({ auths: { [reg.host]: { auth: Buffer.from('ci:s3cret').toString('base64') } } });
    const source = await openImage(`${reg.host}/team/app:1`, { dockerConfigDir: dir });
    expect(source.manifestDigest).toBe(amd.manifestDigest);
    expect(reg.log.find((l) => l.url.startsWith('/token'))?.authorization).toBe(`Basic ${Buffer.from('ci:s3cret').toString('base64')}`);
    const wrong = await dockerConfig({ auths: { [reg.host]: { auth: Buffer.from('ci:wrong').toString('base64') } } });
    await expect(openImage(`${reg.host}/team/app:1`, { dockerConfigDir: wrong })).rejects.toThrow(/authentication failed: .*token endpoint .* answered HTTP 401/);
  });

  it('reads DOCKER_CONFIG when no directory is given', async () => {
    const reg = await registryWith({ auth: 'basic', user: { username: 'u', password: 'p' } });
    const dir = await dockerConfig({ auths: { [`https://${reg.host}`]: { username: 'u', password: 'p' } } });
    const saved = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = dir;
    try {
      expect((await openImage(`${reg.host}/team/app:1`)).manifestDigest).toBe(amd.manifestDigest);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = saved;
    }
  });

  it('answers a Basic challenge, and says when there are no credentials', async () => {
    const reg = await registryWith({ auth: 'basic', user: { username: 'u', password: 'p' } });
    const source = await openImage(`${reg.host}/team/app:1`, { credential: { username: 'u', password: 'p' } });
    expect((await readImageFiles(source, wantRelease)).files.get('etc/os-release')).toBeDefined();
    expect(reg.storageLog.every((l) => l.authorization === undefined)).toBe(true);
    await expect(openImage(`${reg.host}/team/app:1`, { dockerConfigDir: noConfig() })).rejects.toThrow(
      /requires basic authentication and no credentials were found/,
    );
  });

  it('runs docker-credential-<helper> get for credHelpers entries', async () => {
    const reg = await registryWith({ auth: 'bearer', user: { username: 'helper-user', password: 'helper-pass' } });
    const bin = join(tmp, 'bin');
    await mkdir(bin, { recursive: true });
    const script = join(bin, 'docker-credential-palisadetest');
    await writeFile(script, `#!/bin/sh\nread server\necho "{\\"ServerURL\\":\\"$server\\",\\"Username\\":\\"helper-user\\",\\"Secret\\":\\"helper-pass\\"}"\n`);
    await chmod(script, 0o755);
    const dir = await dockerConfig({ credHelpers: { [reg.host]: 'palisadetest' } });
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${savedPath ?? ''}`;
    try {
      expect((await openImage(`${reg.host}/team/app:1`, { dockerConfigDir: dir })).manifestDigest).toBe(amd.manifestDigest);
    } finally {
      process.env.PATH = savedPath;
    }
    expect(reg.log.find((l) => l.url.startsWith('/token'))?.authorization).toBe(`Basic ${Buffer.from('helper-user:helper-pass').toString('base64')}`);
  });

  it('exchanges an Entra token for ACR refresh and access tokens', async () => {
    const payload = Buffer.from(JSON.stringify({ tid: 'tenant-123' })).toString('base64url');
    const entra = `e30.${payload}.sig`;
    const reg = await registryWith({ auth: 'acr', entraToken: entra });
    const scopes: string[] = [];
    const credential: TokenCredential = {
      getToken: async (scope): Promise<AccessToken> => {
        scopes.push(String(scope));
        return { token: entra, expiresOnTimestamp: Date.now() + 3600_000 };
      },
    };
    const source = await openImage(`${reg.host}/team/app:1`, { acr: true, azureCredential: credential, dockerConfigDir: noConfig() });
    expect((await readImageFiles(source, wantRelease)).files.get('etc/os-release')?.toString()).toContain('ID=alpine');
    expect(scopes).toEqual(['https://containerregistry.azure.net/.default']);
    const exchange = new URLSearchParams(reg.log.find((l) => l.url === '/oauth2/exchange')?.body);
    expect(Object.fromEntries(exchange)).toEqual({ grant_type: 'access_token', service: reg.host, tenant: 'tenant-123', access_token: entra });
    const token = new URLSearchParams(reg.log.find((l) => l.url === '/oauth2/token')?.body);
    expect(token.get('grant_type')).toBe('refresh_token');
    expect(token.get('scope')).toBe('repository:team/app:pull');
    expect(token.get('refresh_token')).toBe('acr-refresh');
  });
});
