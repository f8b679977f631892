import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputError } from '../core/errors.js';
import { importPaths, type ImportOptions } from './import.js';
import type { ImportCounts, VulnStore } from './store.js';

/**
 * `palisade db update`: downloads osv.dev's `<url>/<Ecosystem>/all.zip` exports, skipping those the
 * server says are unchanged (ETag / Last-Modified), and imports them. One ecosystem failing does not
 * stop the others.
 */

export const DEFAULT_OSV_URL = 'https://osv-vulnerabilities.storage.googleapis.com';

/**
 * The OS ecosystems Palisade reads images of (every one `osvEcosystemFor` maps an os-release to), then the
 * language ecosystems it reads packages of: osv.dev's export folder names, which are the ecosystem names
 * without their `:release` suffix.
 */
export const DEFAULT_ECOSYSTEMS = [
  'Debian',
  'Ubuntu',
  'Alpine',
  'Red Hat',
  'AlmaLinux',
  'Rocky Linux',
  'Azure Linux',
  'Wolfi',
  'Chainguard',
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'NuGet',
  'RubyGems',
  'crates.io',
] as const;

export interface UpdateOptions {
  url?: string;
  ecosystems?: readonly string[];
  /** Largest download accepted, in bytes. */
  maxBytes?: number;
  /** Per-download time limit. */
  timeoutMs?: number;
  import?: ImportOptions;
  onEcosystem?: (ecosystem: string, url: string) => void;
}

export interface EcosystemUpdate {
  ecosystem: string;
  url: string;
  outcome: 'updated' | 'unchanged' | 'failed';
  counts?: ImportCounts;
  error?: string;
}

export interface UpdateResult {
  ecosystems: EcosystemUpdate[];
  /** Download failures and malformed records, each naming its URL. */
  errors: InputError[];
}

export const DEFAULT_MAX_DOWNLOAD = 3 * 1024 ** 3;

export function exportUrl(base: string, ecosystem: string): string {
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(ecosystem)}/all.zip`;
}

class DownloadError extends Error {}

async function download(url: string, file: string, previous: { etag?: string; lastModified?: string } | undefined, maxBytes: number, timeoutMs: number) {
  const headers: Record<string, string> = {};
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  else if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    throw new DownloadError(`cannot fetch: ${e instanceof Error ? e.message : String(e)}${cause}`);
  }
  if (res.status === 304) {
    await res.body?.cancel();
    return { changed: false as const };
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new DownloadError(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new DownloadError(`download of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  if (!res.body) throw new DownloadError('empty response');
  const out = await open(file, 'w');
  let received = 0;
  try {
    for await (const chunk of res.body) {
      received += chunk.byteLength;
      if (received > maxBytes) throw new DownloadError(`download is over the ${maxBytes}-byte limit`);
      await out.write(chunk);
    }
  } catch (e) {
    await res.body.cancel().catch(() => undefined);
    if (e instanceof DownloadError) throw e;
    throw new DownloadError(`download cut short after ${received} bytes (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    await out.close();
  }
  if (Number.isFinite(declared) && received !== declared) throw new DownloadError(`download cut short: ${received} of ${declared} bytes`);
  return { changed: true as const, etag: res.headers.get('etag') ?? undefined, lastModified: res.headers.get('last-modified') ?? undefined };
}

export async function updateDb(store: VulnStore, opts: UpdateOptions = {}): Promise<UpdateResult> {
  const base = opts.url ?? DEFAULT_OSV_URL;
  const result: UpdateResult = { ecosystems: [], errors: [] };
  const dir = mkdtempSync(join(tmpdir(), 'palisade-osv-'));
  try {
    for (const ecosystem of opts.ecosystems ?? DEFAULT_ECOSYSTEMS) {
      const url = exportUrl(base, ecosystem);
      opts.onEcosystem?.(ecosystem, url);
      const file = join(dir, 'all.zip');
      try {
        const previous = store.download(url);
        const got = await download(url, file, previous, opts.maxBytes ?? DEFAULT_MAX_DOWNLOAD, opts.timeoutMs ?? 30 * 60_000);
        if (!got.changed) {
          store.saveDownload(url, previous?.etag, previous?.lastModified);
          result.ecosystems.push({ ecosystem, url, outcome: 'unchanged' });
          continue;
        }
        const imported = importPaths(store, [file], { ...opts.import, sourceName: url });
        for (const e of imported.errors) result.errors.push(e);
        if (imported.unreadable > 0) {
          const message = imported.errors.find((e) => e.source === url)?.message ?? 'cannot read the download';
          result.ecosystems.push({ ecosystem, url, outcome: 'failed', error: message, counts: imported.counts });
          continue;
        }
        // Validators are saved only after a good import, so a failed one is fetched again next time.
        store.saveDownload(url, got.etag, got.lastModified);
        result.ecosystems.push({ ecosystem, url, outcome: 'updated', counts: imported.counts });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        result.errors.push({ source: url, message });
        result.ecosystems.push({ ecosystem, url, outcome: 'failed', error: message });
      } finally {
        rmSync(file, { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
