import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/pss/allow-privilege-escalation.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { container, pod } from './manifests.js';
import cases from './allow-privilege-escalation.cases.js';

ruleTester(cases.rule, cases);

describe('allowPrivilegeEscalation findings', () => {
  it('record what was observed', () => {
    const [unset] = findingsFor(rule, pod({ containers: [container('app')] }));
    expect(unset?.evidence).toEqual({ observed: null, expected: false });
    const [setTrue] = findingsFor(rule, pod({ containers: [container('app', { allowPrivilegeEscalation: true })] }));
    expect(setTrue?.evidence).toEqual({ observed: true, expected: false });
  });
});
