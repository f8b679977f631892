import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/pss/host-path-volumes.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { pod } from './manifests.js';
import cases, { app } from './host-path-volumes.cases.js';

ruleTester(cases.rule, cases);

describe('hostPath findings', () => {
  it('show the host path as evidence', () => {
    const [f] = findingsFor(rule, pod({ containers: [app], volumes: [{ name: 'data', hostPath: { path: '/srv/data' } }] }));
    expect(f?.evidence).toEqual({ observed: { hostPath: '/srv/data' }, expected: 'no hostPath volume' });
  });
});
