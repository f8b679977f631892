import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/runs-as-root-group.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import cases, { pod } from './runs-as-root-group.cases.js';

ruleTester(cases.rule, cases);

it('references trivy KSV029 everywhere, kube-score and kubescape only where runAsGroup is 0', () => {
  const found = findingsFor(rule, pod(`
  securityContext: { fsGroup: 0 }
  containers: [{ name: app, image: "nginx:1.27", securityContext: { runAsGroup: 0 } }]`));
  expect(found.map((f) => f.frameworks.map((r) => r.id))).toEqual([
    ['KSV029', 'C-0013', 'container-security-context-user-group-id'],
    ['KSV029'],
  ]);
});
