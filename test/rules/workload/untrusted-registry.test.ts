import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/untrusted-registry.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import cases, { pod } from './untrusted-registry.cases.js';

ruleTester(cases.rule, cases);

it('names the registry and the trusted list', () => {
  const [f] = findingsFor(rule, pod(`  containers: [{ name: app, image: "quay.io/org/app:1" }]`));
  expect(f?.evidence).toEqual({ observed: 'quay.io', expected: ['*.azurecr.io', 'mcr.microsoft.com'], image: 'quay.io/org/app:1' });
});
