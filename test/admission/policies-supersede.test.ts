import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { admissionPolicies } from '../../src/admission/policies.js';
import { renderPolicySet } from '../../src/admission/policy-yaml.js';
import { reviewRequest } from '../../src/admission/review.js';
import type { ExceptionConfig } from '../../src/core/config.js';
import type { Rule } from '../../src/core/rule.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../../src/core/settings.js';
import { atLeast } from '../../src/core/severity.js';
import { RULES } from '../../src/rules/index.js';
import { parseResources, type RuleCases } from '../helpers/rule-tester.js';
import { apiTypeErrors } from './api-types.js';
import { PolicyEvaluator } from './cel-env.js';
import { reviewPolicy } from './review-policy.js';

/**
 * A rule that another takes over from for the same field (`Rule.supersedes`) reports, in a scan and in
 * the webhook, only the fields the other does not. Its policy, generated beside the other's, must
 * refuse exactly the objects on which the webhook still reports it: on every Pod of every rule's test
 * table, and with the other rule excepted for every object (the scan drops the finding before it
 * applies exceptions).
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SETTINGS: RuleSettings = { ...DEFAULT_SETTINGS, pssVersion: 'v1.37' };
const evaluator = new PolicyEvaluator();
const byId = (id: string) => RULES.find((r) => r.meta.id === id) as Rule;

async function tablePods(): Promise<Array<Record<string, unknown>>> {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.cases.ts') ? [join(dir, e.name)] : []));
  const pods: Array<Record<string, unknown>> = [];
  for (const file of walk(join(ROOT, 'test/rules'))) {
    const table = ((await import(pathToFileURL(file).href)) as { default: RuleCases }).default;
    for (const c of [...table.valid, ...table.invalid])
      for (const r of parseResources(c.input))
        if (r.kind === 'Pod' && apiTypeErrors(r.kind, r.object).length === 0) pods.push({ ...r.object, metadata: { ...(r.object.metadata as object), name: r.name, namespace: 'shop' } });
  }
  return pods;
}

const pods = await tablePods();
const hasPolicy = (r: Rule | undefined) => r?.cel !== undefined && 'validation' in r.cel;
const SUPERSEDED = RULES.filter(hasPolicy).flatMap((r) => (r.supersedes ?? []).map((over) => [r.meta.id, over] as const));
const PAIRS = SUPERSEDED.filter(([, over]) => hasPolicy(byId(over)));
// A rule with no CEL form (workload/sensitive-host-path) has no policy to refuse in the other's stead.
const UNPAIRED = SUPERSEDED.filter(([, over]) => !hasPolicy(byId(over)));

describe.each(PAIRS)('%s, taken over by %s', (id, over) => {
  it.each([false, true])('decides as the webhook (the other rule excepted: %s)', (excepted) => {
    const exceptions: ExceptionConfig[] = excepted ? [{ rule: over, resources: ['*/*/*'], reason: 'r', expires: undefined }] : [];
    const set = admissionPolicies([byId(id), byId(over)], { settings: SETTINGS, mode: 'deny', excludedNamespaces: [], exceptions });
    const policy = set.policies.find((p) => p.rule.meta.id === id)!;
    const webhook = reviewPolicy({ rules: [byId(id), byId(over)], settings: SETTINGS, failOn: 'low', aksManaged: false, allowIgnoreAnnotation: false, exceptions });
    const mismatches: string[] = [];
    let refused = 0;
    for (const object of pods) {
      const byPolicy = evaluator.review(policy, { object, namespace: 'shop' });
      const outcome = reviewRequest({ uid: 'u', operation: 'CREATE', namespace: 'shop', userInfo: { username: 'a' }, object }, webhook);
      const reported = outcome.violations.some((v) => v.rule === id);
      if (reported) refused++;
      if (byPolicy.admitted === reported || byPolicy.error) mismatches.push(`${(object.metadata as { name: string }).name}: webhook ${reported ? 'reports' : 'does not report'} ${id}, policy ${byPolicy.admitted ? 'admits' : 'refuses'}${byPolicy.error ?? ''}`);
    }
    expect(mismatches).toEqual([]);
    expect(refused).toBeGreaterThan(0);
  });
});

describe.each(UNPAIRED)('%s, taken over by %s, which has no policy', (id, over) => {
  it('refuses on its own every object on which the webhook reports either rule', () => {
    const set = admissionPolicies([byId(id), byId(over)], { settings: SETTINGS, mode: 'deny', excludedNamespaces: [] });
    const policy = set.policies.find((p) => p.rule.meta.id === id)!;
    const webhook = reviewPolicy({ rules: [byId(id), byId(over)], settings: SETTINGS, failOn: 'low', aksManaged: false, allowIgnoreAnnotation: false, exceptions: [] });
    const mismatches: string[] = [];
    let takenOver = 0;
    for (const object of pods) {
      const byPolicy = evaluator.review(policy, { object, namespace: 'shop' });
      const reported = reviewRequest({ uid: 'u', operation: 'CREATE', namespace: 'shop', userInfo: { username: 'a' }, object }, webhook).violations.map((v) => v.rule);
      if (reported.includes(over) && !reported.includes(id)) takenOver++;
      const refused = reported.includes(id) || reported.includes(over);
      if (byPolicy.admitted === refused || byPolicy.error) mismatches.push(`${(object.metadata as { name: string }).name}: webhook ${refused ? 'refuses' : 'admits'}, policy ${byPolicy.admitted ? 'admits' : 'refuses'}${byPolicy.error ?? ''}`);
    }
    expect(mismatches).toEqual([]);
    expect(takenOver).toBeGreaterThan(0);
  });

  it('warns that an exception for the rule that takes over does not excuse objects from the policy', () => {
    const exceptions: ExceptionConfig[] = [{ rule: over, resources: ['monitoring/DaemonSet/node-exporter'], reason: 'r', expires: undefined }];
    const set = admissionPolicies([byId(id), byId(over)], { settings: SETTINGS, mode: 'deny', excludedNamespaces: [], exceptions });
    expect(set.warnings).toContainEqual(expect.stringMatching(new RegExp(`^exception for ${over} on monitoring/DaemonSet/node-exporter: .* ${over} has no policy, so the ${id} policy still refuses those objects`)));
    const alsoExcepted = admissionPolicies([byId(id), byId(over)], { settings: SETTINGS, mode: 'deny', excludedNamespaces: [], exceptions: [...exceptions, { ...exceptions[0]!, rule: id }] });
    expect(alsoExcepted.warnings.filter((w) => w.includes('has no policy'))).toEqual([]);
  });

  it('warns that an exception for its own rule alone admits, in the policies, what the rule that takes over reports', () => {
    const exceptions: ExceptionConfig[] = [{ rule: id, resources: ['shop/DaemonSet/escape'], reason: 'r', expires: undefined }];
    const set = admissionPolicies([byId(id), byId(over)], { settings: SETTINGS, mode: 'deny', excludedNamespaces: [], exceptions });
    expect(set.warnings).toContainEqual(
      expect.stringMatching(new RegExp(`^exception for ${id} on shop/DaemonSet/escape: the ${id} policy also refuses in the stead of ${over}, which has no policy, so the policies admit what ${over} reports`)),
    );
    for (const both of [[...exceptions, { ...exceptions[0]!, rule: over }], [{ ...exceptions[0]!, rule: 'workload/*' }]]) {
      const paired = admissionPolicies([byId(id), byId(over)], { settings: SETTINGS, mode: 'deny', excludedNamespaces: [], exceptions: both });
      expect(paired.warnings.filter((w) => w.includes('in the stead of'))).toEqual([]);
    }
  });

  it.each(['critical', 'high', 'medium', 'low', 'info'] as const)('is generated at --fail-on %s whenever the rule that takes over reaches it, refusing every object the webhook refuses', (failOn) => {
    const set = admissionPolicies([byId(id), byId(over)], { settings: SETTINGS, mode: 'deny', excludedNamespaces: [], failOn });
    const policy = set.policies.find((p) => p.rule.meta.id === id);
    const overReaches = atLeast(byId(over).meta.maxSeverity ?? byId(over).meta.severity, failOn);
    const ownReaches = atLeast(byId(id).meta.maxSeverity ?? byId(id).meta.severity, failOn);
    expect(policy !== undefined).toBe(overReaches || ownReaches);
    if (!policy) return;
    expect(set.notEnforced).toContainEqual(expect.objectContaining({ rule: over, why: 'unsupported', refusedInStead: [id] }));
    const webhook = reviewPolicy({ rules: [byId(id), byId(over)], settings: SETTINGS, failOn, aksManaged: false, allowIgnoreAnnotation: false, exceptions: [] });
    const missed: string[] = [];
    let refusedByWebhook = 0;
    for (const object of pods) {
      const refused = !reviewRequest({ uid: 'u', operation: 'CREATE', namespace: 'shop', userInfo: { username: 'a' }, object }, webhook).response.allowed;
      if (refused) refusedByWebhook++;
      if (refused && evaluator.review(policy, { object, namespace: 'shop' }).admitted) missed.push((object.metadata as { name: string }).name);
    }
    expect(missed).toEqual([]);
    expect(refusedByWebhook).toBeGreaterThan(0);
    // Where it is enforced only in the other's stead, it refuses more than the webhook, and says so.
    expect(set.warnings.some((w) => w.startsWith(`${id} (`) && w.includes(`in the stead of ${over}`))).toBe(!ownReaches);
    const header = renderPolicySet(set, { generator: 'palisade 0.1.0', pssVersion: 'v1.37', pssLatest: true }).replace(/\n#\s*/g, ' ');
    expect(header).toContain(`In its stead the ${id} policy refuses the fields it reports`);
    expect(header.includes(`(${id} in the stead of a rule without a policy)`)).toBe(!ownReaches);
    expect(policy.inSteadOf).toEqual(ownReaches ? undefined : [over]);
  });

  it('is left below --fail-on when the rule that takes over is not generated with it', () => {
    const set = admissionPolicies([byId(id)], { settings: SETTINGS, mode: 'deny', excludedNamespaces: [], failOn: 'critical' });
    expect(set.policies).toEqual([]);
    expect(set.notEnforced).toContainEqual(expect.objectContaining({ rule: id, why: 'below-fail-on' }));
  });
});
