import { describe, expect, it } from 'vitest';
import { htmlData, renderHtml, renderHtmlChunks, scriptJson } from '../../src/report/html.js';
import { HTML_SCRIPT } from '../../src/report/html-assets.js';
import { cleanReport, fixtureReport, RULES } from './fixture.js';
import { HOSTILE_ANNOTATION, HOSTILE_NAME, hostileReport, pageData } from './html-fixture.js';
import { pathsReport } from './paths-fixture.js';

const OPTIONS = { rules: RULES, color: false };
describe('html report', () => {
  it('is one self-contained page: inline style and script, nothing loaded from anywhere', () => {
    const html = renderHtml(fixtureReport(), OPTIONS);
    expect(html.startsWith('<!DOCTYPE html>\n')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(|<link\b|@font-face/i);
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    for (const id of ['f-severity', 'f-pillar', 'f-rule', 'f-namespace', 'f-text', 'findings', 'more', 'errors', 'notes']) expect(html).toContain(`id="${id}"`);
  });

  it('carries the header figures, the active findings and their details as data', () => {
    const report = fixtureReport();
    const data = pageData(renderHtml(report, OPTIONS));
    expect(data.version).toBe('0.1.0');
    expect(data.generatedAt).toBe('2026-11-26T12:00:00Z');
    // The fixture has input errors: what could not be read was not checked, so there is no score, as in the table.
    expect(report.errors.length).toBeGreaterThan(0);
    expect(data.summary).toEqual({ ...report.summary, score: null });
    const active = report.findings.filter((f) => f.suppressed === undefined);
    expect(data.findings).toHaveLength(active.length);
    expect(data.suppressed).toMatch(/^3 suppressed: /);
    const at = active.findIndex((f) => f.location !== undefined && f.verify !== undefined);
    expect(at).toBeGreaterThanOrEqual(0);
    const first = active[at]!;
    const row = data.findings[at]!;
    const rule = data.rules[row[0]]!;
    expect(rule[0]).toBe(first.rule);
    expect(rule[2]).toBe(first.remediation);
    expect(data.frameworks[row[12]]).toBe(first.frameworks.map((r) => `${r.framework}:${r.id}`).join(', '));
    expect(data.severities[row[1]]).toBe(first.severity);
    expect(data.pillars[row[2]]).toBe(first.pillar);
    expect(data.resources[row[3]]).toEqual([first.resource.kind, first.resource.namespace ?? '', first.resource.name]);
    expect(data.files[row[4]]).toBe(first.location?.file);
    expect(row[5]).toBe(first.location?.line);
    expect(row[6]).toBe(first.message);
    expect(data.evidence[row[7]]).toEqual(first.evidence);
    expect(row[11] < 0 ? undefined : data.fields[row[11]]).toBe(first.field);
    expect(row[8]).toBe(first.verify);
    const unlocated = active.findIndex((f) => f.location === undefined);
    expect(data.findings[unlocated]![4]).toBe(-1);
    expect(data.errors).toEqual([
      ['deploy/broken.yaml:3', 'bad indentation of a mapping entry'],
      ['charts/private', 'EACCES: permission denied'],
    ]);
    expect(data.notes).toHaveLength(1);
  });

  it('shares rule, resource and file text between findings instead of repeating it', () => {
    const data = pageData(renderHtml(fixtureReport(), OPTIONS));
    expect(new Set(data.rules.map((r) => r[0])).size).toBe(data.rules.length);
    expect(new Set(data.resources.map((r) => r.join('\u0000'))).size).toBe(data.resources.length);
    expect(new Set(data.files).size).toBe(data.files.length);
    expect(new Set(data.fields).size).toBe(data.fields.length);
    expect(new Set(data.frameworks).size).toBe(data.frameworks.length);
    expect(new Set(data.evidence.map((e) => JSON.stringify(e))).size).toBe(data.evidence.length);
  });

  it('gives each finding its own cross-references, not those of the first finding of its rule', () => {
    const report = fixtureReport();
    const [a] = report.findings.filter((f) => !f.suppressed);
    report.findings = [
      { ...a!, id: 'a', frameworks: [{ framework: 'trivy', id: 'KSV022' }] },
      { ...a!, id: 'b', frameworks: [{ framework: 'trivy', id: 'KSV005' }, { framework: 'mitre', id: 'T1611' }] },
    ];
    const data = htmlData(report, OPTIONS);
    expect(data.findings.map((row) => data.frameworks[row[12]])).toEqual(['trivy:KSV022', 'trivy:KSV005, mitre:T1611']);
  });

  it('marks new and existing findings when there is a baseline', () => {
    const report = fixtureReport();
    const data = pageData(renderHtml(report, OPTIONS));
    expect(data.baseline).toEqual({ file: 'baseline.json', new: report.baseline!.new, existing: report.baseline!.existing, fixed: 1 });
    const marks = data.findings.map((f) => f[9]);
    expect(marks).toContain(1);
    expect(marks).toContain(2);
    expect(marks.filter((m) => m === 1)).toHaveLength(report.baseline!.new);
  });

  it('has no baseline data and an empty findings list for a clean scan', () => {
    const data = pageData(renderHtml(cleanReport(), OPTIONS));
    expect(data.baseline).toBeNull();
    expect(data.findings).toEqual([]);
    expect(data.errors).toEqual([]);
    expect(data.summary.score).toBe(100);
    expect(data.suppressed).toBe('');
  });

  it('keeps hostile names and annotations inside the data block, intact', () => {
    const report = hostileReport();
    const html = renderHtml(report, OPTIONS);
    // Only the two script elements of the page open or close: the data cannot end its element.
    expect(html.match(/<script\b/gi)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).not.toContain(HOSTILE_NAME);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<!--');
    expect(html).toContain('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
    expect(html).not.toContain('\u2028');
    const data = pageData(html);
    expect(data.resources.some((r) => r[2] === HOSTILE_NAME)).toBe(true);
    expect(JSON.stringify(data.evidence)).toContain(JSON.stringify(HOSTILE_ANNOTATION).slice(1, -1));
  });

  it('escapes every character that could end a script element or a JavaScript string', () => {
    expect(scriptJson({ a: '</script><!--&\u2028\u2029' })).toBe('{"a":"\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029"}');
    expect(JSON.parse(scriptJson({ a: '</script>' }))).toEqual({ a: '</script>' });
  });

  it('puts report text on the page with textContent only, never as markup', () => {
    expect(HTML_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(HTML_SCRIPT).toContain('textContent');
  });

  it('is deterministic', () => {
    expect(renderHtml(fixtureReport(), OPTIONS)).toBe(renderHtml(fixtureReport(), OPTIONS));
  });
});

describe('html report written a piece at a time', () => {
  /** The data block of the page, as text, exactly as it is written. */
  const dataText = (html: string) => /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)![1]!;

  it('writes the data block byte for byte as one serialisation of the whole data would', () => {
    for (const report of [fixtureReport(), hostileReport(), cleanReport(), pathsReport()]) {
      const html = [...renderHtmlChunks(report, OPTIONS)].join('');
      expect(html).toBe(renderHtml(report, OPTIONS));
      expect(dataText(html)).toBe(scriptJson(htmlData(report, OPTIONS)));
    }
  });

  it('splits thousands of findings over several pieces without losing or reordering any', () => {
    const report = fixtureReport();
    const template = report.findings.find((f) => f.suppressed === undefined)!;
    report.findings = Array.from({ length: 2_503 }, (_, i) => ({ ...template, id: `f${i}`, message: `finding ${i} </script>` }));
    const chunks = [...renderHtmlChunks(report, OPTIONS)];
    expect(chunks.length).toBeGreaterThan(4);
    const data = pageData(chunks.join(''));
    expect(data.findings.map((row) => row[6])).toEqual(report.findings.map((f) => f.message));
    expect(dataText(chunks.join(''))).toBe(scriptJson(htmlData(report, OPTIONS)));
  });
});
