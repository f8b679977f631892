import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InputChunk } from '../stream.js';

const CHUNK = 1 << 20;

/** A file read in 1 MiB pieces, or standard input for `-`. */
export function inputChunks(path: string): AsyncIterable<Buffer> {
  return path === '-' ? (process.stdin as AsyncIterable<Buffer>) : createReadStream(path, { highWaterMark: CHUNK });
}

export interface FollowOptions {
  signal: AbortSignal;
  /** How often to look for new data, truncation and rotation once at the end (default 250 ms). */
  pollMs?: number;
}

/**
 * A growing file, read from the start and then as it grows, until `signal` aborts (`tail -F`). When
 * the file shrinks (truncated in place, as copytruncate rotation does) it is read again from the
 * start; when the path names a new file (renamed away and recreated), the old one is read to its end
 * and the new one from its start. Each of these yields a reset marker first, so the reader drops its
 * partial line. A path that is briefly missing during rotation is waited for.
 */
export async function* followFile(path: string, opts: FollowOptions): AsyncGenerator<InputChunk> {
  const pollMs = opts.pollMs ?? 250;
  let fd: FileHandle = await open(path, 'r');
  let ino = (await fd.stat()).ino;
  let pos = 0;
  const buf = Buffer.alloc(CHUNK);
  try {
    while (!opts.signal.aborted) {
      const { bytesRead } = await fd.read(buf, 0, CHUNK, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        yield Buffer.from(buf.subarray(0, bytesRead));
        continue;
      }
      const current = await stat(path).catch(() => undefined);
      if (current && current.ino !== ino) {
        const next = await open(path, 'r').catch(() => undefined);
        if (next) {
          await fd.close();
          fd = next;
          ino = (await fd.stat()).ino;
          pos = 0;
          yield { reset: 'rotated' };
          continue;
        }
      }
      if ((await fd.stat()).size < pos) {
        pos = 0;
        yield { reset: 'truncated' };
        continue;
      }
      try {
        await sleep(pollMs, undefined, { signal: opts.signal });
      } catch {
        break;
      }
    }
  } finally {
    await fd.close();
  }
}
