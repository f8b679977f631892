import { expect, it } from 'vitest';
import rule from '../../../src/rules/workload/sudo-in-command.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import cases, { pod } from './sudo-in-command.cases.js';

ruleTester(cases.rule, cases);

it('keeps the kubescape reference to findings in the command', () => {
  const [cmd] = findingsFor(rule, pod(`    command: ["sudo", "x"]`));
  const [arg] = findingsFor(rule, pod(`    args: ["sudo", "x"]`));
  expect(cmd?.frameworks.map((f) => f.id)).toEqual(['C-0062', 'T1548.003']);
  expect(arg?.frameworks.map((f) => f.id)).toEqual(['T1548.003']);
});
