import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/pss/privileged.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { container, pod } from './manifests.js';
import cases, { privileged } from './privileged.cases.js';

ruleTester(cases.rule, cases);

describe('privileged findings', () => {
  it('carry evidence and the pss cross-reference', () => {
    const [f] = findingsFor(rule, pod({ containers: [container('app', privileged)] }));
    expect(f?.evidence).toEqual({ observed: true, expected: false });
    expect(f?.frameworks).toContainEqual({ framework: 'pss', level: 'baseline', id: 'privileged' });
  });
});
