import { readFile } from 'node:fs/promises';
import { applyBaseline, baselineFindings } from '../core/baseline.js';
import type { PalisadeConfig } from '../core/config.js';
import { evaluate } from '../core/engine.js';
import { errorMessage, UsageError, type InputNote } from '../core/errors.js';
import { isActive } from '../core/finding.js';
import { Inventory } from '../core/inventory.js';
import { REPORT_SCHEMA, sortFindings, summarize, type Report } from '../core/report.js';
import type { Rule } from '../core/rule.js';
import { atLeast, type Severity } from '../core/severity.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../core/settings.js';
import { createSuppressor } from '../core/suppress.js';
import { VERSION } from '../core/version.js';
import { ingestPaths, type IngestOptions } from '../ingest/files.js';
import { locateFindings } from '../ingest/locate-findings.js';

export interface ScanOptions {
  paths: readonly string[];
  rules: readonly Rule[];
  config: PalisadeConfig;
  configSource: string;
  failOn: Severity | 'none';
  baselineFile?: string;
  settings?: Partial<RuleSettings>;
  now?: Date;
  readStdin?: IngestOptions['readStdin'];
  onFile?: IngestOptions['onFile'];
}

export interface ScanOutcome {
  report: Report;
  exitCode: 0 | 1 | 2;
  /** Things the user should see on stderr (expired exceptions, ...). */
  warnings: InputNote[];
}

/** The whole `palisade scan` pipeline: ingest → inventory → rules → suppressions → baseline → report. */
export async function runScan(opts: ScanOptions): Promise<ScanOutcome> {
  const now = opts.now ?? new Date();
  let previous;
  if (opts.baselineFile !== undefined) {
    try {
      previous = baselineFindings(JSON.parse(await readFile(opts.baselineFile, 'utf8')));
    } catch (e) {
      throw new UsageError(`baseline ${opts.baselineFile}: ${errorMessage(e)}`);
    }
  }
  const { findings, errors, notes, warnings, resources, texts } = await analyse(opts, now);
  await locateFindings(findings, texts);
  sortFindings(findings);
  const baseline = previous && opts.baselineFile !== undefined ? applyBaseline(findings, previous, opts.baselineFile) : undefined;
  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'palisade', version: VERSION },
    generatedAt: now.toISOString(),
    summary: summarize(findings, resources),
    findings,
    errors,
    notes: [...notes, ...warnings],
    ...(baseline ? { baseline } : {}),
  };
  return { report, exitCode: exitCodeFor(report, opts.failOn), warnings };
}

/**
 * Ingest, rules and suppressions. Kept apart so that the resources and the inventory are garbage
 * once it returns: on a large estate they are half the heap, and the report is built without them.
 */
async function analyse(opts: ScanOptions, now: Date) {
  const limits = Object.fromEntries(Object.entries(opts.config.limits).filter(([, v]) => v !== undefined));
  const ingest = await ingestPaths(opts.paths, {
    limits,
    ...(opts.readStdin ? { readStdin: opts.readStdin } : {}),
    ...(opts.onFile ? { onFile: opts.onFile } : {}),
  });
  const inventory = new Inventory(ingest.resources);
  const settings: RuleSettings = {
    ...DEFAULT_SETTINGS,
    ...Object.fromEntries(Object.entries(opts.config.settings).filter(([, v]) => v !== undefined)),
    ...opts.settings,
  };
  const suppressor = createSuppressor({
    exceptions: opts.config.exceptions,
    allowAnnotations: opts.config.annotations.allowIgnore,
    aksManaged: opts.config.profiles.aksManaged,
    now,
    configSource: opts.configSource,
  });
  const { findings, errors: ruleErrors } = evaluate(opts.rules, inventory, settings, suppressor);
  const { warnings } = suppressor;
  return {
    findings,
    errors: [...ingest.errors, ...ruleErrors],
    notes: ingest.notes,
    warnings,
    resources: ingest.resources.length,
    texts: ingest.texts,
  };
}

/** 2 when an input could not be read; else 1 when an active (and, with a baseline, new) finding reaches --fail-on. */
export function exitCodeFor(report: Report, failOn: Severity | 'none'): 0 | 1 | 2 {
  if (report.errors.length > 0) return 2;
  if (failOn === 'none') return 0;
  const failing = report.findings.some((f) => isActive(f) && f.baseline !== 'existing' && atLeast(f.severity, failOn));
  return failing ? 1 : 0;
}
