import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { complete, ObjectEvaluator } from '../../src/admission/object-evaluator.js';
import { evaluate } from '../../src/core/engine.js';
import { isActive, type Finding } from '../../src/core/finding.js';
import { Inventory } from '../../src/core/inventory.js';
import type { Resource } from '../../src/core/resource.js';
import { defineRule, type Rule } from '../../src/core/rule.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../../src/core/settings.js';
import { atLeast, SEVERITIES, type Severity } from '../../src/core/severity.js';
import { createSuppressor } from '../../src/core/suppress.js';
import { ingestPaths } from '../../src/ingest/files.js';
import { RULES } from '../../src/rules/index.js';
import { parseResources, type RuleCases } from '../helpers/rule-tester.js';

/**
 * The webhook's evaluator must find what the scan engine finds on one object: the same findings, in
 * the same order, superseded and suppressed alike, once their ids and verify commands are filled in.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WEBHOOK_RULES = RULES.filter((r) => r.meta.id.startsWith('workload/') || r.meta.id.startsWith('pss/'));
const NOW = new Date('2026-11-26T12:00:00Z');

function suppressor() {
  return createSuppressor({
    exceptions: [{ rule: 'workload/privileged-container', resources: ['legacy/*/*'], reason: 'vendor agent', expires: undefined }],
    allowAnnotations: true,
    aksManaged: true,
    now: NOW,
    configSource: 'config',
  });
}

/** Both ways on one object, each alone in its inventory as in an admission request. */
function both(evaluator: ObjectEvaluator, rules: readonly Rule[], resource: Resource, settings: RuleSettings) {
  const engine = evaluate(rules, new Inventory([resource]), settings, suppressor());
  const mine = evaluator.evaluate(resource, settings, suppressor());
  complete(mine.findings, resource);
  return { engine: { findings: engine.findings, errors: engine.errors.map((e) => e.message) }, mine };
}

async function caseResources(): Promise<Array<{ label: string; resource: Resource; settings: RuleSettings }>> {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.cases.ts') ? [join(dir, e.name)] : []));
  const out: Array<{ label: string; resource: Resource; settings: RuleSettings }> = [];
  for (const file of walk(join(ROOT, 'test/rules'))) {
    const table = ((await import(pathToFileURL(file).href)) as { default: RuleCases }).default;
    const cases = [...table.valid, ...table.invalid];
    cases.forEach((c, i) => {
      for (const resource of parseResources(c.input)) {
        out.push({ label: `${table.rule.meta.id} #${i} ${resource.kind}/${resource.name}`, resource, settings: { ...DEFAULT_SETTINGS, ...c.settings } });
      }
    });
  }
  return out;
}

describe('ObjectEvaluator', () => {
  it('finds what the engine finds on every object of the rule tables and the bundled examples', async () => {
    const evaluator = new ObjectEvaluator(WEBHOOK_RULES);
    const samples = await caseResources();
    const examples = await ingestPaths([join(ROOT, 'examples')], {});
    for (const resource of examples.resources) samples.push({ label: `example ${resource.source.file}`, resource, settings: DEFAULT_SETTINGS });
    // Some of these suppressions must come into play: the comparison covers them.
    const legacy = samples.find((s) => s.resource.kind === 'Pod');
    if (legacy) samples.push({ ...legacy, label: `${legacy.label} in legacy`, resource: { ...legacy.resource, namespace: 'legacy' } });
    let findings = 0;
    let suppressed = 0;
    for (const s of samples) {
      const { engine, mine } = both(evaluator, WEBHOOK_RULES, s.resource, s.settings);
      expect(mine, s.label).toEqual(engine);
      findings += mine.findings.length;
      suppressed += mine.findings.filter((f) => f.suppressed !== undefined).length;
    }
    expect(samples.length).toBeGreaterThan(300);
    expect(findings).toBeGreaterThan(300);
    expect(suppressed).toBeGreaterThan(0);
  });

  it('with a threshold, finds every finding at or above it that all the rules find, and no more rules run than can reach it', async () => {
    const samples = await caseResources();
    const examples = await ingestPaths([join(ROOT, 'examples')], {});
    for (const resource of examples.resources) samples.push({ label: `example ${resource.source.file}`, resource, settings: DEFAULT_SETTINGS });
    const all = new ObjectEvaluator(WEBHOOK_RULES);
    const atOrAbove = (findings: Finding[], threshold: Severity) => findings.filter((f) => isActive(f) && atLeast(f.severity, threshold));
    for (const threshold of SEVERITIES) {
      const reaching = new ObjectEvaluator(WEBHOOK_RULES, threshold);
      let compared = 0;
      for (const s of samples) {
        const want = atOrAbove(all.evaluate(s.resource, s.settings, suppressor()).findings, threshold);
        const got = atOrAbove(reaching.evaluate(s.resource, s.settings, suppressor()).findings, threshold);
        complete(want, s.resource);
        complete(got, s.resource);
        expect(got, `${s.label} at ${threshold}`).toEqual(want);
        compared += want.length;
      }
      if (threshold !== 'critical') expect(compared, threshold).toBeGreaterThan(50);
    }
    // At high, the low and medium rules are left out, but not a rule a kept rule supersedes.
    const ids = (e: ObjectEvaluator) => new Set(e.rulesRun().map((r) => r.meta.id));
    const high = ids(new ObjectEvaluator(WEBHOOK_RULES, 'high'));
    expect(high.has('workload/privileged-container')).toBe(true);
    expect(high.has('workload/no-cpu-request')).toBe(false);
    expect(high.size).toBeLessThan(WEBHOOK_RULES.length);
    expect(ids(new ObjectEvaluator(WEBHOOK_RULES, 'info')).size).toBe(WEBHOOK_RULES.length);
  });

  it('keeps, at a threshold, a low rule that a rule reaching it supersedes: its field still drops that rule’s finding', () => {
    const [pod] = parseResources('apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  hostNetwork: true\n  containers:\n  - {name: a, image: nginx}\n');
    const meta = (WEBHOOK_RULES[0] as Rule).meta;
    const quiet = defineRule({ meta: { ...meta, id: 'workload/quiet', severity: 'low' }, target: { pods: true }, check: (ctx) => ctx.report({ message: 'quiet', field: 'spec.hostNetwork' }) });
    const loud = defineRule({
      meta: { ...meta, id: 'workload/loud', severity: 'high' },
      target: { pods: true },
      supersedes: ['workload/quiet'],
      check: (ctx) => {
        ctx.report({ message: 'loud', field: 'spec.hostNetwork' });
        ctx.report({ message: 'loud elsewhere', field: 'spec.containers[0]' });
      },
    });
    const unrelated = defineRule({ meta: { ...meta, id: 'workload/unrelated', severity: 'medium' }, target: { pods: true }, check: (ctx) => ctx.report({ message: 'unrelated' }) });
    const evaluator = new ObjectEvaluator([quiet, loud, unrelated], 'high');
    expect(evaluator.rulesRun().map((r) => r.meta.id)).toEqual(['workload/quiet', 'workload/loud']);
    const found = evaluator.evaluate(pod as Resource, DEFAULT_SETTINGS, suppressor()).findings;
    expect(found.filter((f) => atLeast(f.severity, 'high')).map((f) => f.message)).toEqual(['loud elsewhere']);
  });

  it('keeps one finding for a field two rules report when one supersedes the other, as the engine does', () => {
    const [pod] = parseResources('apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  hostNetwork: true\n  containers:\n  - {name: a, image: nginx}\n');
    const meta = (WEBHOOK_RULES[0] as Rule).meta;
    const broad = defineRule({ meta: { ...meta, id: 'workload/broad' }, target: { pods: true }, check: (ctx) => ctx.report({ message: 'broad', field: 'spec.hostNetwork' }) });
    const narrow = defineRule({
      meta: { ...meta, id: 'workload/narrow' },
      target: { kinds: ['Pod'] },
      supersedes: ['workload/broad'],
      check: (ctx) => {
        ctx.report({ message: 'narrow', field: 'spec.hostNetwork' });
        ctx.report({ message: 'elsewhere', field: 'spec.containers[0]' });
      },
    });
    for (const rules of [[broad, narrow], [narrow, broad], [broad]]) {
      const { engine, mine } = both(new ObjectEvaluator(rules), rules, pod as Resource, DEFAULT_SETTINGS);
      expect(mine).toEqual(engine);
      expect(mine.findings.map((f) => f.message)).toEqual(rules.length === 2 ? ['broad', 'elsewhere'] : ['broad']);
    }
  });

  it('reports a rule that throws by name, without the findings it made before throwing', () => {
    const [pod] = parseResources('apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers:\n  - {name: a, image: nginx}\n');
    const flaky = defineRule({
      meta: { ...(WEBHOOK_RULES[0] as Rule).meta, id: 'workload/flaky' },
      target: { pods: true },
      check(ctx) {
        ctx.report({ message: 'half-way' });
        throw new Error('cannot read this');
      },
    });
    const rules = [flaky, ...WEBHOOK_RULES];
    const { engine, mine } = both(new ObjectEvaluator(rules), rules, pod as Resource, DEFAULT_SETTINGS);
    expect(mine).toEqual(engine);
    expect(mine.errors).toEqual(['rule workload/flaky failed on Pod/p: cannot read this']);
    expect(mine.findings.some((f) => f.rule === 'workload/flaky')).toBe(false);
  });

  it('leaves ids and verify commands to complete(), which writes the engine’s', () => {
    const [pod] = parseResources('apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers:\n  - name: a\n    image: nginx\n    securityContext: {privileged: true}\n');
    const mine = new ObjectEvaluator(WEBHOOK_RULES).evaluate(pod as Resource, DEFAULT_SETTINGS, suppressor());
    const privileged = mine.findings.find((f) => f.rule === 'workload/privileged-container');
    expect(privileged?.id).toBe('');
    complete(mine.findings, pod as Resource);
    const engine = evaluate(WEBHOOK_RULES, new Inventory([pod as Resource]), DEFAULT_SETTINGS).findings.find((f) => f.rule === 'workload/privileged-container');
    expect(privileged?.id).toBe(engine?.id);
    expect(privileged?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(privileged?.verify).toBe(engine?.verify);
  });
});
