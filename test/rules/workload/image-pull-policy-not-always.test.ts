import { describe, expect, it } from 'vitest';
import { admissionPolicies } from '../../../src/admission/policies.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import { atLeast, type Severity } from '../../../src/core/severity.js';
import rule from '../../../src/rules/workload/image-pull-policy-not-always.js';
import { PolicyEvaluator } from '../../admission/cel-env.js';
import { findingsFor, parseResources, ruleTester } from '../../helpers/rule-tester.js';
import cases from './image-pull-policy-not-always.cases.js';
import { pod } from './fixtures.js';

ruleTester(cases.rule, cases);

it('the mutable-tag finding maps to kubescape and kube-score, the info finding to kube-score only', () => {
  const [mutable, fixed] = findingsFor(
    rule,
    pod(`  containers: [{ name: a, image: "web:stable", imagePullPolicy: IfNotPresent }, { name: b, image: "web:1.0", imagePullPolicy: IfNotPresent }]`),
    { mutableTags: ['stable'] },
  );
  expect(mutable?.frameworks).toEqual([
    { framework: 'kubescape', id: 'C-0075' },
    { framework: 'kube-score', id: 'container-image-pull-policy' },
  ]);
  expect(mutable?.evidence).toMatchObject({ observed: { image: 'web:stable', imagePullPolicy: 'IfNotPresent' }, mutableTag: 'stable' });
  expect(fixed?.frameworks).toEqual([{ framework: 'kube-score', id: 'container-image-pull-policy' }]);
  expect(fixed?.evidence).toMatchObject({ observed: { image: 'web:1.0', imagePullPolicy: 'IfNotPresent' } });
  expect(String(fixed?.evidence.risk)).toMatch(/pull secret|credentials/);
});

describe('the admission policy at --fail-on', () => {
  const evaluator = new PolicyEvaluator();
  const table = [...cases.valid, ...cases.invalid];

  // At info the policy refuses the fixed tags not pulled every time too, as the webhook and the scan count them.
  it.each(['info', 'low'] as const)('at %s, refuses each case of the table exactly where the rule reports at or above it', (failOn: Severity) => {
    const mismatches: string[] = [];
    let refused = 0;
    for (const c of table) {
      const settings = { ...DEFAULT_SETTINGS, ...c.settings };
      const policy = admissionPolicies([rule], { settings, mode: 'deny', excludedNamespaces: [], failOn }).policies[0]!;
      for (const resource of parseResources(c.input)) {
        const reported = findingsFor(rule, c.input, c.settings).some((f) => atLeast(f.severity, failOn) && f.resource.name === resource.name);
        const decision = evaluator.admits(policy, resource.object);
        if (!decision.admitted) refused++;
        if (decision.admitted === reported || decision.error) mismatches.push(`${c.name ?? c.input}: rule ${reported ? 'reports' : 'passes'}, policy ${decision.admitted ? 'admits' : 'refuses'}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(refused).toBeGreaterThan(0);
  });

  it('refuses a fixed tag with IfNotPresent only at info', () => {
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' }] } };
    const at = (failOn: Severity) => evaluator.admits(admissionPolicies([rule], { settings: DEFAULT_SETTINGS, mode: 'deny', excludedNamespaces: [], failOn }).policies[0]!, object).admitted;
    expect(at('info')).toBe(false);
    expect(at('low')).toBe(true);
  });
});
