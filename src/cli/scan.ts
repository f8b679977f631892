import { Command, Option } from 'commander';
import { FRAMEWORK_FILTERS, type FrameworkFilter } from '../core/frameworks.js';
import { UsageError } from '../core/errors.js';
import { isPillar, PILLARS, SEVERITIES, type Pillar, type Severity } from '../core/severity.js';
import { readImageReports } from '../ingest/image-reports.js';
import { imageResource } from '../analyses/images/image-resource.js';
import { FORMATS, isFormat } from '../report/index.js';
import { RULES } from '../rules/index.js';
import { permissionIndexOf } from '../analyses/rbac/permission-index.js';
import { parsePssVersion } from '../rules/pss/check.js';
import { aksInputs, azureSession, clusterInputs, clusterOptions, entraOptions, pathsOrDefault, scanDisplayNames, terraformAssignments, collectPlaced, type ClusterFlags, type Placed } from './inputs.js';
import { loadConfig } from './load-config.js';
import { emitReport, progress, SARIF_CATEGORY_FLAGS, sarifCategory } from './output.js';
import { imageCacheDir, openDbOrUsageError } from './image.js';
import { missingRoleNotes, unlistedKinds } from './missing-roles.js';
import { runScan } from './run-scan.js';
import { scanReferencedImages } from './scan-images.js';
import { selectConfiguredRules } from './select-rules.js';

const collect = (value: string, previous: string[]) => [...previous, value];
const PATH_REPORT_FORMATS: ReadonlySet<string> = new Set(['json', 'sarif', 'html', 'markdown', 'table']);

export function scanCommand(): Command {
  const cmd = new Command('scan')
    .description('scan Kubernetes manifests (files, directories, - for stdin) and report what is insecure')
    .argument('[paths...]', 'files or directories (recursively .yaml, .yml, .json, .tf); - reads stdin (default: . unless --aks or --cluster is given)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option(SARIF_CATEGORY_FLAGS, 'SARIF: the code scanning category of the log, to upload several from one job (default palisade/scan)')
    .addOption(new Option('--framework <framework>', 'only rules, and findings, of this framework').choices([...FRAMEWORK_FILTERS]))
    .option('--pillar <pillars>', `only rules of these pillars (comma-separated: ${PILLARS.join(',')})`)
    .option('--rule <id>', 'only this rule (repeatable; globs like workload/* allowed)', collect, [])
    .option('--skip-rule <id>', 'skip this rule (repeatable; globs allowed)', collect, [])
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity counts').choices([...SEVERITIES, 'none']))
    .option('--baseline <file>', 'a previous --format json report: only new findings count toward the exit code')
    .option('--config <file>', 'configuration file (default ./.palisade.yaml when present)')
    .option('--pss-version <version>', 'Pod Security Standards version for the PSS rules (latest or vX.Y)')
    .option('--no-aks-managed', 'fail AKS-managed system components like any other workload')
    .option('--aks <resource-id>', 'also scan this live AKS cluster through Azure Resource Manager (repeatable; read-only)', collect, [])
    .option('--var-file <file>', 'Terraform variables file for the .tf modules read, as terraform -var-file takes it (repeatable)', collectPlaced, [])
    .option('--var <name=value>', 'Terraform variable for the .tf modules read, as terraform -var takes it (repeatable; in order with --var-file)', collectPlaced, [])
    .option('--image-report <file>', "import a Trivy or Grype JSON report: its images' vulnerabilities join the scan (repeatable)", collect, [])
    .option('--images', 'pull and scan every image the workloads name (needs the vulnerability database: palisade db update)')
    .option('--db <file>', 'vulnerability database for --images (default: PALISADE_DB, else the user cache directory)')
    .option('--platform <os/arch[/variant]>', 'platform of multi-platform images for --images', 'linux/amd64')
    .option('--only-on-paths', 'report only the findings on some attack path (see palisade paths): the rest lead nowhere');
  return entraOptions(clusterOptions(cmd, { namespace: true })).action(async (paths: string[], opts: ScanCliOptions) => {
    process.exitCode = await scan(paths, opts);
  });
}

interface ScanCliOptions extends ClusterFlags {
  format: string;
  output?: string;
  sarifCategory?: string;
  framework?: FrameworkFilter;
  pillar?: string;
  rule: string[];
  skipRule: string[];
  failOn?: Severity | 'none';
  baseline?: string;
  config?: string;
  pssVersion?: string;
  aksManaged: boolean;
  aks: string[];
  imageReport: string[];
  varFile: Placed[];
  var: Placed[];
  onlyOnPaths?: boolean;
  images?: boolean;
  db?: string;
  platform: string;
  entraNames?: string;
  graph?: boolean;
}

async function scan(paths: string[], opts: ScanCliOptions): Promise<number> {
  const loaded = loadConfig(opts.config);
  const source = loaded.source;
  const config = opts.aksManaged ? loaded.config : { ...loaded.config, profiles: { ...loaded.config.profiles, aksManaged: false } };
  let pillars: Pillar[] | undefined;
  if (opts.pillar !== undefined) {
    const names = opts.pillar.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = names.filter((p) => !isPillar(p));
    if (bad.length || names.length === 0) throw new UsageError(`unknown pillar ${bad.join(', ') || '(empty)'}; expected ${PILLARS.join(', ')}`);
    pillars = names as Pillar[];
  }
  for (const [what, v] of [['--pss-version', opts.pssVersion], [`${source}: settings.pssVersion`, config.settings.pssVersion]] as const)
    if (v !== undefined && !parsePssVersion(v)) throw new UsageError(`${what} must be latest or v1.N (as Pod Security Admission writes it: v1.0 or later), not ${JSON.stringify(v)}`);
  const rules = selectConfiguredRules(RULES, config.rules, source, {
    rule: opts.rule,
    skipRule: opts.skipRule,
    ...(opts.framework ? { framework: opts.framework } : {}),
    ...(pillars ? { pillars } : {}),
  });
  if (!isFormat(opts.format)) throw new UsageError(`unknown format ${opts.format}`);
  const sarif = sarifCategory(opts.sarifCategory, 'scan');
  const session = azureSession();
  const displayNames = scanDisplayNames(opts, session);
  const aks = await aksInputs(opts.aks, session);
  const cluster = await clusterInputs(opts);
  // What a binding to a role the input lacks grants is counted by no RBAC rule: said where it is read.
  const unlisted = unlistedKinds(cluster, opts.namespace);
  const missingRoles = rules.some((r) => r.meta.id.startsWith('rbac/'));
  const imported = readImageReports(opts.imageReport);
  const db = opts.images ? openDbOrUsageError(opts.db) : undefined;
  const bar = progress('reading');
  const outcome = await runScan({
    paths: pathsOrDefault(paths, opts.aks.length > 0 || opts.cluster === true),
    rules,
    config,
    configSource: source,
    failOn: opts.failOn ?? config.failOn ?? 'high',
    ...(opts.baseline !== undefined ? { baselineFile: opts.baseline } : {}),
    ...(opts.varFile.length ? { terraformVariablesFiles: opts.varFile.map((f) => f.value) } : {}),
    ...(opts.var.length ? { terraformAssignments: terraformAssignments(opts.var, opts.varFile) } : {}),
    ...(opts.pssVersion !== undefined ? { settings: { pssVersion: opts.pssVersion } } : {}),
    onFile: (f) => bar.tick(f),
    extraResources: [...aks.resources, ...cluster.resources, ...imported.reports.map((r) => imageResource(r, r.file))],
    extraErrors: [...aks.errors, ...cluster.errors, ...imported.errors],
    ...(displayNames ? { displayNames } : {}),
    extraNotes: cluster.notes,
    // Only bindings can refer to a missing role: without any, the permission index is not built for nothing.
    ...(missingRoles
      ? { inventoryNotes: (inventory) => (inventory.byKind('RoleBinding').length + inventory.byKind('ClusterRoleBinding').length > 0 ? missingRoleNotes(permissionIndexOf(inventory).missingRoles, unlisted) : []) }
      : {}),
    // Every format that shows attack paths gets them; junit and policyreport do not show them.
    attackPaths: PATH_REPORT_FORMATS.has(opts.format),
    onlyOnPaths: opts.onlyOnPaths === true,
    ...(opts.framework ? { framework: opts.framework } : {}),
    ...(db !== undefined ? { augment: (read) => scanReferencedImages(read, db, { platform: opts.platform, cacheDir: imageCacheDir(), onImage: (ref) => bar.tick(ref) }) } : {}),
  });
  bar.done();
  db?.close();
  await emitReport(outcome, opts.format, opts.output, rules.map((r) => r.meta), sarif);
  return outcome.exitCode;
}
