import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/dangerous-capability-added.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import cases, { pod } from './dangerous-capability-added.cases.js';

ruleTester(cases.rule, cases);

it('narrows cross-references per capability', () => {
  const ids = findingsFor(rule, pod(`{ add: [SYS_ADMIN, NET_RAW, AUDIT_CONTROL] }`)).map((f) => f.frameworks.map((r) => `${r.framework}:${r.id}`));
  // None of the three is in Pod Security's default set, so each also carries the baseline check's id.
  expect(ids).toEqual([
    ['pss:capabilities_baseline', 'kubescape:C-0046', 'kubescape:C-0057', 'trivy:KSV005', 'trivy:KSV022', 'mitre:T1611'],
    ['pss:capabilities_baseline', 'kubescape:C-0046', 'trivy:KSV022'],
    ['pss:capabilities_baseline', 'trivy:KSV022'],
  ]);
});
