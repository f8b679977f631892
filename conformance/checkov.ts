import { join } from 'node:path';
import type { Finding } from '../src/core/finding.js';
import type { Resource } from '../src/core/resource.js';
import { ingestPaths } from '../src/ingest/files.js';
import { CORPUS_DIR, readIndex, type SuiteResult } from './corpus.js';
import { rulesReferencing, scanResources } from './evaluate.js';

/** Where the Checkov AKS fixtures live below the corpus. */
export const CHECKOV_CORPUS = 'aks/checkov';

interface ArmFixture {
  file: string;
  /** The resource name as the template writes it (a literal or an expression). */
  resource: string;
  /** The resource type, when the check covers more than the cluster type. */
  type?: string;
  expected: 'PASSED' | 'FAILED';
}

interface NamedFixture {
  file: string;
  /** `<type>.<label>` (Terraform) or `<type>.<symbol>` (Bicep). */
  passing?: string[];
  failing?: string[];
}

interface FrameworkEntry {
  fixtures?: Array<ArmFixture | NamedFixture>;
}

interface CheckovCheck {
  id: string;
  upstream_title: string;
  frameworks: Partial<Record<'arm' | 'terraform' | 'bicep', FrameworkEntry>>;
}

const MANAGED_CLUSTER = 'Microsoft.ContainerService/managedClusters';

/**
 * How an `info` finding of each rule cross-referenced to a Checkov check counts. Most rules report
 * `info` only when the source leaves the value undecidable offline (an unresolved template expression,
 * a service default that depends on something the source does not say): that is no verdict, so it
 * counts as "not flagged". A rule whose whole verdict is an `info` by design counts it as failing.
 * A rule cross-referenced to Checkov but missing here is named in the suite's notes.
 */
const INFO_FINDINGS: Record<string, { checks: string; means: string; counts: 'failing' | 'not flagged' }> = {
  'aks/sku-tier-free': { checks: 'CKV_AZURE_170', means: 'the verdict itself: Free tier, no uptime SLA (an unresolved tier gives no finding)', counts: 'failing' },
  'aks/container-insights-disabled': { checks: 'CKV_AZURE_4', means: 'a monitoring switch is an unresolved expression', counts: 'not flagged' },
  'aks/kubernetes-rbac-disabled': { checks: 'CKV_AZURE_5', means: 'enableRBAC is an unresolved expression', counts: 'not flagged' },
  'aks/api-server-publicly-reachable': { checks: 'CKV_AZURE_6, CKV_AZURE_115', means: 'the private-cluster flag or a range is an unresolved expression', counts: 'not flagged' },
  'aks/no-network-policy-engine': { checks: 'CKV_AZURE_7', means: 'the policy is unresolved, or the plugin is none (the bring-your-own CNI decides)', counts: 'not flagged' },
  'aks/kube-dashboard-enabled': { checks: 'CKV_AZURE_8', means: 'the add-on switch is an unresolved expression', counts: 'not flagged' },
  'aks/azure-policy-addon-disabled': { checks: 'CKV_AZURE_116', means: 'the add-on switch is an unresolved expression', counts: 'not flagged' },
  'aks/disk-encryption-set-missing': { checks: 'CKV_AZURE_117', means: "the set's id is an unresolved expression", counts: 'not flagged' },
  'aks/local-accounts-enabled': { checks: 'CKV_AZURE_141', means: 'disableLocalAccounts is an unresolved expression', counts: 'not flagged' },
  'aks/node-public-ip': { checks: 'CKV_AZURE_143', means: 'the pool flag is an unresolved expression', counts: 'not flagged' },
  'aks/max-pods-too-low': { checks: 'CKV_AZURE_168', means: 'maxPods is unresolved, or unset with a default (30 to 250, by network plugin) the source does not decide', counts: 'not flagged' },
  'aks/node-pool-not-scale-set': { checks: 'CKV_AZURE_169', means: 'the pool type is an unresolved expression', counts: 'not flagged' },
  'aks/auto-upgrade-channel-none': { checks: 'CKV_AZURE_171', means: 'the channel is an unresolved expression', counts: 'not flagged' },
  'aks/key-vault-secrets-provider-without-rotation': { checks: 'CKV_AZURE_172', means: 'never reported: an unresolved switch gives no finding', counts: 'not flagged' },
  'aks/ephemeral-os-disk-not-used': { checks: 'CKV_AZURE_226', means: 'osDiskType is unresolved, or unset in a JSON source (AKS picks Ephemeral when the VM size allows)', counts: 'not flagged' },
  'aks/host-encryption-disabled': { checks: 'CKV_AZURE_227', means: 'the pool flag is an unresolved expression', counts: 'not flagged' },
  'aks/system-pool-not-tainted': { checks: 'CKV_AZURE_232', means: 'the taints or the pool mode are unresolved expressions', counts: 'not flagged' },
  'aks/http-application-routing-enabled': { checks: 'CKV_AZURE_246', means: 'the add-on switch is an unresolved expression', counts: 'not flagged' },
};

// No Checkov check here depends on a Palisade setting: every fixture is scanned with the defaults.

function counts(f: Finding): boolean {
  return f.severity !== 'info' || INFO_FINDINGS[f.rule]?.counts === 'failing';
}

function refersTo(f: Finding, id: string): boolean {
  return f.frameworks.some((r) => r.framework === 'checkov' && r.id === id);
}

interface Scanned {
  resources: Resource[];
  findings: Finding[];
  errors: string[];
}

/** A fixture file ingested and scanned once, however many checks use it: as `palisade scan FILE` sees it. */
async function scanFile(file: string, cache: Map<string, Scanned>): Promise<Scanned> {
  const known = cache.get(file);
  if (known) return known;
  const ingested = await ingestPaths([join(CORPUS_DIR, CHECKOV_CORPUS, file)]);
  const scanned: Scanned = {
    resources: ingested.resources,
    findings: scanResources(ingested.resources),
    errors: ingested.errors.map((e) => `${file}${e.line ? `:${e.line}` : ''} ${e.message}`),
  };
  cache.set(file, scanned);
  return scanned;
}

/**
 * The resource an ARM fixture names. Checkov reports `<type>.<rendered name>`; Palisade names the
 * resource by its evaluated name, which is the written name when it is a literal or an expression the
 * template cannot resolve offline. Each fixture file holds one resource of the type under test; when
 * there are several, the written name must match.
 */
function armTarget(fixture: ArmFixture, resources: readonly Resource[]): { kind: string; name: string } | undefined {
  const kind = fixture.type ?? MANAGED_CLUSTER;
  const ofKind = resources.filter((r) => r.kind.toLowerCase() === kind.toLowerCase());
  const chosen = ofKind.length === 1 ? ofKind[0] : ofKind.find((r) => r.name === fixture.resource);
  return chosen ? { kind: chosen.kind, name: chosen.name } : undefined;
}

/** `azurerm_kubernetes_cluster.success` → kind and name (the Terraform label). */
function terraformTarget(address: string): { kind: string; name: string } {
  const dot = address.indexOf('.');
  return { kind: address.slice(0, dot), name: address.slice(dot + 1) };
}

interface Case {
  check: string;
  framework: string;
  file: string;
  /** The fixture's own name for the resource (ARM: as written; Terraform: the address). */
  label: string;
  target: { kind: string; name: string } | undefined;
  failing: boolean;
}

/** Compares one resource's expected verdict with Palisade's findings; a miss line when they differ. */
function judge(c: Case, findings: readonly Finding[], covered: boolean): string | undefined {
  const where = `${c.check} ${c.framework} ${c.file} ${c.label}`;
  if (!c.target) return `${where}: the fixture's resource is not among the ingested resources`;
  const { kind, name } = c.target;
  const mine = findings.filter((f) => refersTo(f, c.check) && f.resource.kind === kind && f.resource.name === name);
  const hit = mine.find(counts);
  if ((hit !== undefined) === c.failing) return undefined;
  if (hit) return `${where}: expected PASSED, Palisade reports ${hit.rule}: ${hit.message}`;
  const info = mine[0];
  const why = !covered ? `no Palisade rule cross-references ${c.check}` : info ? `only info: ${info.message}` : 'no finding';
  return `${where}: expected FAILED, Palisade passes it (${why})`;
}

/**
 * Checkov's AKS checks on its ARM and Terraform fixtures: a resource the index lists as failing must
 * carry a finding cross-referenced `{framework: 'checkov', id}`, a passing one must not. Bicep fixtures
 * need the Bicep compiler to become templates and are counted as not compared.
 */
export async function runCheckov(): Promise<SuiteResult> {
  const index = readIndex<{ checks: CheckovCheck[] }>(CHECKOV_CORPUS);
  const result: SuiteResult = { suite: 'checkov', total: 0, agreed: 0, misses: [], notes: [] };
  const cache = new Map<string, Scanned>();
  const inputErrors = new Set<string>();
  let bicepSkipped = 0;

  for (const check of index.checks) {
    const covered = rulesReferencing('checkov', check.id).length > 0;
    const tallies: string[] = [];
    for (const framework of ['arm', 'terraform'] as const) {
      const fixtures = check.frameworks[framework]?.fixtures ?? [];
      if (fixtures.length === 0) continue;
      let agreed = 0;
      let total = 0;
      for (const fixture of fixtures) {
        const scanned = await scanFile(fixture.file, cache);
        for (const e of scanned.errors) inputErrors.add(e);
        const base = { check: check.id, framework, file: fixture.file };
        const cases: Case[] = [];
        if (framework === 'arm') {
          const f = fixture as ArmFixture;
          cases.push({ ...base, label: f.resource, target: armTarget(f, scanned.resources), failing: f.expected === 'FAILED' });
        } else {
          const f = fixture as NamedFixture;
          for (const a of f.failing ?? []) cases.push({ ...base, label: a, target: terraformTarget(a), failing: true });
          for (const a of f.passing ?? []) cases.push({ ...base, label: a, target: terraformTarget(a), failing: false });
        }
        for (const c of cases) {
          total++;
          const miss = judge(c, scanned.findings, covered);
          if (miss === undefined) agreed++;
          else result.misses.push(miss);
        }
      }
      result.total += total;
      result.agreed += agreed;
      tallies.push(`${framework} ${agreed}/${total}`);
    }
    const bicep = (check.frameworks.bicep?.fixtures ?? []) as NamedFixture[];
    const bicepCount = bicep.reduce((n, f) => n + (f.passing?.length ?? 0) + (f.failing?.length ?? 0), 0);
    if (bicepCount) tallies.push(`bicep ${bicepCount} not compared`);
    bicepSkipped += bicepCount;
    result.notes.push(`${check.id}: ${tallies.join(', ')}${covered ? '' : ' (no Palisade rule cross-references it)'}`);
  }

  const untabled = [...new Set(index.checks.flatMap((c) => rulesReferencing('checkov', c.id).map((r) => r.meta.id)))].filter((id) => !(id in INFO_FINDINGS));
  if (untabled.length) result.notes.push(`rules without an entry in the info table (their info counts as not flagged): ${untabled.join(', ')}`);
  result.notes.push(`bicep resources not compared: ${bicepSkipped} (.bicep sources need the Bicep compiler; scan its JSON output instead)`);
  for (const e of inputErrors) result.notes.push(`input error: ${e}`);
  return result;
}
