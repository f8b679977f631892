import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/engine.js';
import { Inventory } from '../../src/core/inventory.js';
import { RULES } from '../../src/rules/index.js';
import type { Finding } from '../../src/core/finding.js';
import { ruleApplies, runRule, type Rule } from '../../src/core/rule.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../../src/core/settings.js';
import { severityRank, type Severity } from '../../src/core/severity.js';
import { decodeText, type DecodeSink } from '../../src/ingest/decode.js';
import { DEFAULT_LIMITS } from '../../src/ingest/limits.js';
import type { Resource } from '../../src/core/resource.js';

/** One test input: YAML (one or more documents). Every document the rule targets is checked. */
export interface ValidCase {
  name?: string;
  input: string;
  settings?: Partial<RuleSettings>;
}

export interface ExpectedFinding {
  field?: string;
  container?: string;
  message?: string | RegExp;
  severity?: Severity;
  /** `Kind/name` of the resource the finding is on, when the input has several. */
  resource?: string;
  verify?: string;
  /** Matched as a subset of the finding's evidence. */
  evidence?: Record<string, unknown>;
}

export interface InvalidCase extends ValidCase {
  findings: ExpectedFinding[];
}

/**
 * A rule's test table in a module of its own (`<rule>.cases.ts`), so that other tests can run the same
 * cases: the CEL equivalence test (test/admission) evaluates the rule's admission form on each.
 */
export interface RuleCases {
  rule: Rule;
  valid: ValidCase[];
  invalid: InvalidCase[];
}

export function ruleCases(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): RuleCases {
  return { rule, ...cases };
}

export function parseResources(yaml: string): Resource[] {
  const sink: DecodeSink = { resources: [], errors: [], notes: [] };
  decodeText(yaml, 'test.yaml', DEFAULT_LIMITS, sink);
  if (sink.errors.length) throw new Error(`bad test input: ${sink.errors.map((e) => e.message).join('; ')}`);
  return sink.resources;
}

/**
 * The rule's findings. A restricted Pod Security check runs beside the baseline check it replaces,
 * as a scan and Pod Security Admission run them, so fields the baseline check reports are left to
 * it; other superseding (by hardening rules) is tested at the engine.
 */
export function findingsFor(rule: Rule, yaml: string, settings: Partial<RuleSettings> = {}): Finding[] {
  const resources = parseResources(yaml);
  const inventory = new Inventory(resources);
  const s = { ...DEFAULT_SETTINGS, ...settings };
  const companions = RULES.filter((r) => 'pss' in r && rule.supersedes?.includes(r.meta.id));
  if (companions.length === 0) return resources.filter((r) => ruleApplies(rule, r)).flatMap((r) => runRule(rule, r, inventory, s));
  return evaluate([rule, ...companions], inventory, s).findings.filter((f) => f.rule === rule.meta.id);
}

/**
 * ESLint RuleTester's shape: `valid` inputs must produce no finding, each `invalid` input exactly the
 * listed findings (in order), matched on the fields given.
 */
export function ruleTester(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    it('has complete meta', () => {
      expect(rule.meta.id).toMatch(/^[a-z]+\/[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.meta.title.length).toBeGreaterThan(0);
      expect(rule.meta.description.length).toBeGreaterThan(0);
      expect(rule.meta.remediation.length).toBeGreaterThan(0);
      expect(cases.valid.length).toBeGreaterThan(0);
      expect(cases.invalid.length).toBeGreaterThan(0);
    });
    cases.valid.forEach((c, i) => {
      it(`valid #${i}${c.name ? `: ${c.name}` : ''}`, () => {
        const got = findingsFor(rule, c.input, c.settings);
        expect(got.map((f) => `${f.field ?? ''}: ${f.message}`)).toEqual([]);
      });
    });
    cases.invalid.forEach((c, i) => {
      it(`invalid #${i}${c.name ? `: ${c.name}` : ''}`, () => {
        const got = findingsFor(rule, c.input, c.settings);
        expect(got.length, got.map((f) => `${f.field ?? ''}: ${f.message}`).join('\n')).toBe(c.findings.length);
        c.findings.forEach((want, j) => {
          const f = got[j] as Finding;
          if (want.field !== undefined) expect(f.field).toBe(want.field);
          if (want.container !== undefined) expect(f.container).toBe(want.container);
          if (want.severity !== undefined) expect(f.severity).toBe(want.severity);
          if (want.resource !== undefined) expect(`${f.resource.kind}/${f.resource.name}`).toBe(want.resource);
          if (want.verify !== undefined) expect(f.verify).toBe(want.verify);
          if (want.evidence !== undefined) expect(f.evidence).toMatchObject(want.evidence);
          // kubectl cannot show an Azure resource (an ARM type such as Microsoft.Authorization/roleAssignments).
          if (f.resource.kind.includes('/')) expect(f.verify ?? '').not.toMatch(/^kubectl /);
          if (typeof want.message === 'string') expect(f.message).toBe(want.message);
          else if (want.message) expect(f.message).toMatch(want.message);
          expect(f.rule).toBe(rule.meta.id);
          // A rule never reports above what its meta says it can: admission skips rules by it.
          expect(severityRank(f.severity), `${f.severity} finding of a rule whose meta allows ${rule.meta.maxSeverity ?? rule.meta.severity}`).toBeGreaterThanOrEqual(
            severityRank(rule.meta.maxSeverity ?? rule.meta.severity),
          );
        });
      });
    });
  });
}
