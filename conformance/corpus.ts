import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Resource } from '../src/core/resource.js';
import { decodeText, type DecodeSink } from '../src/ingest/decode.js';
import { DEFAULT_LIMITS } from '../src/ingest/limits.js';

/** `../shared/corpus` beside the checkout, or PALISADE_CORPUS. */
export const CORPUS_DIR = process.env.PALISADE_CORPUS ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/corpus');

export function corpusAvailable(suite: string): boolean {
  return existsSync(join(CORPUS_DIR, suite, 'index.json'));
}

export function readIndex<T>(suite: string): T {
  return JSON.parse(readFileSync(join(CORPUS_DIR, suite, 'index.json'), 'utf8')) as T;
}

export function loadResources(file: string): { resources: Resource[]; errors: string[] } {
  const sink: DecodeSink = { resources: [], errors: [], notes: [] };
  decodeText(readFileSync(file, 'utf8'), file, DEFAULT_LIMITS, sink);
  return { resources: sink.resources, errors: sink.errors.map((e) => `${e.source}:${e.line ?? '?'} ${e.message}`) };
}

/** One suite's outcome: cases agreed on, and a line per miss. */
export interface SuiteResult {
  suite: string;
  total: number;
  agreed: number;
  misses: string[];
  /** Extra figures worth printing (per sub-group agreement, skipped cases with reasons). */
  notes: string[];
}

export function percent(r: SuiteResult): number {
  return r.total === 0 ? 100 : (100 * r.agreed) / r.total;
}
