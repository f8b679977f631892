import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeFsError, type InputError } from '../core/errors.js';
import { baseEcosystem, parseOsvRecord } from './osv.js';
import type { ImportCounts, VulnStore } from './store.js';
import { DEFAULT_ZIP_LIMITS, looksLikeZip, readZip, ZipError, type ZipLimits } from '../core/zip.js';
import { jsonSyntaxText } from '../core/json-error.js';

/**
 * `palisade db import`: OSV records from osv.dev's per-ecosystem `all.zip` exports, single JSON files
 * or folders of them (recursive). A malformed record is counted and reported with its source; the
 * import goes on.
 */

export interface ImportOptions {
  zipLimits?: ZipLimits;
  /** Largest loose JSON file read. */
  maxFileBytes?: number;
  /** Records per transaction. */
  batchSize?: number;
  /** The name inputs are recorded and reported under (a download's URL instead of its temporary file). */
  sourceName?: string;
  /** Called now and then with the number of records read so far. */
  onProgress?: (read: number) => void;
}

export interface ImportResult {
  counts: ImportCounts;
  /** Malformed records and unreadable inputs, each naming its file (and zip entry). */
  errors: InputError[];
  /** Inputs that could not be read at all (missing file, not a zip, ...): the command exits 2. */
  unreadable: number;
}

function emptyCounts(): ImportCounts {
  return { stored: 0, unchanged: 0, withdrawn: 0, malformed: 0, byEcosystem: {} };
}

/** JSON documents from one input, as (source label, bytes) or a read error. */
type Doc = { source: string; data: Buffer } | { source: string; error: string };

function* jsonFiles(dir: string): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = join(dir, e.name);
    // Symbolic links are not followed: a link loop or a link out of the tree is not data.
    if (e.isDirectory()) yield* jsonFiles(full);
    else if (e.isFile() && e.name.endsWith('.json')) yield full;
  }
}

function isZipFile(file: string): boolean {
  if (file.toLowerCase().endsWith('.zip')) return true;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    return looksLikeZip(head.subarray(0, readSync(fd, head, 0, 4, 0)));
  } finally {
    closeSync(fd);
  }
}

function* documents(path: string, label: string, opts: ImportOptions): Generator<Doc> {
  const maxFile = opts.maxFileBytes ?? DEFAULT_ZIP_LIMITS.maxEntryBytes;
  const readJson = (file: string): Doc => {
    const size = statSync(file).size;
    if (size > maxFile) return { source: file === path ? label : file, error: `file of ${size} bytes is over the ${maxFile}-byte limit` };
    const source = file === path ? label : file;
    return { source, data: readFileSync(file) };
  };
  const st = lstatSync(path).isSymbolicLink() ? statSync(path) : lstatSync(path);
  if (st.isDirectory()) {
    for (const f of jsonFiles(path)) yield readJson(f);
  } else if (isZipFile(path)) {
    for (const e of readZip(path, (n) => n.endsWith('.json'), opts.zipLimits)) {
      const source = `${label}!${e.name}`;
      yield 'error' in e ? { source, error: e.error } : { source, data: e.data };
    }
  } else {
    yield readJson(path);
  }
}

/** Imports each path as one import (recorded in the store's import history). */
export function importPaths(store: VulnStore, paths: readonly string[], opts: ImportOptions = {}): ImportResult {
  const total = emptyCounts();
  const errors: InputError[] = [];
  let unreadable = 0;
  let read = 0;
  const batchSize = opts.batchSize ?? 2000;
  for (const path of paths) {
    const label = opts.sourceName ?? path;
    const counts = emptyCounts();
    let readable = true;
    let pending: Array<{ source: string; data: Buffer }> = [];
    const flush = () => {
      const docs = pending;
      pending = [];
      store.batch(() => {
        for (const d of docs) {
          let json: unknown;
          const text = d.data.toString('utf8');
          try {
            json = JSON.parse(text);
          } catch {
            counts.malformed++;
            // Placed by line and column: V8's message quotes the text around the error.
            errors.push({ source: d.source, message: `not valid JSON at ${jsonSyntaxText(text)}` });
            continue;
          }
          const parsed = parseOsvRecord(json);
          if (!parsed.ok) {
            counts.malformed++;
            errors.push({ source: d.source, message: `not an OSV record: ${parsed.reason}` });
            continue;
          }
          const outcome = store.put(parsed.record, d.source);
          counts[outcome]++;
          if (outcome !== 'unchanged') {
            for (const eco of new Set((parsed.record.affected ?? []).flatMap((a) => (a.package ? [baseEcosystem(a.package.ecosystem)] : []))))
              counts.byEcosystem[eco] = (counts.byEcosystem[eco] ?? 0) + 1;
          }
        }
      });
      opts.onProgress?.(read);
    };
    try {
      for (const doc of documents(path, label, opts)) {
        if ('error' in doc) {
          counts.malformed++;
          errors.push({ source: doc.source, message: doc.error });
          continue;
        }
        read++;
        pending.push(doc);
        if (pending.length >= batchSize) flush();
      }
      flush();
    } catch (e) {
      flush();
      unreadable++;
      readable = false;
      const message = e instanceof ZipError ? e.message : describeFsError(e);
      errors.push({ source: label, message: `cannot read: ${message}` });
    }
    if (readable || counts.stored + counts.withdrawn > 0) store.recordImport(label, counts);
    total.stored += counts.stored;
    total.unchanged += counts.unchanged;
    total.withdrawn += counts.withdrawn;
    total.malformed += counts.malformed;
    for (const [eco, n] of Object.entries(counts.byEcosystem)) total.byEcosystem[eco] = (total.byEcosystem[eco] ?? 0) + n;
  }
  return { counts: total, errors, unreadable };
}
