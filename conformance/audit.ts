import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { atLeast, type Severity } from '../src/core/severity.js';
import type { Alert } from '../src/audit/alert.js';
import { AuditEngine } from '../src/audit/engine.js';
import { applySettings, type AuditSettingsInput } from '../src/audit/rules-file.js';
import { DEFAULT_AUDIT_SETTINGS, type AuditSettings } from '../src/audit/settings.js';
import { readInput } from '../src/audit/stream.js';
import { compileUserRules, type UserRule } from '../src/audit/user-rule.js';
import { CORPUS_DIR, readIndex, type SuiteResult } from './corpus.js';

/** Falco's k8s-audit regression tests, below the corpus. */
export const AUDIT_CORPUS = 'audit/falco';
const AKS_SAMPLES = 'audit/aks-samples';

interface FalcoTest {
  test: string;
  trace: string;
  detect: boolean;
  detect_level?: string | null;
  expected_rule_counts: Record<string, number>;
  rules_files: string[];
  stderr_contains?: string;
}

interface FalcoIndex {
  rules_under_test: string;
  tests: FalcoTest[];
  rule_renames_0_6_0_to_head?: never;
  [key: string]: unknown;
}

/** Falco priorities as Palisade severities (what `detect_level` means for `--fail-on`). */
const PRIORITY: Record<string, Severity> = {
  EMERGENCY: 'critical',
  ALERT: 'critical',
  CRITICAL: 'critical',
  ERROR: 'high',
  WARNING: 'medium',
  NOTICE: 'low',
  INFORMATIONAL: 'info',
  INFO: 'info',
  DEBUG: 'info',
};

type FalcoItem = { list?: string; items?: unknown[]; append?: boolean; macro?: string; condition?: string; rule?: string };

/** A Falco rules file's lists (last definition wins, `append` extends) and macros. */
function readFalcoFile(file: string, lists: Map<string, string[]>, macros: Map<string, string>): boolean {
  // Falco's files indent flow sequences loosely; `yaml` accepts them where js-yaml 5 does not.
  const doc = parseYaml(readFileSync(file, 'utf8'), { strict: false }) as FalcoItem[] | null;
  let hasRules = false;
  for (const item of doc ?? []) {
    if (!item || typeof item !== 'object') continue;
    if (typeof item.list === 'string') {
      const items = (item.items ?? []).map(String).flatMap((x) => lists.get(x) ?? [x]);
      lists.set(item.list, item.append ? [...(lists.get(item.list) ?? []), ...items] : items);
    } else if (typeof item.macro === 'string' && typeof item.condition === 'string') macros.set(item.macro, item.condition);
    else if (typeof item.rule === 'string') hasRules = true;
  }
  return hasRules;
}

/** `(ka.req.pod.containers.image.repository in (nginx))`, `(ka.req.container.image=apache)` → the images. */
function imagesOfCondition(condition: string): string[] | undefined {
  const m = /image(?:\.repository)?\s*(?:in\s*\(([^)]*)\)|=\s*([\w./:-]+))/.exec(condition);
  if (!m) return undefined;
  return (m[1] ?? m[2] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * The Palisade configuration equivalent to the Falco rules files a test loads: Falco's allow lists
 * become settings (read from the files themselves, so nothing of Falco's is copied here), its
 * `allowed_k8s_containers` macro becomes settings.allowedImages, `consider_activity_events` turned off
 * becomes activity: false, and a file that defines rules of its own is translated by hand.
 */
function equivalentConfig(test: FalcoTest, root: string): { settings: AuditSettings; rules: UserRule[]; notes: string[] } {
  const lists = new Map<string, string[]>();
  const macros = new Map<string, string>();
  const notes: string[] = [];
  let rules: UserRule[] = [];
  let builtins = false;
  for (const f of test.rules_files) {
    const path = join(root, f);
    if (!existsSync(path)) continue; // falco_rules.yaml: the syscall rules, irrelevant to audit events
    const isRuleSet = /k8s_audit_rules/.test(basename(f));
    const definesRules = readFalcoFile(path, lists, macros);
    if (isRuleSet) builtins = true;
    else if (definesRules && basename(f) === 'single_rule_with_json_pointer.yaml') {
      // jevt.value[/annotations/authorization.k8s.io~1decision] exists and not jevt.value[/a~1~0b] exists
      rules = compileUserRules(
        [{ id: 'json_pointer_example', severity: 'medium', condition: '"authorization.k8s.io/decision" in event.annotations && !("a/~b" in event)', message: 'JSON Pointer Test Alert', frameworks: [{ framework: 'falco', id: 'json_pointer_example' }] }],
        f,
      );
    } else if (definesRules) notes.push(`${test.test}: rules in ${f} not translated`);
  }
  const input: AuditSettingsInput = {};
  if (builtins) {
    // Falco runs these with its default lists; in Palisade they are opt-in, so the lists are given.
    input.allowedUsers = [...(lists.get('allowed_k8s_users') ?? []), ...(lists.get('eks_allowed_k8s_users') ?? [])];
    input.allowedNamespaces = lists.get('allowed_namespaces') ?? [];
    input.trustedImages = {
      privileged: lists.get('falco_privileged_images') ?? [],
      sensitiveMount: lists.get('falco_sensitive_mount_images') ?? [],
      hostNetwork: lists.get('falco_hostnetwork_images') ?? [],
    };
    const containers = macros.get('allowed_k8s_containers');
    if (containers && !/always_true/.test(containers)) {
      const images = imagesOfCondition(containers);
      if (images) input.allowedImages = images;
      else notes.push(`${test.test}: allowed_k8s_containers not translated`);
    }
    const activity = macros.get('consider_activity_events');
    if (activity && /not\s+jevt\.rawtime\s+exists/.test(activity)) input.activity = false;
  } else input.disable = ['audit/*'];
  return { settings: applySettings(input, DEFAULT_AUDIT_SETTINGS), rules, notes };
}

/** Tests that load only Falco's default rule file (plus the syscall rules): Palisade runs with its defaults. */
function usesDefaultRules(test: FalcoTest, underTest: string): boolean {
  return test.rules_files.every((f) => f === underTest || /falco_rules\.yaml/.test(f));
}

async function run(trace: string, settings: AuditSettings, userRules: UserRule[]): Promise<{ alerts: Alert[]; engine: AuditEngine }> {
  const alerts: Alert[] = [];
  const engine = new AuditEngine({ settings, userRules, onAlert: (a) => alerts.push(a) });
  await readInput(createReadStream(trace), trace, 'auto', engine);
  return { alerts, engine };
}

function falcoNames(a: Alert): string[] {
  return a.frameworks.filter((f) => f.framework === 'falco').map((f) => f.id.trim());
}

/**
 * Runs each of Falco's k8s-audit tests through the engine. A test agrees when every expected rule
 * fires exactly the expected number of times (alerts carry Falco's rule name, 0.6.0's or today's), a
 * test expecting detection has an alert at or above its level, a test expecting none has no alert at
 * or above its level, and the robustness trace is reported as unrecognised. Tests that use only the
 * default rules run with Palisade's defaults; the others with the equivalent configuration.
 */
export async function runAudit(): Promise<SuiteResult> {
  const root = join(CORPUS_DIR, AUDIT_CORPUS);
  const index = readIndex<FalcoIndex>(AUDIT_CORPUS);
  const renames = (index['rule_renames_0.6.0_to_head'] ?? {}) as Record<string, string[]>;
  const aliases = (name: string): string[] => [name, ...(renames[name] ?? []).filter((r) => !r.includes('('))];
  const result: SuiteResult = { suite: 'audit', total: 0, agreed: 0, misses: [], notes: [] };
  const groups = { default: { total: 0, agreed: 0 }, override: { total: 0, agreed: 0 } };

  for (const test of index.tests) {
    const byDefault = usesDefaultRules(test, index.rules_under_test);
    const config = byDefault ? { settings: DEFAULT_AUDIT_SETTINGS, rules: [] as UserRule[], notes: [] as string[] } : equivalentConfig(test, root);
    result.notes.push(...config.notes);
    const { alerts, engine } = await run(join(root, test.trace), config.settings, config.rules);
    const problems: string[] = [];
    for (const [rule, count] of Object.entries(test.expected_rule_counts)) {
      const names = aliases(rule.trim());
      const got = alerts.filter((a) => falcoNames(a).some((n) => names.includes(n))).length;
      if (got !== count) problems.push(`${rule}: ${got} alert(s), expected ${count}`);
    }
    const level = PRIORITY[(test.detect_level ?? 'DEBUG').toUpperCase()] ?? 'info';
    const atLevel = alerts.filter((a) => atLeast(a.severity, level));
    if (test.detect && atLevel.length === 0) problems.push(`expected an alert at ${level} or above, got none`);
    if (!test.detect && atLevel.length > 0) problems.push(`expected no alert at ${level} or above, got ${atLevel.map((a) => a.rule).join(', ')}`);
    if (test.stderr_contains !== undefined && !engine.errors.some((e) => /not recognized as a Kubernetes audit event/.test(e.message))) {
      problems.push('expected the input to be reported as not an audit event');
    }
    const g = byDefault ? groups.default : groups.override;
    g.total++;
    result.total++;
    if (problems.length === 0) {
      g.agreed++;
      result.agreed++;
    } else result.misses.push(`${test.test} (${byDefault ? 'default rules' : 'with overrides'}): ${problems.join('; ')}`);
  }

  // The real AKS storage blob: every record parses, and a healthy cluster raises nothing.
  const sample = join(CORPUS_DIR, AKS_SAMPLES, 'storage-blob-kube-audit.PT1H.jsonl');
  if (existsSync(sample)) {
    const { alerts, engine } = await run(sample, DEFAULT_AUDIT_SETTINGS, []);
    result.total += 2;
    if (engine.stats.malformed === 0 && engine.errors.length === 0 && engine.stats.events > 0) result.agreed++;
    else result.misses.push(`aks-samples: ${engine.stats.malformed} malformed records of ${engine.stats.events + engine.stats.malformed}`);
    if (alerts.length === 0) result.agreed++;
    else result.misses.push(`aks-samples: ${alerts.length} alert(s) on a healthy AKS cluster: ${[...new Set(alerts.map((a) => a.rule))].join(', ')}`);
    result.notes.push(`aks-samples: ${engine.stats.events} events, ${engine.stats.malformed} malformed, ${alerts.length} alerts`);
  }
  const pct = (x: { total: number; agreed: number }) => (x.total ? ((100 * x.agreed) / x.total).toFixed(1) : '100.0');
  result.notes.unshift(
    `Falco tests with the default rules (Palisade defaults): ${groups.default.agreed}/${groups.default.total} = ${pct(groups.default)}%`,
    `Falco tests with override files (equivalent Palisade settings): ${groups.override.agreed}/${groups.override.total} = ${pct(groups.override)}%`,
  );
  return result;
}
