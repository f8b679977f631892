import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage, UsageError } from '../../core/errors.js';

/**
 * Where reading stopped, per source object (a blob, a Log Analytics table), saved after every piece
 * whose alerts have been written: a restart resumes there, so it neither repeats nor loses events.
 * Written to a temporary file and renamed, so a crash never leaves half a checkpoint.
 */
export interface Checkpoint {
  schema: 'palisade.audit-checkpoint/v1';
  /** The storage account or workspace it belongs to: a checkpoint of another source is refused. */
  source: string;
  /** Storage: blob name → byte offset after the last complete line read, and that line's number. */
  blobs: Record<string, { offset: number; line: number }>;
  /** Log Analytics: the ingestion time read up to, and the events read at exactly that time. */
  logs?: { ingested: string; seen: string[] };
}

export function emptyCheckpoint(source: string): Checkpoint {
  return { schema: 'palisade.audit-checkpoint/v1', source, blobs: {} };
}

export function loadCheckpoint(file: string, source: string): Checkpoint {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyCheckpoint(source);
    throw new UsageError(`--checkpoint ${file}: ${errorMessage(e)}`);
  }
  let cp: Partial<Checkpoint>;
  try {
    cp = JSON.parse(text) as Partial<Checkpoint>;
  } catch {
    throw new UsageError(`--checkpoint ${file}: not a checkpoint (malformed JSON)`);
  }
  if (cp.schema !== 'palisade.audit-checkpoint/v1' || typeof cp.blobs !== 'object' || cp.blobs === null) throw new UsageError(`--checkpoint ${file}: not a palisade audit checkpoint`);
  if (cp.source !== source) throw new UsageError(`--checkpoint ${file} belongs to ${String(cp.source)}, not ${source}`);
  return cp as Checkpoint;
}

export function saveCheckpoint(file: string, cp: Checkpoint): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(cp)}\n`);
  renameSync(tmp, file);
}
