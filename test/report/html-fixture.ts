import type { Report } from '../../src/core/report.js';
import type { HtmlData } from '../../src/report/html.js';
import { fixtureReport } from './fixture.js';

/** Manifest text that would run script or inject elements if a page parsed it as markup. */
export const HOSTILE_NAME = '<script>alert(1)</script>';
export const HOSTILE_ANNOTATION = 'x</script><img src=x onerror=alert(2)><!--';

/** The JSON data block of a rendered page, parsed as the page's script parses it. */
export function pageData(html: string): HtmlData {
  const m = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
  if (!m) throw new Error('no data block');
  return JSON.parse(m[1]!) as HtmlData;
}

export function hostileReport(): Report {
  const report = fixtureReport();
  const f = report.findings.find((x) => x.suppressed === undefined && x.location !== undefined)!;
  f.resource = { ...f.resource, name: HOSTILE_NAME };
  f.message = `pod ${HOSTILE_NAME} is bad`;
  f.evidence = { observed: { annotations: { 'note.example.com/x': HOSTILE_ANNOTATION } }, expected: '\u2028' };
  f.verify = `kubectl get pod '${HOSTILE_NAME}'`;
  return report;
}
