import { Command, Option } from 'commander';
import { evaluate } from '../core/engine.js';
import type { Finding } from '../core/finding.js';
import { UsageError } from '../core/errors.js';
import { Inventory } from '../core/inventory.js';
import { atLeast, SEVERITIES, type Severity } from '../core/severity.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../core/settings.js';
import { attackPaths, PATH_FORMATS, PATH_RULE_IDS, renderPaths, type AttackPathAnalysis, type PathFormat, type PathsReport } from '../analyses/paths/index.js';
import { ingestPaths } from '../ingest/files.js';
import { readImageReports } from '../ingest/image-reports.js';
import { imageResource } from '../analyses/images/image-resource.js';
import { RULES } from '../rules/index.js';
import { aksInputs, aksOption, azureSession, clusterInputs, clusterOptions, entraOptions, pathsOrDefault, scanDisplayNames, type AzureFlags, type ClusterFlags } from './inputs.js';
import { imageCacheDir, openDbOrUsageError } from './image.js';
import { loadConfig } from './load-config.js';
import { printErrors, progress, writeResult } from './output.js';
import { scanReferencedImages } from './scan-images.js';

const PATH_RULES = RULES.filter((r) => PATH_RULE_IDS.includes(r.meta.id));
const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * The attack paths of an inventory: the rules the paths read are run on it (or their findings are
 * given, when a scan ran them all already) (exceptions do not apply:
 * an accepted risk is still a way in), and their findings label the steps. Finding ids are stable, so
 * the ids in the paths are those of the same findings in a scan report.
 */
export function findAttackPaths(
  inventory: Inventory,
  settings: RuleSettings = DEFAULT_SETTINGS,
  maxDepth?: number,
  found?: readonly Finding[],
  profiles: { aksManaged?: boolean } = {},
): AttackPathAnalysis {
  const findings = found ?? evaluate(PATH_RULES, inventory, settings).findings;
  return attackPaths(inventory, findings, { ...(maxDepth !== undefined ? { maxDepth } : {}), ...(profiles.aksManaged !== undefined ? { aksManaged: profiles.aksManaged } : {}) });
}

type PathsOptions = {
  format: PathFormat;
  output?: string;
  failOn: Severity | 'none';
  limit: string;
  maxDepth: string;
  config?: string;
  imageReport: string[];
  images?: boolean;
  db?: string;
  platform: string;
  /** false with --no-aks-managed. */
  aksManaged: boolean;
} & ClusterFlags &
  AzureFlags;

export function pathsCommand(): Command {
  const cmd = new Command('paths')
    .description(
      'attack paths: from the internet (LoadBalancer, NodePort, Ingress), a public API server, another namespace, a compromised pod or identity ' +
        'to cluster-admin, a node, the secrets of kube-system or an Azure identity with subscription roles; ranked by likelihood × impact, each step ' +
        'with the findings that make it possible, and the change that closes the most paths',
    )
    .argument('[paths...]', 'files or directories; - reads stdin (default: . unless --cluster or --aks is given)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...PATH_FORMATS]).default('table'))
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a path at or above this severity exists').choices([...SEVERITIES, 'none']).default('high'))
    .option('--limit <n>', 'paths shown in the table (json, mermaid and dot show all)', '20')
    .option('--max-depth <n>', 'steps a path may take at most', '8')
    .option('--config <file>', 'configuration file (its rule settings and profiles.aksManaged apply; exceptions do not hide paths)')
    .option('--no-aks-managed', "treat AKS-managed components like any other workload: their paths count for --fail-on and fixes may change them")
    .option('--image-report <file>', "import a Trivy or Grype JSON report: its images' vulnerabilities become steps (repeatable)", collect, [])
    .option('--images', 'pull and scan every image the workloads name: their exploitable vulnerabilities become steps (needs the vulnerability database: palisade db update)')
    .option('--db <file>', 'vulnerability database for --images (default: PALISADE_DB, else the user cache directory)')
    .option('--platform <os/arch[/variant]>', 'platform of multi-platform images for --images', 'linux/amd64');
  return entraOptions(aksOption(clusterOptions(cmd))).action(async (paths: string[], opts: PathsOptions) => {
    process.exitCode = await runPaths(paths, opts);
  });
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new UsageError(`${flag} must be a whole number from 1, not ${JSON.stringify(text)}`);
  return n;
}

async function runPaths(paths: string[], opts: PathsOptions): Promise<number> {
  const limit = positive('--limit', opts.limit);
  const maxDepth = positive('--max-depth', opts.maxDepth);
  if (maxDepth > 255) throw new UsageError('--max-depth must be at most 255');
  const { config } = loadConfig(opts.config);
  const session = azureSession();
  const displayNames = scanDisplayNames(opts, session);
  const aks = await aksInputs(opts.aks, session);
  const cluster = await clusterInputs({ cluster: opts.cluster, context: opts.context });
  const imported = readImageReports(opts.imageReport);
  const db = opts.images ? openDbOrUsageError(opts.db) : undefined;
  const ingest = await ingestPaths(pathsOrDefault(paths, opts.cluster === true || opts.aks.length > 0));
  const given = [...ingest.resources, ...aks.resources, ...cluster.resources, ...imported.reports.map((r) => imageResource(r, r.file))];
  // As `scan --images`: the images the workloads name, pulled and scanned, join as ContainerImage resources.
  let pulled: Awaited<ReturnType<typeof scanReferencedImages>> | undefined;
  if (db !== undefined) {
    const bar = progress('reading');
    try {
      pulled = await scanReferencedImages(given, db, { platform: opts.platform, cacheDir: imageCacheDir(), onImage: (ref) => bar.tick(ref) });
    } finally {
      bar.done();
      db.close();
    }
  }
  const resources = pulled?.resources.length ? [...given, ...pulled.resources] : given;
  const names = displayNames ? await displayNames(resources) : undefined;
  const inventory = new Inventory(resources, names ? { displayNames: names } : {});
  const settings: RuleSettings = { ...DEFAULT_SETTINGS, ...Object.fromEntries(Object.entries(config.settings).filter(([, v]) => v !== undefined)) };
  // As scan: the flag turns the aks-managed profile off, else the configuration decides.
  const aksManaged = opts.aksManaged && config.profiles.aksManaged;
  const analysis = findAttackPaths(inventory, settings, maxDepth, undefined, { aksManaged });
  const errors = [...ingest.errors, ...aks.errors, ...cluster.errors, ...imported.errors, ...(pulled?.errors ?? [])];
  const bySeverity: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const p of analysis.paths) bySeverity[p.severity] = (bySeverity[p.severity] ?? 0) + 1;
  const providerManaged = analysis.paths.filter((p) => p.providerManaged).length;
  const report: PathsReport = {
    schema: 'palisade.paths/v1',
    summary: { paths: analysis.paths.length, bySeverity, providerManaged, nodes: analysis.graph.nodes.length, edges: analysis.graph.edges.length },
    paths: analysis.paths,
    fixes: analysis.fixes,
    errors,
    notes: [...ingest.notes, ...cluster.notes],
  };
  printErrors(errors);
  writeResult(renderPaths(opts.format, report, { limit }), opts.output);
  if (errors.length) return 2;
  const failOn = opts.failOn;
  return failOn !== 'none' && analysis.paths.some((p) => !p.providerManaged && atLeast(p.severity, failOn)) ? 1 : 0;
}
