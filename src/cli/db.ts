import { existsSync, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { describeFsError, UsageError, type InputError } from '../core/errors.js';
import { errorLabel } from '../report/common.js';
import { importPaths } from '../vulndb/import.js';
import { resolveDbPath } from '../vulndb/location.js';
import { VulnStore, type ImportCounts, type StoreStatus } from '../vulndb/store.js';
import { DEFAULT_ECOSYSTEMS, DEFAULT_OSV_URL, updateDb, type EcosystemUpdate } from '../vulndb/update.js';
import { writeResult } from './output.js';

const FORMATS = ['table', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** Data older than this draws a warning from `db status`. */
const STALE_AFTER_DAYS = 7;
const MAX_PRINTED_ERRORS = 20;

const dbOption = () => new Option('--db <file>', 'the database file (default: PALISADE_DB, else <user cache>/palisade/osv.sqlite)');
const formatOption = () => new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('table');

function printErrors(errors: readonly InputError[]): void {
  for (const e of errors.slice(0, MAX_PRINTED_ERRORS)) process.stderr.write(`palisade: error: ${errorLabel(e)}: ${e.message}\n`);
  if (errors.length > MAX_PRINTED_ERRORS) process.stderr.write(`palisade: error: ... and ${errors.length - MAX_PRINTED_ERRORS} more (counted in the summary)\n`);
}

/** The error of an input path that cannot be read at all, worded as the import words it; none when it can. */
function unreadableInput(path: string): InputError[] {
  try {
    statSync(path);
    return [];
  } catch (e) {
    return [{ source: path, message: `cannot read: ${describeFsError(e)}` }];
  }
}

function countsLine(c: ImportCounts): string {
  return `${c.stored} stored, ${c.unchanged} unchanged, ${c.withdrawn} withdrawn, ${c.malformed} malformed`;
}

function openStore(file: string): VulnStore {
  try {
    return new VulnStore(file);
  } catch (e) {
    throw new UsageError(`cannot open ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function statusReport(s: StoreStatus, now: Date = new Date()) {
  const ageDays = s.lastImport ? (now.getTime() - Date.parse(s.lastImport)) / 86_400_000 : undefined;
  const warnings: string[] = [];
  if (ageDays === undefined) warnings.push('the database holds no imported data; run palisade db update');
  else if (ageDays > STALE_AFTER_DAYS) warnings.push(`the data is ${Math.floor(ageDays)} days old (over ${STALE_AFTER_DAYS}); run palisade db update`);
  return { schema: 'palisade.db.status/v1' as const, ...s, ...(ageDays !== undefined ? { ageDays: Math.round(ageDays * 10) / 10 } : {}), warnings };
}

function renderStatus(r: ReturnType<typeof statusReport>): string {
  const lines = [
    `database   ${r.file}`,
    `schema     ${r.schemaVersion}`,
    `records    ${r.records} (${r.live} live, ${r.withdrawn} withdrawn)`,
    `updated    ${r.lastImport ?? 'never'}${r.ageDays !== undefined ? ` (${r.ageDays} days ago)` : ''}`,
  ];
  if (r.ecosystems.length > 0) {
    const width = Math.max(9, ...r.ecosystems.map((e) => e.ecosystem.length));
    // Live records per ecosystem: withdrawn ones match nothing, and a record affecting two ecosystems is in both rows.
    lines.push('', `${'ECOSYSTEM'.padEnd(width)}  ${'LIVE'.padStart(8)}  LAST IMPORT`);
    for (const e of r.ecosystems) lines.push(`${e.ecosystem.padEnd(width)}  ${String(e.records).padStart(8)}  ${e.lastImport ?? '-'}`);
  }
  for (const w of r.warnings) lines.push('', `warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

function renderUpdate(file: string, results: readonly EcosystemUpdate[]): string {
  const width = Math.max(9, ...results.map((r) => r.ecosystem.length));
  const lines = [`database ${file}`, ''];
  for (const r of results) {
    const detail = r.outcome === 'failed' ? r.error : r.outcome === 'updated' && r.counts ? countsLine(r.counts) : 'not modified';
    lines.push(`${r.ecosystem.padEnd(width)}  ${r.outcome.padEnd(9)}  ${detail ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export function dbCommand(): Command {
  const db = new Command('db').description('the OSV vulnerability database image scans match against');

  db.command('import')
    .description('import OSV records: osv.dev all.zip exports, JSON files, or folders of them (recursive)')
    .argument('<paths...>', 'zip files, JSON files or directories')
    .addOption(dbOption())
    .addOption(formatOption())
    .action((paths: string[], opts: { db?: string; format: Format }) => {
      const file = resolveDbPath(opts.db);
      // With nothing to import, opening the store would only leave an empty database behind.
      const missing = paths.flatMap((p) => unreadableInput(p));
      if (missing.length === paths.length) {
        printErrors(missing);
        process.exitCode = 2;
        return;
      }
      const store = openStore(file);
      try {
        const tty = process.stderr.isTTY;
        const result = importPaths(store, paths, { onProgress: tty ? (n) => process.stderr.write(`\rimporting: ${n} records`) : undefined });
        if (tty) process.stderr.write('\n');
        printErrors(result.errors);
        if (opts.format === 'json') writeResult(`${JSON.stringify({ schema: 'palisade.db.import/v1', file, ...result.counts, errors: result.errors }, null, 2)}\n`, undefined);
        else writeResult(`imported into ${file}: ${countsLine(result.counts)}\n`, undefined);
        // Unreadable inputs and malformed records are inputs that could not be read (exit 2); the rest is imported.
        process.exitCode = result.unreadable > 0 || result.counts.malformed > 0 ? 2 : 0;
      } finally {
        store.close();
      }
    });

  db.command('update')
    .description(`download osv.dev's per-ecosystem exports (skipped when unchanged) and import them`)
    .option('--url <url>', 'base URL of the export bucket', DEFAULT_OSV_URL)
    .option('--ecosystem <name...>', `ecosystems to fetch (default: ${DEFAULT_ECOSYSTEMS.join(', ')})`)
    .addOption(dbOption())
    .addOption(formatOption())
    .action(async (opts: { url: string; ecosystem?: string[]; db?: string; format: Format }) => {
      const file = resolveDbPath(opts.db);
      const store = openStore(file);
      try {
        const result = await updateDb(store, {
          url: opts.url,
          ...(opts.ecosystem ? { ecosystems: opts.ecosystem } : {}),
          onEcosystem: process.stderr.isTTY ? (e, url) => process.stderr.write(`fetching ${e} (${url})\n`) : undefined,
        });
        printErrors(result.errors);
        if (opts.format === 'json') writeResult(`${JSON.stringify({ schema: 'palisade.db.update/v1', file, ecosystems: result.ecosystems }, null, 2)}\n`, undefined);
        else writeResult(renderUpdate(file, result.ecosystems), undefined);
        process.exitCode = result.errors.length > 0 ? 2 : 0;
      } finally {
        store.close();
      }
    });

  db.command('status')
    .description('the database file, schema, records per ecosystem and the age of the data')
    .addOption(dbOption())
    .addOption(formatOption())
    .action((opts: { db?: string; format: Format }) => {
      const file = resolveDbPath(opts.db);
      if (!existsSync(file)) {
        process.stderr.write(`palisade: error: no database at ${file}; run palisade db update or palisade db import\n`);
        process.exitCode = 2;
        return;
      }
      const store = openStore(file);
      try {
        const report = statusReport(store.status());
        if (opts.format === 'json') writeResult(`${JSON.stringify(report, null, 2)}\n`, undefined);
        else writeResult(renderStatus(report), undefined);
        for (const w of report.warnings) if (opts.format === 'json') process.stderr.write(`palisade: warning: ${w}\n`);
        process.exitCode = 0;
      } finally {
        store.close();
      }
    });

  return db;
}
