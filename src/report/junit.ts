import type { Finding } from '../core/finding.js';
import type { Report } from '../core/report.js';
import { atLeast, type Severity } from '../core/severity.js';
import { refKey } from '../core/resource.js';
import { errorLabel, locationLabel, nothingChecked, nothingCheckedText, resourceLabel } from './common.js';
import type { RenderOptions } from './options.js';

/**
 * Characters XML 1.0 cannot carry at all (C0 controls other than tab/newline/return, lone surrogates,
 * U+FFFE/U+FFFF): written as a visible `\u001b` so the document stays well-formed and nothing is lost.
 */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function xmlSafe(s: string): string {
  return s.replace(NOT_XML, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

export function xmlText(s: string): string {
  return xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also keep their tabs and line breaks, which a parser would otherwise normalize to spaces. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

interface Case {
  xml: string;
  failure: boolean;
  skipped: boolean;
  error: boolean;
}

/**
 * Why an active finding does not fail the gate, or undefined when it does: below `--fail-on`, or found
 * before the baseline (only new findings count toward the exit code). The test tab then agrees with it.
 */
function notGating(f: Finding, failOn: Severity | 'none' | undefined): string | undefined {
  if (f.baseline === 'existing') return 'found before the baseline: only new findings fail the gate';
  if (failOn === 'none') return `${f.severity}: the gate is off (--fail-on none)`;
  if (failOn !== undefined && !atLeast(f.severity, failOn)) return `${f.severity}: below --fail-on ${failOn}`;
  return undefined;
}

/** A pod spec's container lists: the finding's `container` names the element of the last one in its field. */
const CONTAINER_LISTS = /(?:^|\.)(?:containers|initContainers|ephemeralContainers)\[\d+\]/g;

/**
 * The field as a test name shows it, without the list positions that shift when an element is inserted
 * before another: the container's by its name (`containers[app]`), every other one as `[]`. What told
 * the elements apart is in the finding's id, which the name carries.
 */
function caseField(f: Finding): string {
  if (f.field === undefined) return f.container !== undefined ? `[${f.container}]` : '';
  const positions = (path: string) => path.replace(/\[\d+\]/g, '[]');
  const last = f.container === undefined ? undefined : [...f.field.matchAll(CONTAINER_LISTS)].pop();
  if (last === undefined) return positions(f.field);
  const end = last.index + last[0].length;
  const open = f.field.lastIndexOf('[', end);
  return `${positions(f.field.slice(0, open))}[${f.container}]${positions(f.field.slice(end))}`;
}

/**
 * A test case's name, the same whatever else the scan holds and wherever the element sits in its list,
 * so a CI server's test history follows one problem from run to run (and a fixed one passes under the
 * name it failed with): the resource, the field by name, the file (one object written in two overlays
 * is two problems with one id) and the finding's stable id (two findings on one field, as the
 * vulnerabilities of one image, differ in it alone).
 */
function caseName(f: Finding): string {
  const field = caseField(f);
  const file = f.location ? ` in ${f.location.file}` : '';
  return `${f.rule} ${refKey(f.resource)}${field ? ` ${field}` : ''}${file} (${f.id})`;
}

/**
 * Test case names, unique within their class: only one object written twice in one file (or a finding
 * of the baseline that is still there in another copy) gives two cases one name; those get their line.
 */
function uniqueNames(cases: readonly { f: Finding }[]): string[] {
  const names = cases.map(({ f }) => caseName(f));
  const byName = counts(names);
  const withLine = names.map((name, i) => {
    const at = cases[i]!.f.location;
    return byName.get(name)! > 1 && at ? `${name}:${at.line}` : name;
  });
  const byLine = counts(withLine);
  const seen = new Map<string, number>();
  return withLine.map((name) => {
    if (byLine.get(name)! === 1) return name;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} #${n}`;
  });
}

function counts(names: readonly string[]): Map<string, number> {
  const n = new Map<string, number>();
  for (const x of names) n.set(x, (n.get(x) ?? 0) + 1);
  return n;
}

function findingCase(f: Finding, name: string, fixed: boolean, failOn?: Severity | 'none'): Case {
  const head = `    <testcase${attrs({ classname: f.rule, name, file: f.location?.file, line: f.location?.line })}`;
  // The name is the one it failed under: the output says what became of it.
  if (fixed) return { xml: `${head}>\n      <system-out>${xmlText(`fixed since the baseline: ${f.message}`)}</system-out>\n    </testcase>`, failure: false, skipped: false, error: false };
  if (f.suppressed) {
    const message = `${f.suppressed.kind}: ${f.suppressed.reason}`;
    return { xml: `${head}>\n      <skipped${attrs({ message })}/>\n    </testcase>`, failure: false, skipped: true, error: false };
  }
  const body = [
    f.title,
    `Resource: ${resourceLabel(f.resource)}`,
    ...(f.container !== undefined ? [`Container: ${f.container}`] : []),
    ...(f.field !== undefined ? [`Field: ${f.field}`] : []),
    ...(f.location ? [`Location: ${locationLabel(f)}`] : []),
    ...(f.baseline !== undefined ? [`Baseline: ${f.baseline}`] : []),
    `Remediation: ${f.remediation}`,
    `Finding: ${f.id}`,
  ].join('\n');
  const why = notGating(f, failOn);
  if (why !== undefined) {
    // Shown, not failed: the details stay in the test tab beside the reason.
    return { xml: `${head}>\n      <skipped${attrs({ message: why })}/>\n      <system-out>${xmlText(`${f.message}\n${body}`)}</system-out>\n    </testcase>`, failure: false, skipped: true, error: false };
  }
  const failure = `      <failure${attrs({ message: f.message, type: f.severity })}>${xmlText(body)}</failure>`;
  return { xml: `${head}>\n${failure}\n    </testcase>`, failure: true, skipped: false, error: false };
}

function suite(name: string, cases: Case[], timestamp: string): { xml: string; tests: number; failures: number; errors: number; skipped: number } {
  const tests = cases.length;
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const open = `  <testsuite${attrs({ name, tests, failures, errors, skipped, timestamp })}>`;
  return { xml: [open, ...cases.map((c) => c.xml), '  </testsuite>'].join('\n'), tests, failures, errors, skipped };
}

/**
 * JUnit XML for CI test tabs: a suite per rule, a test case per finding (failed when it fails the gate,
 * skipped when suppressed, below `--fail-on` or found before the baseline, passed under the same name
 * when fixed since the baseline) and a `palisade.errors` suite for inputs that could not be read.
 */
export function renderJunit(report: Report, options: RenderOptions): string {
  const byRule = new Map<string, { f: Finding; fixed: boolean }[]>();
  const add = (f: Finding, fixed: boolean) => {
    const list = byRule.get(f.rule) ?? [];
    list.push({ f, fixed });
    byRule.set(f.rule, list);
  };
  for (const f of report.findings) add(f, false);
  for (const f of report.baseline?.fixed ?? []) add(f, true);

  const suites = [...byRule.keys()].sort().map((rule) => {
    const found = byRule.get(rule)!;
    const names = uniqueNames(found);
    const cases = found.map(({ f, fixed }, i) => findingCase(f, names[i]!, fixed, fixed ? undefined : options.failOn));
    return suite(rule, cases, report.generatedAt);
  });
  if (report.errors.length > 0) {
    const cases = report.errors.map((e) => ({
      xml: `    <testcase${attrs({ classname: 'palisade.errors', name: errorLabel(e), file: e.source, line: e.line })}>\n      <error${attrs({ message: e.message, type: 'input' })}/>\n    </testcase>`,
      failure: false,
      skipped: false,
      error: true,
    }));
    suites.push(suite('palisade.errors', cases, report.generatedAt));
  }
  // CI servers treat a report without test cases as a broken report, so a clean scan still says it passed;
  // one that checked nothing must not pass: the case is skipped with why, and the notes say what was read.
  if (suites.length === 0) {
    const notes = report.notes.map((n) => `${errorLabel(n)}: ${n.message}`).join('\n');
    const out = notes ? `\n      <system-out>${xmlText(notes)}</system-out>` : '';
    const clean = { xml: `    <testcase${attrs({ classname: 'palisade', name: 'no findings' })}/>`, failure: false, skipped: false, error: false };
    const unchecked = {
      // Why the scan's one test case is skipped (the table and Markdown say the same); the notes are in its output, not below.
      xml: `    <testcase${attrs({ classname: 'palisade', name: 'nothing checked' })}>\n      <skipped${attrs({ message: nothingCheckedText(report, false) })}/>${out}\n    </testcase>`,
      failure: false,
      skipped: true,
      error: false,
    };
    suites.push(suite('palisade', [nothingChecked(report) ? unchecked : clean], report.generatedAt));
  }

  const total = (k: 'tests' | 'failures' | 'errors' | 'skipped') => suites.reduce((n, s) => n + s[k], 0);
  const root = `<testsuites${attrs({ name: report.tool.name, tests: total('tests'), failures: total('failures'), errors: total('errors'), skipped: total('skipped') })}>`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', root, ...suites.map((s) => s.xml), '</testsuites>', ''].join('\n');
}
