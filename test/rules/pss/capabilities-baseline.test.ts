import { describe, expect, it } from 'vitest';
import rule, { DEFAULT_CAPABILITIES } from '../../../src/rules/pss/capabilities-baseline.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { container, pod } from './manifests.js';
import cases, { adds } from './capabilities-baseline.cases.js';

ruleTester(cases.rule, cases);

describe('capability findings', () => {
  it('show the capability and the allowed set', () => {
    const [f] = findingsFor(rule, pod({ containers: [container('app', adds('SYS_MODULE'))] }));
    expect(f?.evidence.observed).toBe('SYS_MODULE');
    expect(f?.evidence.expected).toEqual(DEFAULT_CAPABILITIES);
  });
});
