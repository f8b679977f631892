import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { FORMATS, isFormat, render, type Format } from '../../src/report/index.js';
import { findingJson, renderJsonChunks } from '../../src/report/json.js';
import { MAX_COMMENT_CHARS, MAX_NOTES, MAX_ROWS, mdText } from '../../src/report/markdown.js';
import { escapeHtml, outsideCodeSpans } from '../../src/report/common.js';
import { summarize } from '../../src/core/report.js';
import { cleanReport, fixtureReport, RULES } from './fixture.js';
import { expectGolden } from './golden.js';

const EXT: Record<Format, string> = { table: 'txt', json: 'json', sarif: 'sarif', junit: 'xml', markdown: 'md', html: 'html', policyreport: 'yaml' };
const OPTIONS = { rules: RULES, color: false };
// eslint-disable-next-line no-control-regex -- looking for ANSI escapes
const ANSI = /\u001b\[/;

describe('golden files', () => {
  for (const format of FORMATS) {
    it(`${format} matches golden/${format}.${EXT[format]}`, () => {
      expectGolden(`${format}.${EXT[format]}`, render(format, fixtureReport(), OPTIONS));
    });
  }

  it('table with colour matches golden/table-color.txt', () => {
    expectGolden('table-color.txt', render('table', fixtureReport(), { rules: RULES, color: true }));
  });

  it('every format is deterministic and does not change the report', () => {
    const report = fixtureReport();
    const before = JSON.stringify(report);
    for (const format of FORMATS) expect(render(format, report, OPTIONS)).toBe(render(format, fixtureReport(), OPTIONS));
    expect(JSON.stringify(report)).toBe(before);
  });
});

describe('dispatcher', () => {
  it('knows its formats', () => {
    expect(FORMATS).toEqual(['table', 'json', 'sarif', 'junit', 'markdown', 'html', 'policyreport']);
    expect(isFormat('sarif')).toBe(true);
    expect(isFormat('pdf')).toBe(false);
  });
});

describe('json', () => {
  it('is the report itself, with suppressions and baseline marks', () => {
    const report = fixtureReport();
    const parsed = JSON.parse(render('json', report, OPTIONS)) as Report;
    expect(parsed).toEqual(report);
    expect(parsed.schema).toBe('palisade.report/v1');
    expect(parsed.findings.filter((f) => f.suppressed).map((f) => f.suppressed!.kind).sort()).toEqual(['annotation', 'exception', 'provider-managed']);
  });
});

describe('table', () => {
  it('has no ANSI escapes without colour, even from hostile manifest text', () => {
    const out = render('table', fixtureReport(), OPTIONS);
    expect(out).not.toMatch(ANSI);
    expect(out).toContain('{{ .Values.image }}\\u001b[31m');
  });

  it('has ANSI escapes with colour', () => {
    expect(render('table', fixtureReport(), { rules: RULES, color: true })).toMatch(ANSI);
  });

  it('counts suppressed findings instead of listing them', () => {
    const out = render('table', fixtureReport(), OPTIONS);
    expect(out).toContain('3 suppressed: 1 by exception, 1 by annotation, 1 provider-managed.');
    expect(out).not.toContain('node-exporter');
    expect(out).not.toContain('azure-ip-masq-agent');
  });

  it('marks new findings and lists fixed ones', () => {
    const out = render('table', fixtureReport(), OPTIONS);
    expect(out).toMatch(/workload\/privileged-container\s+NEW container app sets privileged: true/);
    expect(out).toMatch(/fixed\s+medium\s+workload\/run-as-root\s+Deployment shop\/api/);
  });

  it('says so when clean', () => {
    const out = render('table', cleanReport(), OPTIONS);
    expect(out).toBe('No findings.\n\nScore 100/100  4 resources, 0 findings\n');
  });

  it('gives no score, and claims no clean result, when nothing could be read', () => {
    const failed = { ...cleanReport(), summary: summarize([], 0), errors: [{ source: 'cluster:aks-prod', message: 'the API server did not answer' }] };
    const out = render('table', failed, OPTIONS);
    expect(out).not.toMatch(/No findings|Score/);
    expect(out).toContain('Nothing was scanned: no input could be read');
  });

  it('gives no score when the input held nothing to check', () => {
    const empty = { ...cleanReport(), summary: summarize([], 0), notes: [NOTHING_CHECKED] };
    const out = render('table', empty, OPTIONS);
    expect(out).not.toMatch(/No findings|Score/);
    expect(out).toContain('Nothing was checked: no Kubernetes object or Azure setting was found');
    expect(out).toContain(NOTHING_CHECKED.message);
  });
});

/** The note a scan adds when its inputs held no object (cli/run-scan.ts). */
const NOTHING_CHECKED = { source: 'k8s/', message: 'no Kubernetes objects or Azure settings found (3 files read): nothing was checked' };

describe('nothing checked', () => {
  const unreadable = () => ({ ...cleanReport(), summary: summarize([], 0), errors: [{ source: 'k8s/a.yaml', line: 2, message: 'bad indentation of a mapping entry' }] });
  const empty = () => ({ ...cleanReport(), summary: summarize([], 0), notes: [NOTHING_CHECKED] });

  it('markdown says nothing was scanned when no input could be read, with no score', () => {
    const out = render('markdown', unreadable(), OPTIONS);
    expect(out).not.toMatch(/score \d|No findings/i);
    expect(out).toContain('Nothing was scanned: no input could be read');
    expect(out).toContain('- k8s/a.yaml:2: bad indentation of a mapping entry');
  });

  it('markdown says nothing was checked when the input held no object, with the note saying so', () => {
    const out = render('markdown', empty(), OPTIONS);
    expect(out).not.toMatch(/score \d|No findings/i);
    expect(out).toContain('## Palisade: nothing was checked');
    expect(out).toContain('### Notes (1)');
    expect(out).toContain(`- k8s/: ${NOTHING_CHECKED.message}`);
  });

  it('json writes a null score, and keeps it for a report that checked something', () => {
    for (const report of [unreadable(), empty()]) expect((JSON.parse(render('json', report, OPTIONS)) as Report).summary.score).toBeNull();
    expect((JSON.parse(render('json', cleanReport(), OPTIONS)) as Report).summary.score).toBe(100);
  });
});

describe('incomplete scan', () => {
  // One document of a file could not be read: what it held is missing, so the rest cannot read as clean.
  const incomplete = () => ({ ...cleanReport(), summary: summarize([], 1), errors: [{ source: 'k8s/web.yaml', line: 31, message: 'bad indentation of a mapping entry' }] });

  it('markdown heads with an incomplete scan and no score, not a clean one', () => {
    const out = render('markdown', incomplete(), OPTIONS);
    expect(out).not.toMatch(/score \d|^No findings in 1 resource/im);
    expect(out.split('\n')[0]).toBe('## Palisade: scan incomplete');
    expect(out).toContain('**1 input error (see below): what could not be read was not checked, so there is no score.**');
    expect(out).toContain('No findings in the 1 resource that could be read.');
    expect(out).toContain('- k8s/web.yaml:31: bad indentation of a mapping entry');
  });

  it('table says the scan is incomplete instead of a score, and no clean line', () => {
    const out = render('table', incomplete(), OPTIONS);
    expect(out).not.toMatch(/Score|^No findings\.$/m);
    expect(out).toContain('No findings in what could be read.');
    expect(out).toContain('Scan incomplete (1 input error, see below): what could not be read was not checked. No score.  1 resource read, 0 findings');
  });
});

describe('markdown notes', () => {
  it('lists the notes (expired exceptions, annotations without reason) briefly', () => {
    const report = fixtureReport();
    report.notes = Array.from({ length: MAX_NOTES + 3 }, (_, i) => ({ source: '.palisade.yaml', message: `exception ${i} expired on 2026-09-30 and no longer applies` }));
    const out = render('markdown', report, OPTIONS);
    expect(out).toContain(`### Notes (${MAX_NOTES + 3})`);
    expect(out).toContain('- .palisade.yaml: exception 0 expired on 2026-09-30 and no longer applies');
    expect(out).not.toContain(`exception ${MAX_NOTES} expired`);
    expect(out).toContain('- _and 3 more_');
  });
});

describe('outsideCodeSpans', () => {
  it('escapes the text between code spans and keeps the spans as written', () => {
    expect(outsideCodeSpans('a <b> `<c> & d` e & f', escapeHtml)).toBe('a &lt;b&gt; `<c> & d` e &amp; f');
    expect(outsideCodeSpans('``x ` <y>`` <z>', escapeHtml)).toBe('``x ` <y>`` &lt;z&gt;');
    // A backtick with no partner is text.
    expect(outsideCodeSpans('a ` <b>', escapeHtml)).toBe('a ` &lt;b&gt;');
  });
});

describe('junit', () => {
  it('is well-formed XML with consistent counts', () => {
    const xml = render('junit', fixtureReport(), OPTIONS);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml) as {
      testsuites: { tests: string; failures: string; errors: string; skipped: string; testsuite: { name: string; tests: string; failures: string; errors: string; skipped: string; testcase: Record<string, unknown>[] }[] };
    };
    const root = doc.testsuites;
    const cases = root.testsuite.flatMap((s) => s.testcase);
    const count = (key: string) => cases.filter((c) => key in c).length;
    expect(Number(root.tests)).toBe(cases.length);
    expect(Number(root.failures)).toBe(count('failure'));
    expect(Number(root.errors)).toBe(count('error'));
    expect(Number(root.skipped)).toBe(count('skipped'));
    // Of 6 active findings the 3 new ones fail and the 3 found before the baseline are skipped, as are
    // the 3 suppressed; 2 unreadable inputs error, 1 fixed passes.
    expect([root.tests, root.failures, root.skipped, root.errors].map(Number)).toEqual([12, 3, 6, 2]);
    for (const s of root.testsuite) {
      expect(Number(s.tests)).toBe(s.testcase.length);
      expect(Number(s.failures)).toBe(s.testcase.filter((c) => 'failure' in c).length);
      expect(Number(s.skipped)).toBe(s.testcase.filter((c) => 'skipped' in c).length);
    }
    expect(root.testsuite.map((s) => s.name)).toContain('palisade.errors');
  });

  it('fails only what fails the gate: new findings at or above --fail-on; the rest are skipped with the reason and the details', () => {
    const xml = render('junit', fixtureReport(), { ...OPTIONS, failOn: 'high' });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toMatch(/<testsuites name="palisade" tests="12" failures="1" errors="2" skipped="8">/);
    expect(xml).toContain('<skipped message="low: below --fail-on high"/>');
    expect(xml).toContain('<skipped message="found before the baseline: only new findings fail the gate"/>');
    expect(xml).toContain('<system-out>container report uses image `reporter:latest`');
    expect(render('junit', fixtureReport(), { ...OPTIONS, failOn: 'none' })).toMatch(/failures="0"/);
  });

  it('escapes markup and characters XML 1.0 cannot carry', () => {
    const report = fixtureReport();
    report.findings[0]!.message = 'a <b> & "c" \'d\' \u0000 \u0008 \uFFFE \uD800 ]]> end';
    report.findings[0]!.baseline = 'new';
    const xml = render('junit', report, OPTIONS);
    expect(XMLValidator.validate(xml)).toBe(true);
    // eslint-disable-next-line no-control-regex -- looking for characters XML 1.0 forbids
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(xml).toContain('message="a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; \\u0000 \\u0008 \\ufffe \\ud800 ]]&gt; end"');
  });

  it('names test cases uniquely: one resource written in two overlays is two cases, one object written twice in a file gets its line', () => {
    const report = fixtureReport();
    const first = report.findings.find((f) => f.rule === 'workload/privileged-container' && !f.suppressed);
    report.findings = [
      { ...first!, location: { file: 'overlays/prod/web.yaml', line: 23 } },
      { ...first!, location: { file: 'overlays/staging/web.yaml', line: 23 } },
      { ...first!, location: { file: 'overlays/staging/web.yaml', line: 80 } },
    ];
    report.baseline = undefined;
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(render('junit', report, OPTIONS)) as {
      testsuites: { testsuite: { name: string; testcase: { classname: string; name: string }[] }[] };
    };
    const names = doc.testsuites.testsuite.filter((s) => s.name === first!.rule).flatMap((s) => s.testcase).map((c) => `${c.classname} ${c.name}`);
    expect(new Set(names).size).toBe(3);
    const base = `${first!.rule} shop/Deployment/web spec.template.spec.containers[app].securityContext.privileged`;
    expect(names.map((n) => n.slice(first!.rule.length + 1))).toEqual([
      `${base} in overlays/prod/web.yaml (${first!.id})`,
      `${base} in overlays/staging/web.yaml (${first!.id}):23`,
      `${base} in overlays/staging/web.yaml (${first!.id}):80`,
    ]);
  });

  it('still has a passing test case when the scan is clean', () => {
    const xml = render('junit', cleanReport(), OPTIONS);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<testsuites name="palisade" tests="1" failures="0" errors="0" skipped="0">');
  });
});

describe('markdown', () => {
  it('escapes a | in a message so the table keeps its columns', () => {
    const out = render('markdown', fixtureReport(), OPTIONS);
    const row = out.split('\n').find((l) => l.includes('container sidecar'))!;
    expect(row).toContain('limits.cpu \\| limits.memory (&lt;unset&gt;)');
    expect(row.replace(/\\\|/g, '').split('|').length - 2).toBe(6);
  });

  it('escapes backticks, angle brackets and line breaks', () => {
    expect(mdText('a `b` <script> c\nd | e')).toBe('a \\`b\\` &lt;script&gt; c d \\| e');
  });

  it('stays within what GitHub accepts as a comment: remediation details go first, then rows', () => {
    const report = fixtureReport();
    const [base] = report.findings.filter((f) => !f.suppressed);
    const rules = Array.from({ length: 150 }, (_, i) => ({ ...RULES[0]!, id: `workload/rule-${i}`, description: 'd'.repeat(800), remediation: 'r'.repeat(400) }));
    report.findings = rules.map((r, i) => ({ ...base!, id: `f${i}`, rule: r.id, message: `m${i} ${'x'.repeat(1500)}` }));
    const out = render('markdown', report, { ...OPTIONS, rules });
    expect(out.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(out).toMatch(/_\d+ more rules: `palisade explain RULE` says what each checks and how to fix it\._/);
    expect(out).toMatch(/_and \d+ more_/);
    // A report that fits is left whole.
    expect(render('markdown', fixtureReport(), OPTIONS)).not.toMatch(/more rules:/);
  });

  it('caps the table and says how many more', () => {
    const report = fixtureReport();
    const template = report.findings.find((f) => f.severity === 'critical' && !f.suppressed)!;
    report.findings = Array.from({ length: MAX_ROWS + 7 }, (_, i) => ({ ...template, id: `id${i}`, message: `finding ${i}` }));
    const out = render('markdown', report, OPTIONS);
    expect(out.split('\n').filter((l) => l.startsWith('| **critical**')).length).toBe(MAX_ROWS);
    expect(out).toContain('_and 7 more_');
  });

  it('says so when clean', () => {
    expect(render('markdown', cleanReport(), OPTIONS)).toBe('## Palisade: score 100/100\n\nNo findings in 4 resources.\n');
  });
});

describe('json chunks', () => {
  it('parse back to the report, with one finding per line', () => {
    const base = fixtureReport();
    const many = { ...base, findings: Array.from({ length: 1234 }, (_, i) => ({ ...(base.findings[i % base.findings.length] as (typeof base.findings)[number]), id: `id-${i}` })) };
    for (const r of [base, cleanReport(), many]) {
      const text = [...renderJsonChunks(r)].join('');
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(r)));
      expect(text.split('\n').filter((l) => l.startsWith('    {"id":')).length).toBe(r.findings.length);
    }
  });
});

describe('findingJson', () => {
  it('writes what JSON.stringify writes for the schema key order', () => {
    const order = ['id', 'rule', 'title', 'severity', 'pillar', 'resource', 'container', 'field', 'message', 'remediation', 'location', 'frameworks', 'evidence', 'verify', 'suppressed', 'baseline'];
    for (const f of [...fixtureReport().findings, ...(fixtureReport().baseline?.fixed ?? [])]) {
      const ordered = Object.fromEntries(order.filter((k) => k in f).map((k) => [k, (f as unknown as Record<string, unknown>)[k]]));
      expect(findingJson(f)).toBe(JSON.stringify(ordered));
    }
  });

  it('escapes quotes, backslashes, control characters and lone surrogates in text as JSON.stringify does', () => {
    const order = ['id', 'rule', 'title', 'severity', 'pillar', 'resource', 'container', 'field', 'message', 'remediation', 'location', 'frameworks', 'evidence', 'verify', 'suppressed', 'baseline'];
    const base = fixtureReport().findings[0]!;
    const texts = ['plain', 'say "hi"', 'C:\\path', 'tab\there', 'line\nbreak', '\u0000\u001f', 'lone \ud800 surrogate', 'pair \ud83d\ude00', '\u2028\u2029 and \u007f', ''];
    const locations = [{ file: 'a "b".yaml', line: 3 }, { file: 'x.yaml', line: 1, path: 'items[2]' }, { line: 4, file: 'swapped.yaml' }, { file: 'x.yaml', line: Number.NaN }];
    texts.forEach((text, i) => {
      const f = { ...base, id: text, container: text, field: text, message: text, verify: text, location: locations[i % locations.length]! };
      const ordered = Object.fromEntries(order.filter((k) => k in f).map((k) => [k, (f as unknown as Record<string, unknown>)[k]]));
      expect(findingJson(f)).toBe(JSON.stringify(ordered));
    });
  });

  it('writes each finding with its own title and severity when findings of one rule differ in them', () => {
    const base = fixtureReport().findings[0]!;
    const info = { ...base, severity: 'info' as const, title: 'Another title' };
    expect(JSON.parse(findingJson(base))).toMatchObject({ severity: base.severity, title: base.title });
    expect(JSON.parse(findingJson(info))).toMatchObject({ severity: 'info', title: 'Another title' });
    expect(JSON.parse(findingJson(base))).toMatchObject({ severity: base.severity, title: base.title });
  });
});
