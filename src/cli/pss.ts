import { Command, Option } from 'commander';
import { errorMessage, UsageError } from '../core/errors.js';
import { refOf, type ResourceRef } from '../core/resource.js';
import { podOf, podTemplateOf } from '../core/workload.js';
import { ingestPaths } from '../ingest/files.js';
import { formatVersion, LATEST_PSS_VERSION, parsePssVersion, type PssLevel } from '../rules/pss/check.js';
import { evaluatePod, type PssViolation } from '../rules/pss/index.js';
import { printErrors, printWarnings, writeResult } from './output.js';
import type { InputError, InputNote } from '../core/errors.js';

export interface PssResultEntry {
  source: { file: string; line: number };
  resource: ResourceRef;
  allowed: boolean;
  violations: Array<Pick<PssViolation, 'check' | 'message'>>;
}

export interface PssReport {
  schema: 'palisade.pss/v1';
  level: PssLevel;
  version: string;
  results: PssResultEntry[];
  errors: InputError[];
  /**
   * What was read and left out without being an error (a document that is no Kubernetes object, an
   * unrendered template, a document kubectl never reads): present when there is any. A gate's reader
   * sees why an object it expected has no verdict.
   */
  notes?: InputNote[];
}

export function pssCommand(): Command {
  return new Command('pss')
    .description('the Pod Security Admission verdict for every pod-bearing object, with Kubernetes semantics')
    .argument('<paths...>', 'files or directories; - reads stdin')
    .addOption(new Option('--level <level>', 'Pod Security Standards level').choices(['baseline', 'restricted']).makeOptionMandatory())
    .option('--version <version>', `policy version: vX.Y, or latest (${formatVersion(LATEST_PSS_VERSION)}, Palisade's newest; give the cluster's version when it is older)`, 'latest')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .action(async (paths: string[], opts: { level: PssLevel; version: string; format: 'table' | 'json'; output?: string }) => {
      process.exitCode = await pss(paths, opts);
    });
}

async function pss(paths: string[], opts: { level: PssLevel; version: string; format: 'table' | 'json'; output?: string }): Promise<number> {
  const version = parsePssVersion(opts.version);
  if (!version) throw new UsageError(`--version must be latest or v1.N (as Pod Security Admission writes it: v1.0 or later), not ${JSON.stringify(opts.version)}`);
  const ingest = await ingestPaths(paths);
  const report: PssReport = { schema: 'palisade.pss/v1', level: opts.level, version: formatVersion(version), results: [], errors: ingest.errors, ...(ingest.notes.length ? { notes: ingest.notes } : {}) };
  for (const resource of ingest.resources) {
    const pod = podOf(resource) ?? podTemplateOf(resource);
    if (!pod) continue;
    let verdict;
    try {
      verdict = evaluatePod(pod, opts.level, version);
    } catch (e) {
      // A check tripping over a strange object must not abort the verdicts of every other object.
      report.errors.push({ source: resource.source.file, line: resource.source.line, message: `${resource.kind}/${resource.name}: ${errorMessage(e)}` });
      continue;
    }
    report.results.push({
      source: { ...resource.source },
      resource: refOf(resource),
      allowed: verdict.allowed,
      violations: verdict.violations.map((v) => ({ check: v.check, message: v.message })),
    });
  }
  printErrors(report.errors);
  printWarnings(ingest.notes);
  // A gate that checked nothing passes: say so, as scan does, so that a wrong path or pipe is noticed.
  if (report.results.length === 0 && report.errors.length === 0)
    printWarnings([{ source: paths.join(', ') || '-', message: 'no pod-bearing object (Pod, Deployment, ..., CronJob) found: nothing was checked' }]);
  writeResult(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderPssTable(report), opts.output);
  if (report.errors.length) return 2;
  return report.results.every((r) => r.allowed) ? 0 : 1;
}

export function renderPssTable(report: PssReport): string {
  const lines: string[] = [];
  for (const r of report.results) {
    const ns = r.resource.namespace ? `${r.resource.namespace}/` : '';
    lines.push(`${r.allowed ? 'ALLOWED' : 'DENIED '}  ${r.resource.kind} ${ns}${r.resource.name}  ${r.source.file}:${r.source.line}`);
    for (const v of r.violations) lines.push(`         ${v.check}: ${v.message}`);
  }
  const denied = report.results.filter((r) => !r.allowed).length;
  lines.push('');
  lines.push(`${report.results.length} pod-bearing objects checked against ${report.level} ${report.version}: ${report.results.length - denied} allowed, ${denied} denied`);
  return `${lines.join('\n')}\n`;
}
