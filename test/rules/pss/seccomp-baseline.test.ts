import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/pss/seccomp-baseline.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { container, pod } from './manifests.js';
import cases, { annotations, CONTAINER_ANNOTATION } from './seccomp-baseline.cases.js';

ruleTester(cases.rule, cases);

describe('seccomp annotations before v1.19', () => {
  // Upstream looks up the annotation of each container that exists; a stale annotation naming a
  // container that was renamed or removed does not affect the pod. Here every key with the prefix counts.
  it('ignore the annotation of a container the pod does not have', () => {
    const input = pod({ containers: [container('app')] }, annotations({ [`${CONTAINER_ANNOTATION}/old-sidecar`]: 'unconfined' }));
    expect(findingsFor(rule, input, { pssVersion: 'v1.18' })).toEqual([]);
  });
});
