import type { TokenCredential } from '@azure/identity';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../../core/errors.js';
import type { RecordSink } from './records.js';
import { readInput } from '../stream.js';
import { emptyCheckpoint, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.js';

/** The containers a diagnostic setting writes kube-audit logs to; kube-audit-admin is a subset of kube-audit. */
const ADMIN_CONTAINER = 'insights-logs-kube-audit-admin';
export const AUDIT_CONTAINERS = ['insights-logs-kube-audit', ADMIN_CONTAINER];

export interface BlobSourceOptions {
  /** `https://ACCOUNT.blob.core.windows.net` (or an emulator's `http://127.0.0.1:PORT/ACCOUNT`). */
  accountUrl: string;
  /** The container; default kube-audit's, else kube-audit-admin's, whichever exists first. */
  container?: string;
  /** Only blobs whose name starts with this (`resourceId=/SUBSCRIPTIONS/.../MANAGEDCLUSTERS/NAME/`). */
  prefix?: string;
  /** Skip blobs of hours before this (blob names carry y=/m=/d=/h=). */
  since?: Date;
  checkpointFile?: string;
  /** Keep polling for new blobs and appended lines until `signal` aborts. */
  follow?: boolean;
  pollMs?: number;
  signal: AbortSignal;
  /** Runs after each piece (flush alerts) before the checkpoint is saved. */
  afterChunk: () => Promise<void>;
  /** How to authenticate (see `blobService`). */
  auth: BlobAuth;
  /** Told what the reading cannot see (kube-audit-admin's container picked for want of kube-audit's). */
  onWarning?: (message: string) => void;
}

export type BlobAuth = { connectionString: string } | { accountKey: string } | { credential: TokenCredential };

/** The account name of an account URL: the host's first label, or the first path segment of an emulator URL. */
export function accountName(url: URL): string {
  if (/^\d+\.\d+\.\d+\.\d+$|^localhost$|^\[/.test(url.hostname)) return url.pathname.split('/').filter(Boolean)[0] ?? '';
  return url.hostname.split('.')[0] ?? '';
}

async function blobService(accountUrl: string, auth: BlobAuth): Promise<BlobServiceClient> {
  const { BlobServiceClient, StorageSharedKeyCredential } = await import('@azure/storage-blob');
  if ('connectionString' in auth) return BlobServiceClient.fromConnectionString(auth.connectionString);
  if ('accountKey' in auth) return new BlobServiceClient(accountUrl, new StorageSharedKeyCredential(accountName(new URL(accountUrl)), auth.accountKey));
  return new BlobServiceClient(accountUrl, auth.credential);
}

/** A container named by its URL (`https://ACCOUNT.blob.core.windows.net/CONTAINER`, or an emulator's `http://127.0.0.1:PORT/ACCOUNT/CONTAINER`). */
export async function containerClient(containerUrl: string, auth: BlobAuth): Promise<ContainerClient> {
  const url = new URL(containerUrl);
  const parts = url.pathname.split('/').filter(Boolean);
  const name = parts.pop();
  const emulator = /^\d+\.\d+\.\d+\.\d+$|^localhost$|^\[/.test(url.hostname);
  if (!name || (emulator && parts.length === 0)) throw new UsageError(`${containerUrl} names no container (https://ACCOUNT.blob.core.windows.net/CONTAINER)`);
  url.pathname = `/${parts.join('/')}`;
  const service = await blobService(url.toString().replace(/\/+$/, ''), auth);
  return service.getContainerClient(name);
}

/** The hour a blob holds, from `.../y=2026/m=11/d=02/h=10/m=00/PT1H.json`. */
export function blobHour(name: string): number | undefined {
  const m = /y=(\d{4})\/m=(\d{2})\/d=(\d{2})\/h=(\d{2})/.exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4])) : undefined;
}

/**
 * Passes a blob's bytes on in pieces that end at a line end, holding back a last line still being
 * appended, and says after each piece how far (bytes, lines) the input has been consumed.
 */
async function* completeLines(body: AsyncIterable<Buffer>, final: boolean, onPiece: (bytes: number, lines: number) => void): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of body) {
    const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const end = data.lastIndexOf(10);
    if (end < 0) {
      carry = data;
      continue;
    }
    const piece = data.subarray(0, end + 1);
    carry = Buffer.from(data.subarray(end + 1));
    let lines = 0;
    for (let i = piece.indexOf(10); i >= 0; i = piece.indexOf(10, i + 1)) lines++;
    // Counted before the piece is read: the consumer's afterChunk runs once it has been.
    onPiece(piece.length, lines);
    yield piece;
  }
  // A blob whose hour is long over will not grow: its last line is complete even without a line end.
  if (final && carry.length) {
    onPiece(carry.length, 1);
    yield carry;
  }
}

async function pickContainer(service: BlobServiceClient, wanted: string | undefined): Promise<ContainerClient> {
  if (wanted) return service.getContainerClient(wanted);
  for (const name of AUDIT_CONTAINERS) {
    const c = service.getContainerClient(name);
    if (await c.exists()) return c;
  }
  throw new UsageError(`no ${AUDIT_CONTAINERS.join(' or ')} container in the storage account; is the cluster's kube-audit diagnostic setting sending logs to it? (--container names another)`);
}

/**
 * Reads the kube-audit blobs of a storage account, oldest hour first, each from where the checkpoint
 * says reading stopped; with `follow`, keeps polling for appended lines and new hours. Hands events
 * to the sink; saves the checkpoint after every piece once `afterChunk` (which writes the alerts)
 * is done, so a restart neither repeats nor loses events.
 */
export async function readBlobs(opts: BlobSourceOptions, kind: Parameters<typeof readInput>[2], sink: RecordSink): Promise<void> {
  const service = await blobService(opts.accountUrl, opts.auth);
  const container = await pickContainer(service, opts.container);
  if (opts.container === undefined && container.containerName === ADMIN_CONTAINER) {
    opts.onWarning?.(
      `reading ${ADMIN_CONTAINER}: kube-audit-admin leaves out get and list requests, so secret reads and exec, attach and port-forward opened by kubectl 1.30 or later (a WebSocket GET) cannot be seen; send kube-audit to the account for those`,
    );
  }
  const sourceId = `${opts.accountUrl.replace(/\/+$/, '')}/${container.containerName}`;
  const cp: Checkpoint = opts.checkpointFile ? loadCheckpoint(opts.checkpointFile, sourceId) : emptyCheckpoint(sourceId);
  const since = opts.since?.getTime();
  do {
    const seen = new Set<string>();
    const names: Array<{ name: string; size: number }> = [];
    for await (const b of container.listBlobsFlat(opts.prefix ? { prefix: opts.prefix } : {})) {
      seen.add(b.name);
      const hour = blobHour(b.name);
      if (since !== undefined && hour !== undefined && hour + 3_600_000 <= since) continue;
      names.push({ name: b.name, size: b.properties.contentLength ?? 0 });
    }
    names.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const { name, size } of names) {
      if (opts.signal.aborted) break;
      let at = cp.blobs[name] ?? { offset: 0, line: 1 };
      // A blob that shrank was replaced: read it again from the start.
      if (size < at.offset) at = { offset: 0, line: 1 };
      if (size === at.offset) continue;
      const download = await container.getBlobClient(name).download(at.offset, undefined, { abortSignal: opts.signal });
      const body = download.readableStreamBody as AsyncIterable<Buffer> | undefined;
      if (!body) continue;
      let pending = { offset: at.offset, line: at.line };
      const source = `${container.containerName}/${name}`;
      const hour = blobHour(name);
      const final = hour !== undefined && Date.now() > hour + 2 * 3_600_000;
      try {
        await readInput(completeLines(body, final, (bytes, lines) => (pending = { offset: pending.offset + bytes, line: pending.line + lines })), source, kind, sink, {
          startLine: at.line,
          afterChunk: async () => {
            await opts.afterChunk();
            if (pending.offset === (cp.blobs[name]?.offset ?? 0)) return;
            cp.blobs[name] = pending;
            if (opts.checkpointFile) saveCheckpoint(opts.checkpointFile, cp);
          },
        });
      } catch (e) {
        // Stopping mid-download is not a failure: the checkpoint holds what was read.
        if (opts.signal.aborted) break;
        throw e;
      }
    }
    // Blobs the storage account's retention deleted need no checkpoint.
    for (const name of Object.keys(cp.blobs)) if (!seen.has(name)) delete cp.blobs[name];
    if (opts.checkpointFile) saveCheckpoint(opts.checkpointFile, cp);
    if (!opts.follow || opts.signal.aborted) break;
    try {
      await sleep(opts.pollMs ?? 30_000, undefined, { signal: opts.signal });
    } catch {
      break;
    }
  } while (!opts.signal.aborted);
}
