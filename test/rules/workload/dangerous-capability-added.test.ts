import { expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import { matchesFramework } from '../../../src/core/frameworks.js';
import { Inventory } from '../../../src/core/inventory.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import { RULES } from '../../../src/rules/index.js';
import rule from '../../../src/rules/workload/dangerous-capability-added.js';
import { findingsFor, parseResources, ruleTester } from '../../helpers/rule-tester.js';
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

it("carries Pod Security's reference only on entries its baseline check refuses, which compares names exactly", () => {
  const pss = findingsFor(rule, pod(`{ add: [SETPCAP, setpcap, NET_RAW] }`)).map((f) => [f.evidence.observed, matchesFramework(f.frameworks, 'pss-baseline')]);
  expect(pss).toEqual([
    ['SETPCAP', false],
    ['setpcap', true],
    ['NET_RAW', true],
  ]);
});

it('runs under --framework pss-baseline, keeping its findings under its own id rather than workload/non-default-capability', () => {
  expect(matchesFramework(rule.meta.frameworks, 'pss-baseline')).toBe(true);
  const selected = RULES.filter((r) => matchesFramework(r.meta.frameworks, 'pss-baseline'));
  const { findings } = evaluate(selected, new Inventory(parseResources(pod(`{ add: [SYS_ADMIN] }`))), DEFAULT_SETTINGS);
  const onCapability = findings.filter((f) => f.field?.includes('capabilities.add'));
  expect(onCapability.map((f) => f.rule)).toEqual(['workload/dangerous-capability-added']);
});
