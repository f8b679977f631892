import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { MANAGED_CLUSTER_TYPE } from '../../../src/analyses/aks/index.js';
import type { Finding } from '../../../src/core/finding.js';
import { Inventory } from '../../../src/core/inventory.js';
import { isObj, type Resource } from '../../../src/core/resource.js';
import { ruleApplies, runRule, type Rule } from '../../../src/core/rule.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import type { Severity } from '../../../src/core/severity.js';

/** One Azure document as a source gives it: an ARM REST GET body or `az aks show -o json` output (JSON or YAML text). */
export interface AzureDoc {
  format: 'arm-rest' | 'az-cli' | 'terraform-plan' | 'terraform-hcl';
  text: string;
  kind: string;
  apiVersion: string;
  /** The resource's name where it is not the object's `name`: a Terraform resource's label. */
  name?: string;
}

export const rest = (text: string, apiVersion = '2026-08-01', kind = MANAGED_CLUSTER_TYPE): AzureDoc => ({ format: 'arm-rest', text, kind, apiVersion });
export const cli = (text: string, kind = MANAGED_CLUSTER_TYPE): AzureDoc => ({ format: 'az-cli', text, kind, apiVersion: 'az-cli' });
/** An AzAPI resource (`azapi_resource.LABEL`) of one plan (`plan.json`): Terraform's attributes, the ARM resource in `body`. */
export const azapi = (label: string, text: string, kind = MANAGED_CLUSTER_TYPE): AzureDoc => ({ format: 'terraform-plan', text, kind, apiVersion: 'terraform', name: label });

export function azureResource(doc: AzureDoc, index = 0): Resource {
  const object = load(doc.text);
  if (!isObj(object)) throw new Error('bad test input: not an object');
  const name = doc.name ?? (typeof object.name === 'string' ? object.name : `cluster-${index}`);
  return { apiVersion: doc.apiVersion, kind: doc.kind, namespace: null, name, object, source: { file: doc.format === 'terraform-plan' ? 'plan.json' : `doc-${index}.json`, line: 1 }, format: doc.format };
}

export function clusterFindings(rule: Rule, docs: AzureDoc[]): Finding[] {
  const resources = docs.map(azureResource);
  const inventory = new Inventory(resources);
  return resources.filter((r) => ruleApplies(rule, r)).flatMap((r) => runRule(rule, r, inventory, DEFAULT_SETTINGS));
}

export interface ValidClusterCase {
  name: string;
  docs: AzureDoc[];
}

export interface ExpectedClusterFinding {
  field?: string;
  message?: string | RegExp;
  severity?: Severity;
  /** `kind/name` of the resource the finding lands on. */
  resource?: string;
  verify?: string | RegExp;
  /** `framework:id` of every cross-reference, in order. */
  frameworks?: string[];
  evidence?: Record<string, unknown>;
}

export interface InvalidClusterCase extends ValidClusterCase {
  findings: ExpectedClusterFinding[];
}

/** RuleTester's shape for cluster rules: valid documents give no finding, invalid ones exactly the listed findings, in order. */
export function clusterRuleTester(rule: Rule, cases: { valid: ValidClusterCase[]; invalid: InvalidClusterCase[] }): void {
  describe(rule.meta.id, () => {
    it('has complete meta', () => {
      expect(rule.meta.id).toMatch(/^aks\/[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.meta.title.length).toBeGreaterThan(0);
      expect(rule.meta.description.length).toBeGreaterThan(0);
      expect(rule.meta.remediation.length).toBeGreaterThan(0);
      expect(rule.meta.references.length).toBeGreaterThan(0);
    });
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        expect(clusterFindings(rule, c.docs).map((f) => `${f.field ?? ''}: ${f.message}`)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const got = clusterFindings(rule, c.docs);
        expect(got.length, got.map((f) => `${f.field ?? ''}: ${f.message}`).join('\n')).toBe(c.findings.length);
        c.findings.forEach((want, i) => {
          const f = got[i] as Finding;
          expect(f.rule).toBe(rule.meta.id);
          // Every finding names the field, shows what was found against what is expected, and says how to check it live.
          expect(f.field).toBeTruthy();
          expect(f.evidence).toHaveProperty('observed');
          expect(f.evidence).toHaveProperty('expected');
          expect(f.verify).toMatch(/^az aks (nodepool )?show /);
          if (want.field !== undefined) expect(f.field).toBe(want.field);
          if (want.severity !== undefined) expect(f.severity).toBe(want.severity);
          if (want.resource !== undefined) expect(`${f.resource.kind}/${f.resource.name}`).toBe(want.resource);
          if (typeof want.message === 'string') expect(f.message).toBe(want.message);
          else if (want.message) expect(f.message).toMatch(want.message);
          if (typeof want.verify === 'string') expect(f.verify).toBe(want.verify);
          else if (want.verify) expect(f.verify).toMatch(want.verify);
          if (want.frameworks) expect(f.frameworks.map((r) => `${r.framework}:${r.id}`)).toEqual(want.frameworks);
          if (want.evidence) expect(f.evidence).toMatchObject(want.evidence);
        });
      });
    }
  });
}
