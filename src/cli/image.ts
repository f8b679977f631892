import { dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import { sbomCycloneDx, sbomSpdx } from '../analyses/images/index.js';
import { errorMessage, UsageError } from '../core/errors.js';
import { SEVERITIES, type Severity } from '../core/severity.js';
import { VERSION } from '../core/version.js';
import { ImageError } from '../ingest/image/index.js';
import { imageResource, IMAGE_KIND } from '../analyses/images/image-resource.js';
import { FORMATS, isFormat } from '../report/index.js';
import { RULES } from '../rules/index.js';
import { defaultDbPath, openVulnDb, resolveDbPath, type VulnDb } from '../vulndb/index.js';
import { scanImage } from './image-pipeline.js';
import { loadConfig } from './load-config.js';
import { emitReport, SARIF_CATEGORY_FLAGS, sarifCategory, writeResult } from './output.js';
import { runScan } from './run-scan.js';

/** The rules that judge an image on its own (what `image scan` reports). */
export const IMAGE_RULES = RULES.filter((r) => 'kinds' in r.target && r.target.kinds.includes(IMAGE_KIND));

/** A database opened for a scan; `flag` is the `--db` it was named by, which commands that scan again must repeat. */
export type OpenedVulnDb = VulnDb & { readonly flag?: string };

/** The vulnerability database of `--db`, PALISADE_DB or the default place; a missing one is a usage error naming it. */
export function openDbOrUsageError(flag: string | undefined): OpenedVulnDb {
  let db: VulnDb;
  try {
    db = openVulnDb(resolveDbPath(flag));
  } catch (e) {
    throw new UsageError(errorMessage(e));
  }
  return flag === undefined ? db : Object.assign(db, { flag });
}

/**
 * Where package lists of images already read are kept, by digest: the user cache directory, beside the
 * default database, whatever --db says (a database given in CI may sit on a read-only mount).
 */
export function imageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PALISADE_IMAGE_CACHE || join(dirname(defaultDbPath(env)), 'images');
}

export function imageCommand(): Command {
  const image = new Command('image').description('container images: packages (SBOM) and known vulnerabilities');
  image.addCommand(
    new Command('scan')
      .description('list the packages of an image and match them against the vulnerability database')
      .argument('<image>', 'registry reference (registry/repo:tag, @sha256:...), docker save tarball, OCI layout directory or tar (PATH[:TAG])')
      .option('--db <file>', 'vulnerability database (default: PALISADE_DB, else the user cache directory)')
      .addOption(new Option('--sbom <format>', 'print the SBOM instead of findings').choices(['cyclonedx', 'spdx']))
      .option('--ignore-unfixed', 'leave out vulnerabilities that have no fixed version yet')
      .option('--platform <os/arch[/variant]>', 'image of a multi-platform index to scan', 'linux/amd64')
      .option('--insecure', 'allow plain HTTP and unverified TLS to the registry (loopback registries need no flag)')
      .option('--no-cache', 'read the image even when its packages were listed before')
      .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('table'))
      .option('-o, --output <file>', 'write to a file instead of stdout')
      .option(SARIF_CATEGORY_FLAGS, 'SARIF: the code scanning category of the log (default palisade/image)')
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'none']))
      .option('--config <file>', 'configuration file (default ./.palisade.yaml when present)')
      .action(async (ref: string, opts: ImageScanCliOptions) => {
        process.exitCode = await imageScan(ref, opts);
      }),
  );
  return image;
}

interface ImageScanCliOptions {
  db?: string;
  sbom?: 'cyclonedx' | 'spdx';
  ignoreUnfixed?: boolean;
  platform: string;
  insecure?: boolean;
  cache: boolean;
  format: string;
  output?: string;
  sarifCategory?: string;
  failOn?: Severity | 'none';
  config?: string;
}

async function imageScan(ref: string, opts: ImageScanCliOptions): Promise<number> {
  if (!isFormat(opts.format)) throw new UsageError(`unknown format ${opts.format}`);
  const sarif = sarifCategory(opts.sarifCategory, 'image');
  // An SBOM needs no database; findings do, and a missing one is a usage problem, not an empty answer.
  const db = opts.sbom === undefined ? openDbOrUsageError(opts.db) : undefined;
  try {
    let outcome;
    try {
      outcome = await scanImage(ref, db, {
        platform: opts.platform,
        ...(opts.insecure ? { insecure: true } : {}),
        ...(opts.ignoreUnfixed ? { ignoreUnfixed: true } : {}),
        ...(opts.cache ? { cacheDir: imageCacheDir() } : {}),
        ...(db?.flag !== undefined ? { dbFlag: db.flag } : {}),
      });
    } catch (e) {
      // The readers' own errors name the image already; anything else is named here.
      const message = e instanceof ImageError ? errorMessage(e) : `${ref}: ${errorMessage(e)}`;
      process.stderr.write(`palisade: error: ${message}\n`);
      return 2;
    }
    const name = outcome.report.ref;
    if (opts.sbom !== undefined) {
      // An SBOM has no place for remarks about the read: they go to stderr.
      for (const n of outcome.notes) process.stderr.write(`palisade: note: ${name}: ${n}\n`);
      const image = { ref: outcome.report.ref, names: outcome.names, ...(outcome.report.digest !== undefined ? { digest: outcome.report.digest } : {}) };
      const input = { image, packages: outcome.packages, tool: { name: 'palisade', version: VERSION }, ...(outcome.os ? { os: outcome.os } : {}) };
      const bom = opts.sbom === 'cyclonedx' ? sbomCycloneDx(input) : sbomSpdx(input);
      writeResult(`${JSON.stringify(bom, null, 2)}\n`, opts.output);
      for (const e of outcome.errors) process.stderr.write(`palisade: error: ${name}: ${e}\n`);
      return outcome.errors.length > 0 ? 2 : 0;
    }
    const loaded = loadConfig(opts.config);
    const result = await runScan({
      paths: [],
      rules: IMAGE_RULES,
      config: loaded.config,
      configSource: loaded.source,
      failOn: opts.failOn ?? loaded.config.failOn ?? 'high',
      extraResources: [imageResource(outcome.report)],
      extraErrors: outcome.errors.map((message) => ({ source: name, message })),
      // In the report (table notes, JSON notes, SARIF notifications), where whoever reads the findings sees them.
      extraNotes: outcome.notes.map((message) => ({ source: name, message })),
    });
    await emitReport(result, opts.format, opts.output, IMAGE_RULES.map((r) => r.meta), sarif);
    return result.exitCode;
  } finally {
    db?.close();
  }
}
