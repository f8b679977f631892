import { describe, expect, it } from 'vitest';
import { admissionPolicies } from '../../../src/admission/policies.js';
import { Inventory } from '../../../src/core/inventory.js';
import { toResource } from '../../../src/core/resource.js';
import { runRule } from '../../../src/core/rule.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import rule from '../../../src/rules/workload/untrusted-registry.js';
import { PolicyEvaluator } from '../../admission/cel-env.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import cases, { pod } from './untrusted-registry.cases.js';

ruleTester(cases.rule, cases);

it('names the registry and the trusted list', () => {
  const [f] = findingsFor(rule, pod(`  containers: [{ name: app, image: "quay.io/org/app:1" }]`));
  expect(f?.evidence).toEqual({ observed: 'quay.io', expected: ['*.azurecr.io', 'mcr.microsoft.com'], image: 'quay.io/org/app:1' });
});

describe('repository prefixes in the admission policy', () => {
  const evaluator = new PolicyEvaluator();
  const IMAGES = [
    'ghcr.io/org/tool:1', 'ghcr.io/org/sub/tool', 'ghcr.io/org:1', 'ghcr.io/organisation/x', 'GHCR.io:443/org/x', 'ghcr.io:5000/org/x',
    'myacr.azurecr.io/team-a/api', 'myacr.azurecr.io/team-a', 'myacr.azurecr.io:443/team-a/x', 'myacr.azurecr.io/team-b/api', 'nginx', 'bitnami/redis:7',
    'docker.io/bitnami/redis', 'index.docker.io/library/nginx', 'quay.io/org/tool', 'localhost:5000/org/x',
  ];
  const SETTINGS = [
    ['ghcr.io/org/*'], ['ghcr.io/org/'], ['ghcr.io/org'], ['ghcr.io/org/sub/*', 'quay.io'], ['*.azurecr.io/team-a/*'], ['myacr.azurecr.io:443/team-a'],
    ['docker.io/bitnami/*', 'index.docker.io/library/'], ['ghcr.io/org/*/x', 'mcr.microsoft.com'], ['ghcr.io/*', 'Quay.IO:443/'], ['localhost:5000/org/*', '*.azurecr.io'],
  ];

  it.each(SETTINGS.map((s) => [s.join(', '), s] as const))('%s: the policy decides as the rule', (_label, trustedRegistries) => {
    const settings = { ...DEFAULT_SETTINGS, trustedRegistries };
    const policy = admissionPolicies([rule], { settings, mode: 'deny', excludedNamespaces: [] }).policies[0]!;
    for (const image of IMAGES) {
      const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [{ name: 'app', image }] } };
      const resource = toResource(object, { file: 'p.yaml', line: 1 })!;
      const byRule = runRule(rule, resource, new Inventory([resource]), settings).length > 0;
      const decision = evaluator.admits(policy, object);
      expect(decision, image).not.toHaveProperty('error');
      expect(!decision.admitted, image).toBe(byRule);
    }
  });
});
