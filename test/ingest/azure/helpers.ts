import { expect } from 'vitest';
import { decodeInput, decodeText, type DecodeSink } from '../../../src/ingest/decode.js';
import { DEFAULT_LIMITS } from '../../../src/ingest/limits.js';

export function decode(text: string, source = 'in.json'): DecodeSink {
  const sink: DecodeSink = { resources: [], errors: [], notes: [] };
  decodeText(text, source, DEFAULT_LIMITS, sink);
  return sink;
}

export async function decodeAsync(text: string, source: string): Promise<DecodeSink> {
  const sink: DecodeSink = { resources: [], errors: [], notes: [] };
  await decodeInput(text, source, DEFAULT_LIMITS, sink);
  return sink;
}

/** The unknown marker, for `toEqual`/`toMatchObject`: an exact reason or one matching a pattern. */
export const unknown = (reason: string | RegExp) => ({ $palisadeUnknown: typeof reason === 'string' ? reason : expect.stringMatching(reason) });
