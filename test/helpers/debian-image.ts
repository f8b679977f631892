/**
 * A real Debian image for the end-to-end image tests and the image bench: a minbase root filesystem made
 * by Debian's `debootstrap`, packed into an OCI layout by `umoci`, and (for registry pulls) pushed by
 * `skopeo` into Debian's `docker-registry` listening on 127.0.0.1. The root filesystem and the layout
 * are built once per machine and kept under the temp directory, since debootstrap downloads ~90 packages.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const SUITE = process.env.PALISADE_TEST_DEBIAN_SUITE ?? 'bookworm';
const MIRROR = process.env.PALISADE_TEST_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

export interface DebianImage {
  /** The unpacked root filesystem (what `dpkg-query --admindir` reads). */
  rootfs: string;
  /** OCI image layout directory holding the image under the tag `SUITE`. */
  layout: string;
  tag: string;
}

function which(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const path = join(dir, binary);
    if (dir !== '' && existsSync(path)) return path;
  }
  for (const dir of ['/usr/sbin', '/sbin', '/usr/bin']) if (existsSync(join(dir, binary))) return join(dir, binary);
  return undefined;
}

/** Why the real-image tests cannot run here, or undefined when they can. */
export function debianImageUnavailable(): string | undefined {
  const missing = ['debootstrap', 'umoci', 'skopeo', 'docker-registry', 'dpkg-query'].filter((b) => which(b) === undefined);
  if (missing.length > 0) return `missing ${missing.join(', ')} (Debian packages)`;
  // debootstrap mounts and chroots: it needs root.
  if (process.getuid?.() !== 0) return 'debootstrap needs root';
  return undefined;
}

/** Builds (or reuses) the Debian root filesystem and its OCI layout. */
export async function debianImage(): Promise<DebianImage> {
  const base = join(tmpdir(), `palisade-debian-${SUITE}-minbase`);
  const rootfs = join(base, 'rootfs');
  const layout = join(base, 'oci');
  const done = join(base, 'complete');
  if (!existsSync(done)) {
    rmSync(base, { recursive: true, force: true });
    mkdirSync(base, { recursive: true });
    await run(which('debootstrap') ?? 'debootstrap', ['--variant=minbase', SUITE, rootfs, MIRROR], { maxBuffer: 64 << 20 });
    await run('umoci', ['init', '--layout', layout]);
    await run('umoci', ['new', '--image', `${layout}:${SUITE}`]);
    await run('umoci', ['insert', '--rootless', '--image', `${layout}:${SUITE}`, rootfs, '/'], { maxBuffer: 64 << 20 });
    writeFileSync(done, new Date().toISOString());
  }
  return { rootfs, layout, tag: SUITE };
}

/** `Package Version` lines as dpkg itself lists the root filesystem's installed packages, sorted. */
export async function dpkgInstalled(rootfs: string): Promise<string[]> {
  const { stdout } = await run('dpkg-query', ['--admindir', join(rootfs, 'var/lib/dpkg'), '-W', '-f', '${db:Status-Abbrev}\t${Package}\t${Version}\n'], {
    maxBuffer: 16 << 20,
  });
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('ii'))
    .map((l) => l.split('\t').slice(1).join(' '))
    .sort();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface LocalRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  stop(): Promise<void>;
}

/** Starts Debian's docker-registry on 127.0.0.1 with storage in a fresh temp directory. */
export async function startRegistry(): Promise<LocalRegistry> {
  const port = await freePort();
  const dir = join(tmpdir(), `palisade-registry-${process.pid}-${port}`);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`, 'http:', `  addr: 127.0.0.1:${port}`, ''].join('\n'),
  );
  const child: ChildProcess = spawn(which('docker-registry') ?? 'docker-registry', ['serve', config], { stdio: 'ignore' });
  const host = `127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://${host}/v2/`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    async stop() {
      child.kill();
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Copies the layout's image into the registry as `REPO:TAG` with skopeo (plain HTTP on loopback). */
export async function pushToRegistry(image: DebianImage, registry: LocalRegistry, repo: string): Promise<string> {
  const ref = `${registry.host}/${repo}:${image.tag}`;
  await run('skopeo', ['copy', '--dest-tls-verify=false', `oci:${image.layout}:${image.tag}`, `docker://${ref}`], { maxBuffer: 16 << 20 });
  return ref;
}
