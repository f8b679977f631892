import { open } from 'node:fs/promises';
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
      const { size } = await fh.stat();
      if (size > max) {
        sink.errors.push({ source: file, message: `file of ${size} bytes refused: over the ${max}-byte limit` });
        return undefined;
      }
      return (await fh.readFile()).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (e) {
    sink.errors.push({ source: file, message: `cannot read: ${describeFsError(e)}` });
    return undefined;
  }
}
