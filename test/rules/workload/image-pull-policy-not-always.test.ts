import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/image-pull-policy-not-always.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import cases from './image-pull-policy-not-always.cases.js';
import { pod } from './fixtures.js';

ruleTester(cases.rule, cases);

it('the mutable-tag finding maps to kubescape and kube-score, the info finding to kube-score only', () => {
  const [mutable, fixed] = findingsFor(
    rule,
    pod(`  containers: [{ name: a, image: "web:stable", imagePullPolicy: IfNotPresent }, { name: b, image: "web:1.0", imagePullPolicy: IfNotPresent }]`),
    { mutableTags: ['stable'] },
  );
  expect(mutable?.frameworks).toEqual([
    { framework: 'kubescape', id: 'C-0075' },
    { framework: 'kube-score', id: 'container-image-pull-policy' },
  ]);
  expect(mutable?.evidence).toMatchObject({ observed: { image: 'web:stable', imagePullPolicy: 'IfNotPresent' }, mutableTag: 'stable' });
  expect(fixed?.frameworks).toEqual([{ framework: 'kube-score', id: 'container-image-pull-policy' }]);
  expect(fixed?.evidence).toMatchObject({ observed: { image: 'web:1.0', imagePullPolicy: 'IfNotPresent' } });
  expect(String(fixed?.evidence.risk)).toMatch(/pull secret|credentials/);
});
