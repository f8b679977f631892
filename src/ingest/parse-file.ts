import { isUtf8 } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { describeFsError } from '../core/errors.js';
import { decodeInput, type DecodeSink } from './decode.js';
import type { InputLimits } from './limits.js';

/**
 * Reads and decodes one file into the sink. The one path a file takes to become resources, whether
 * the main thread or a parse worker runs it, so both give the same resources, errors and notes.
 */
export async function decodeFile(file: string, limits: InputLimits, sink: DecodeSink): Promise<void> {
  const text = await readBounded(file, limits.maxFileBytes, sink);
  if (text !== undefined) await decodeInput(text, file, limits, sink);
}

export async function readBounded(file: string, max: number, sink: DecodeSink): Promise<string | undefined> {
  try {
    const fh = await open(file, 'r');
    try {
      const st = await fh.stat();
      if (st.size > max) {
        sink.errors.push({ source: file, message: `file of ${st.size} bytes refused: over the ${max}-byte limit` });
        return undefined;
      }
      // A pipe, a device or a /proc file says nothing true of its size: read it up to the limit, no further.
      const buf = st.isFile() && st.size > 0 ? await fh.readFile() : await readUpTo(fh, max);
      if (buf === undefined) {
        sink.errors.push({ source: file, message: `input refused: over the ${max}-byte limit` });
        return undefined;
      }
      const bad = invalidUtf8Line(buf);
      if (bad !== undefined) {
        sink.errors.push({ source: file, line: bad, message: 'invalid UTF-8: save the file as UTF-8' });
        return undefined;
      }
      return buf.toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (e) {
    sink.errors.push({ source: file, message: `cannot read: ${describeFsError(e)}` });
    return undefined;
  }
}

/** Everything a handle gives until its end, or undefined past `max` bytes. */
async function readUpTo(fh: FileHandle, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(1 << 16);
    const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    total += bytesRead;
    if (total > max) return undefined;
    chunks.push(chunk.subarray(0, bytesRead));
  }
}

/**
 * The line of the first byte that is not UTF-8, or undefined when the bytes are UTF-8 — or UTF-16 or
 * binary, which decodeText refuses by name. Decoded anyway, a stray byte becomes U+FFFD: an image
 * reference or a name would silently change, and the rules checking it would pass it by.
 */
export function invalidUtf8Line(buf: Buffer): number | undefined {
  if (isUtf8(buf)) return undefined;
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) return undefined;
  if (buf.subarray(0, 8192).includes(0)) return undefined;
  const at = firstInvalidUtf8(buf);
  let line = 1;
  for (let i = buf.indexOf(10); i !== -1 && i < at; i = buf.indexOf(10, i + 1)) line++;
  return line;
}

/** Offset of the first byte sequence that is not UTF-8 (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF). */
function firstInvalidUtf8(buf: Buffer): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= buf.length) return i;
    const second = buf[i + 1] as number;
    const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= n; k++) if (((buf[i + k] as number) & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return buf.length;
}
