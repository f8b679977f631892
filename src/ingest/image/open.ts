/**
 * One entry point for every image input: a path (docker-save tarball, OCI layout directory or tar), a
 * transport-prefixed name as skopeo writes them (`docker-archive:`, `oci:`, `oci-archive:`, `docker://`), or a
 * registry reference.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DirectoryStore, TarStore } from './blob-store.js';
import { openDockerArchive } from './docker-archive.js';
import { openOciLayout } from './oci-layout.js';
import { DEFAULT_PLATFORM, parsePlatform, type Platform } from './platform.js';
import { imageRefFromString, ImageRefError } from './ref.js';
import { openRegistryImage, type RegistryOptions } from './registry.js';
import { ImageError, type ImageSource } from './source.js';

export interface OpenImageOptions extends Omit<RegistryOptions, 'platform'> {
  /** `os/arch[/variant]` or a parsed Platform; default linux/amd64. */
  platform?: string | Platform;
  /** Which image of a multi-image archive or layout (a RepoTag or ref name); also writable as `PATH:TAG`. */
  tag?: string;
}

async function kindOf(path: string): Promise<'dir' | 'file' | undefined> {
  const s = await stat(path).catch(() => undefined);
  return s?.isDirectory() ? 'dir' : s?.isFile() ? 'file' : undefined;
}

/**
 * `PATH` or `PATH:TAG`: the tag is split off only when the whole string is not itself an existing path,
 * and after the longest part that is one, because a tag may hold colons itself (`docker save` names its
 * images `repo:tag`, so `app.tar:myapp:1.0`). With no such part, after the last colon, as a path to report.
 */
async function pathAndTag(text: string): Promise<{ path: string; tag?: string }> {
  if (await kindOf(text)) return { path: text };
  for (let colon = text.lastIndexOf(':'); colon > 0; colon = text.lastIndexOf(':', colon - 1)) {
    if (await kindOf(text.slice(0, colon))) return { path: text.slice(0, colon), tag: text.slice(colon + 1) };
  }
  const colon = text.lastIndexOf(':');
  if (colon > 0 && !text.slice(colon + 1).includes('/')) return { path: text.slice(0, colon), tag: text.slice(colon + 1) };
  return { path: text };
}

async function openTar(path: string, tag: string | undefined, platform: Platform, display: string): Promise<ImageSource> {
  const store = await TarStore.open(path);
  if (store.has('manifest.json')) return openDockerArchive(path, { ...(tag !== undefined ? { tag } : {}), display });
  if (store.has('index.json')) return openOciLayout(store, 'oci-archive', { ...(tag !== undefined ? { tag } : {}), platform, display });
  throw new ImageError(`${display}: neither a docker save archive (manifest.json) nor an OCI layout (index.json)`);
}

export async function openImage(input: string, opts: OpenImageOptions = {}): Promise<ImageSource> {
  const platform = typeof opts.platform === 'string' ? parsePlatform(opts.platform) : (opts.platform ?? DEFAULT_PLATFORM);
  const prefix = /^(docker-archive|oci-archive|oci|docker):/.exec(input)?.[1];
  const rest = prefix ? input.slice(prefix.length + 1) : input;
  if (prefix === 'docker') return openRegistryImage(imageRefFromString(rest.replace(/^\/\//, '')), { ...opts, platform });
  if (prefix) {
    const { path, tag: inlineTag } = await pathAndTag(rest);
    const tag = opts.tag ?? inlineTag;
    const display = tag !== undefined ? `${path}:${tag}` : path;
    const kind = await kindOf(path);
    if (prefix === 'oci') {
      if (kind !== 'dir') throw new ImageError(`${display}: not a directory`);
      return openOciLayout(new DirectoryStore(path), 'oci-layout', { ...(tag !== undefined ? { tag } : {}), platform, display });
    }
    if (kind !== 'file') throw new ImageError(`${display}: not a file`);
    if (prefix === 'docker-archive') return openDockerArchive(path, { ...(tag !== undefined ? { tag } : {}), display });
    const store = await TarStore.open(path);
    return openOciLayout(store, 'oci-archive', { ...(tag !== undefined ? { tag } : {}), platform, display });
  }
  const local = await pathAndTag(input);
  const kind = await kindOf(local.path);
  // An existing path wins over a registry reference, but only if it can be an image: a directory named like
  // an image (`alpine/`) that holds no OCI layout does not shadow the reference.
  const layoutDir = kind === 'dir' && (await kindOf(join(local.path, 'index.json'))) === 'file';
  if (kind === 'file' || layoutDir) {
    const tag = opts.tag ?? local.tag;
    const display = tag !== undefined ? `${local.path}:${tag}` : local.path;
    if (kind === 'dir') return openOciLayout(new DirectoryStore(local.path), 'oci-layout', { ...(tag !== undefined ? { tag } : {}), platform, display });
    return openTar(local.path, tag, platform, display);
  }
  try {
    return await openRegistryImage(imageRefFromString(input), { ...opts, platform });
  } catch (e) {
    if (e instanceof ImageRefError) throw new ImageError(`${input}: no such file or directory, and not an image reference (${e.message})`);
    throw e;
  }
}
