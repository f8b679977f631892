import { describe, expect, it } from 'vitest';
// The catalog loads the baseline rule beside the restricted one; the restricted rule relies on it.
import '../../../src/rules/pss/host-path-volumes.js';
import rule from '../../../src/rules/pss/restricted-volumes.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { pod } from './manifests.js';
import cases, { app, imageVolume } from './restricted-volumes.cases.js';

ruleTester(cases.rule, cases);

describe('restricted volume types across versions', () => {
  // Upstream allowed image volumes by amending its single v1.0 restrictedVolumes behaviour in place
  // (kubernetes/kubernetes#130394, Kubernetes 1.33), so a namespace pinned to an older policy version
  // admits them too; here they are allowed from policy v1.33 only.
  it('admits image volumes at a policy version pinned before v1.33, as upstream does', () => {
    expect(findingsFor(rule, pod({ containers: [app], volumes: [imageVolume] }), { pssVersion: 'v1.30' })).toEqual([]);
  });
});
