import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { admissionPolicies, type GeneratedPolicy } from '../../src/admission/policies.js';
import { Inventory } from '../../src/core/inventory.js';
import type { Resource } from '../../src/core/resource.js';
import type { Finding } from '../../src/core/finding.js';
import { ruleApplies, runRule, type Rule } from '../../src/core/rule.js';
import { atLeast, SEVERITIES, type Severity } from '../../src/core/severity.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../../src/core/settings.js';
import { ingestPaths } from '../../src/ingest/files.js';
import { RULES } from '../../src/rules/index.js';
import { parseResources, type RuleCases, type ValidCase } from '../helpers/rule-tester.js';
import { apiTypeErrors } from './api-types.js';
import { PolicyEvaluator } from './cel-env.js';

/**
 * The proof that each generated CEL validation decides as its rule: on every case of every rule's test
 * table, on every Pod Security fixture of ../shared/corpus/pss (as a Pod and wrapped in a Deployment),
 * and on the bundled examples, the policy admits an object exactly when the rule reports nothing on it
 * above severity info; generated at a --fail-on, exactly when it reports nothing at or above that
 * severity (on the rule's own table). An object the policy does not match must get no finding either. Objects with a
 * field of the wrong JSON type (the tables' hostile shapes) are left out and listed: the API server
 * refuses to decode them, so no policy ever sees them.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PSS_CORPUS = resolve(ROOT, '../shared/corpus/pss');

const CEL_RULES = RULES.filter((r) => r.cel !== undefined && 'validation' in r.cel);

/** Every `<rule>.cases.ts` table under test/rules, by rule id. */
async function loadTables(): Promise<Map<string, RuleCases>> {
  const tables = new Map<string, RuleCases>();
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.cases.ts') ? [join(dir, e.name)] : []));
  for (const file of walk(join(ROOT, 'test/rules'))) {
    const mod = (await import(pathToFileURL(file).href)) as { default: RuleCases };
    tables.set(mod.default.rule.meta.id, mod.default);
  }
  return tables;
}

interface Sample {
  /** Where the object comes from, for failure messages. */
  label: string;
  resources: Resource[];
  settings: Partial<RuleSettings>;
}

function tableSamples(id: string, table: RuleCases): Sample[] {
  const all: Array<ValidCase & { kind: string }> = [...table.valid.map((c) => ({ ...c, kind: 'valid' })), ...table.invalid.map((c) => ({ ...c, kind: 'invalid' }))];
  return all.map((c, i) => ({ label: `${id} ${c.kind} #${i}${c.name ? ` (${c.name})` : ''}`, resources: parseResources(c.input), settings: c.settings ?? {} }));
}

/** Each fixture as upstream runs it: the Pod, and the same pod as a Deployment's template. */
function corpusSamples(): Sample[] {
  const index = JSON.parse(readFileSync(join(PSS_CORPUS, 'index.json'), 'utf8')) as { fixtures: Array<{ path: string; version: string }> };
  return index.fixtures.flatMap((f) => {
    const pod = load(readFileSync(join(PSS_CORPUS, f.path), 'utf8')) as { metadata?: Record<string, unknown>; spec?: unknown };
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'test', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'test' } }, template: { metadata: { ...pod.metadata, labels: { app: 'test' } }, spec: pod.spec } },
    };
    const source = { file: f.path, line: 1 };
    return [
      { label: `corpus ${f.path}`, resources: [{ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'test', object: pod as Record<string, unknown>, source }], settings: { pssVersion: f.version } },
      { label: `corpus ${f.path} as a Deployment`, resources: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'test', object: deployment, source }], settings: { pssVersion: f.version } },
    ];
  });
}

const evaluator = new PolicyEvaluator();
const policyCache = new Map<string, GeneratedPolicy | undefined>();

/** The rule's policy at these settings and --fail-on (undefined when the rule checks nothing there, or cannot reach it). */
function policyFor(rule: Rule, settings: RuleSettings, failOn?: Severity): GeneratedPolicy | undefined {
  const key = `${rule.meta.id}\n${failOn ?? ''}\n${JSON.stringify(settings)}`;
  if (!policyCache.has(key)) policyCache.set(key, admissionPolicies([rule], { settings, mode: 'deny', excludedNamespaces: [], ...(failOn ? { failOn } : {}) }).policies[0]);
  return policyCache.get(key);
}

interface Tally {
  compared: number;
  refused: number;
  mismatches: string[];
  /** Objects the API server would not decode, with the reason. */
  illTyped: string[];
}

/**
 * Compares the rule and its policy on every object of the samples: without `failOn`, the policy refuses
 * what the rule reports above info; with it, what the rule reports at or above it, as the webhook does.
 */
function compare(rule: Rule, samples: readonly Sample[], failOn?: Severity): Tally {
  const tally: Tally = { compared: 0, refused: 0, mismatches: [], illTyped: [] };
  for (const sample of samples) {
    const settings: RuleSettings = { ...DEFAULT_SETTINGS, ...sample.settings };
    const policy = policyFor(rule, settings, failOn);
    const inventory = new Inventory(sample.resources);
    for (const resource of sample.resources) {
      const typeErrors = apiTypeErrors(resource.kind, resource.object);
      if (typeErrors.length) {
        tally.illTyped.push(`${sample.label}: ${resource.kind}/${resource.name}: ${typeErrors.join('; ')}`);
        continue;
      }
      const counted = (f: Finding) => (failOn === undefined ? f.severity !== 'info' : atLeast(f.severity, failOn));
      const findings = ruleApplies(rule, resource) ? runRule(rule, resource, inventory, settings).filter(counted) : [];
      const matched = policy !== undefined && (policy.kinds as readonly string[]).includes(resource.kind);
      const decision = matched ? evaluator.admits(policy, resource.object) : { admitted: true };
      const refusedByRule = findings.length > 0;
      tally.compared++;
      if (!decision.admitted) tally.refused++;
      if (decision.admitted === !refusedByRule && decision.error === undefined) continue;
      tally.mismatches.push(
        `${sample.label}: ${resource.kind}/${resource.name}: rule ${refusedByRule ? `reports ${findings.map((f) => f.field).join(', ')}` : 'reports nothing'}, ` +
          `policy ${matched ? (decision.admitted ? 'admits' : `refuses${'error' in decision && decision.error ? ` (error: ${decision.error})` : ''}`) : 'does not match the kind'}`,
      );
    }
  }
  return tally;
}

const tables = await loadTables();
const ownSamples = new Map([...tables].map(([id, t]) => [id, tableSamples(id, t)]));
const corpus = existsSync(join(PSS_CORPUS, 'index.json')) ? corpusSamples() : undefined;
const examples = await ingestPaths([join(ROOT, 'examples')]);
const exampleSamples: Sample[] = [{ label: 'examples', resources: examples.resources, settings: {} }];

const summary: string[] = [];
const illTyped = new Set<string>();
afterAll(() => {
  process.stdout.write(
    `CEL equivalence, objects compared per rule (own table / other tables / PSS corpus / examples):\n${summary.join('\n')}\n` +
      `Left out, the API server would not decode them:\n${[...illTyped].map((l) => `  ${l}`).join('\n')}\n`,
  );
});

describe('every rule with a CEL form', () => {
  it('has a test table to be compared on', () => {
    expect(CEL_RULES.length).toBeGreaterThan(25);
    expect(CEL_RULES.map((r) => r.meta.id).filter((id) => !tables.has(id))).toEqual([]);
  });
});

describe.each(CEL_RULES.map((r) => [r.meta.id, r] as const))('%s', (id, rule) => {
  const counts: number[] = [];
  afterAll(() => {
    summary.push(`  ${id.padEnd(56)} ${counts.map((n) => String(n).padStart(5)).join(' /')}`);
  });

  it('decides as the rule on every case of its test table, valid and invalid', () => {
    const tally = compare(rule, ownSamples.get(id) ?? []);
    tally.illTyped.forEach((l) => illTyped.add(l));
    expect(tally.mismatches).toEqual([]);
    // Both outcomes occur, so the comparison says something.
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.refused).toBeLessThan(tally.compared);
    counts[0] = tally.compared;
  });

  it.each(SEVERITIES)('at --fail-on %s, decides as the rule on its test table, counting its findings at or above that severity', (failOn) => {
    const tally = compare(rule, ownSamples.get(id) ?? [], failOn);
    expect(tally.mismatches).toEqual([]);
  });

  it('decides as the rule on the cases of every other rule', () => {
    const tally = compare(rule, [...ownSamples].filter(([other]) => other !== id).flatMap(([, s]) => s));
    expect(tally.mismatches).toEqual([]);
    counts[1] = tally.compared;
  });

  it.skipIf(corpus === undefined)('decides as the rule on every Pod Security fixture, as a Pod and as a Deployment', () => {
    const tally = compare(rule, corpus ?? []);
    expect(tally.illTyped).toEqual([]);
    expect(tally.mismatches).toEqual([]);
    counts[2] = tally.compared;
  });

  it('decides as the rule on the bundled examples', () => {
    const tally = compare(rule, exampleSamples);
    expect(tally.illTyped).toEqual([]);
    expect(tally.mismatches).toEqual([]);
    counts[3] = tally.compared;
  });
});

describe('the corpus', () => {
  it.skipIf(corpus === undefined)('is read in full', () => {
    expect(corpus?.length).toBe(2 * 296);
    expect(relative(ROOT, PSS_CORPUS)).toBe(join('..', 'shared', 'corpus', 'pss'));
  });
});
