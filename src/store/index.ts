import { errorMessage, UsageError } from '../core/errors.js';
import type { HistoryStore } from './history-store.js';
import type { Migration } from './migrations.js';

export type * from './history-store.js';
export { MIGRATIONS, type Migration } from './migrations.js';

export type StoreSpec = { backend: 'sqlite'; file: string } | { backend: 'postgres'; url: string };

/**
 * Reads a `--store` value: `sqlite:FILE` (also `sqlite:///abs/path`), `postgres://…` or
 * `postgresql://…`, or a bare path, which means SQLite. Any other `scheme://` is a usage error rather
 * than a file of that odd name.
 */
export function parseStoreSpec(spec: string): StoreSpec {
  if (spec.trim() === '') throw new UsageError('--store needs a value: sqlite:FILE, a file path, or postgres://…');
  if (/^postgres(ql)?:\/\//i.test(spec)) return { backend: 'postgres', url: spec };
  if (/^sqlite:/i.test(spec)) {
    let file = spec.slice('sqlite:'.length);
    if (file.startsWith('//')) file = file.slice(2);
    if (file === '') throw new UsageError(`--store ${spec}: no file after sqlite:`);
    return { backend: 'sqlite', file };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(spec);
  if (scheme) throw new UsageError(`--store ${spec}: unknown store "${scheme[1]}" (use sqlite:FILE or postgres://…)`);
  return { backend: 'sqlite', file: spec };
}

export interface OpenStoreOptions {
  /** Migrations to apply instead of the built-in list: tests use longer lists to check ordering and rollback. */
  migrations?: readonly Migration[];
}

/** Opens the store a spec names and brings its schema up to date. Each backend's driver loads only when used. */
export async function openStore(spec: string, options: OpenStoreOptions = {}): Promise<HistoryStore> {
  const parsed = parseStoreSpec(spec);
  let store: HistoryStore;
  try {
    store =
      parsed.backend === 'sqlite'
        ? new (await import('./sqlite.js')).SqliteHistoryStore(parsed.file, options.migrations)
        : new (await import('./postgres.js')).PostgresHistoryStore(parsed.url, { migrations: options.migrations });
  } catch (e) {
    throw storeFailure(parsed, e);
  }
  try {
    await store.migrate();
  } catch (e) {
    await store.close().catch(() => {});
    throw storeFailure(parsed, e);
  }
  return store;
}

/**
 * A SQLite file that cannot be opened is the operator's to fix (damaged, a directory, not writable): a
 * usage error naming it, not an internal error. PostgreSQL speaks for itself with its own messages.
 */
function storeFailure(parsed: StoreSpec, e: unknown): unknown {
  if (e instanceof UsageError || parsed.backend !== 'sqlite') return e;
  const message = errorMessage(e);
  const hint = /not a database|malformed|corrupt/i.test(message) ? ' (the file is damaged: restore it from a backup, or move it away to start a new history)' : '';
  return new UsageError(`store ${parsed.file}: ${message}${hint}`);
}
