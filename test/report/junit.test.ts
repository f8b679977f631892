import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { summarize, type Report } from '../../src/core/report.js';
import { render } from '../../src/report/index.js';
import { cleanReport, fixtureReport, RULES } from './fixture.js';

const OPTIONS = { rules: RULES, color: false };

interface Case {
  classname: string;
  name: string;
  skipped?: { message: string };
  'system-out'?: string;
}

function cases(xml: string): Case[] {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml) as {
    testsuites: { testsuite: { testcase: Case[] }[] };
  };
  return doc.testsuites.testsuite.flatMap((s) => s.testcase);
}

/** The report's one privileged finding, alone in a report. */
function privileged(): { report: Report; finding: Finding } {
  const report = fixtureReport();
  const finding = report.findings.find((f) => f.rule === 'workload/privileged-container' && !f.suppressed)!;
  return { report: { ...report, findings: [finding], errors: [], baseline: undefined }, finding };
}

const names = (report: Report) => cases(render('junit', report, OPTIONS)).map((c) => c.name);

describe('junit test case names', () => {
  it('stay when a sidecar is inserted before the container: the container is named, not counted', () => {
    const { report, finding } = privileged();
    const before = names(report);
    // The same finding (the id names the container, not its position) one place further down the list.
    const moved = { ...finding, field: 'spec.template.spec.containers[1].securityContext.privileged', location: { file: 'deploy/web.yaml', line: 27 } };
    expect(names({ ...report, findings: [moved] })).toEqual(before);
    expect(before).toEqual([`workload/privileged-container shop/Deployment/web spec.template.spec.containers[app].securityContext.privileged in deploy/web.yaml (${finding.id})`]);
  });

  it('stay when the scan holds more: a second file with the same object adds a case and renames none', () => {
    const { report, finding } = privileged();
    const before = names(report);
    const overlay = { ...finding, location: { file: 'overlays/dev/web.yaml', line: 23 } };
    const after = names({ ...report, findings: [finding, overlay] });
    expect(after).toContain(before[0]);
    expect(after).toHaveLength(2);
    expect(new Set(after).size).toBe(2);
  });

  it('do not shift with positions in other lists either, and tell apart two findings of one field by their id', () => {
    const { report, finding } = privileged();
    // Two env vars of one container: the same field once positions are left out, told apart by their ids.
    const env = (id: string, index: number): Finding => ({ ...finding, id, rule: 'workload/secret-in-env', field: `spec.template.spec.containers[0].env[${index}].value` });
    const two = names({ ...report, findings: [env('a1', 0), env('b2', 1)] });
    expect(two).toEqual([
      'workload/secret-in-env shop/Deployment/web spec.template.spec.containers[app].env[].value in deploy/web.yaml (a1)',
      'workload/secret-in-env shop/Deployment/web spec.template.spec.containers[app].env[].value in deploy/web.yaml (b2)',
    ]);
    // An env var inserted before both moves them down one: same names.
    expect(names({ ...report, findings: [env('a1', 1), env('b2', 2)] })).toEqual(two);
  });

  it('keep the name a finding failed under once it is fixed', () => {
    const { report, finding } = privileged();
    const failing = names(report);
    const fixed = cases(render('junit', { ...report, findings: [], baseline: { file: 'base.json', new: 0, existing: 0, fixed: [finding] } }, OPTIONS));
    expect(fixed.map((c) => c.name)).toEqual(failing);
    expect(fixed[0]?.['system-out']).toBe('fixed since the baseline: container app sets privileged: true');
  });
});

describe('junit when nothing was checked', () => {
  const note = { source: 'empty.yaml', message: 'no Kubernetes objects or Azure settings found (1 file read): nothing was checked' };

  it('has a skipped "nothing checked" case saying why, with the notes, not a pass', () => {
    const report = { ...cleanReport(), summary: summarize([], 0), notes: [note] };
    const xml = render('junit', report, OPTIONS);
    expect(xml).toContain('<testsuites name="palisade" tests="1" failures="0" errors="0" skipped="1">');
    const [only, ...rest] = cases(xml);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ classname: 'palisade', name: 'nothing checked' });
    expect(only?.skipped?.message).toContain('Nothing was checked: no Kubernetes object or Azure setting was found in the input');
    expect(only?.['system-out']).toBe(`empty.yaml: ${note.message}`);
  });

  it('still passes a clean scan that checked something', () => {
    expect(cases(render('junit', cleanReport(), OPTIONS))).toEqual([{ classname: 'palisade', name: 'no findings' }]);
  });
});
