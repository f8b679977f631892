import type { Finding } from '../core/finding.js';
import type { Report } from '../core/report.js';
import type { RenderOptions } from './options.js';

const FINDINGS_PER_CHUNK = 500;

// Findings of one rule share title, remediation and cross-references, and findings of one resource
// share its ref: their JSON is made once and reused (a large report has hundreds of thousands).
const SHARED = new WeakMap<object, string>();
const TEXT = new Map<string, string>();

function sharedJson(value: object): string {
  let json = SHARED.get(value);
  if (json === undefined) SHARED.set(value, (json = JSON.stringify(value)));
  return json;
}

function textJson(value: string): string {
  let json = TEXT.get(value);
  if (json === undefined) {
    if (TEXT.size >= 10_000) TEXT.clear();
    TEXT.set(value, (json = JSON.stringify(value)));
  }
  return json;
}

/** One finding as JSON, keys in the schema's order; the same text JSON.stringify would give for that order. */
export function findingJson(f: Finding): string {
  let out = `{"id":${JSON.stringify(f.id)},"rule":${textJson(f.rule)},"title":${textJson(f.title)},"severity":"${f.severity}","pillar":"${f.pillar}","resource":${sharedJson(f.resource)}`;
  if (f.container !== undefined) out += `,"container":${JSON.stringify(f.container)}`;
  if (f.field !== undefined) out += `,"field":${JSON.stringify(f.field)}`;
  out += `,"message":${JSON.stringify(f.message)},"remediation":${textJson(f.remediation)}`;
  if (f.location !== undefined) out += `,"location":${JSON.stringify(f.location)}`;
  out += `,"frameworks":${sharedJson(f.frameworks)},"evidence":${JSON.stringify(f.evidence)}`;
  if (f.verify !== undefined) out += `,"verify":${JSON.stringify(f.verify)}`;
  if (f.suppressed !== undefined) out += `,"suppressed":${JSON.stringify(f.suppressed)}`;
  if (f.baseline !== undefined) out += `,"baseline":"${f.baseline}"`;
  return `${out}}`;
}

function indent(json: string, pad: string): string {
  return json.replace(/\n/g, `\n${pad}`);
}

/**
 * The report as it is (schema palisade.report/v1), in pieces, so a report of hundreds of thousands
 * of findings never has to exist as one string (V8 caps strings near 512 MiB). The envelope is
 * indented for people; each finding is one line, which keeps large reports small and lets `grep`
 * and line-oriented tools pick findings out.
 */
export function* renderJsonChunks(report: Report): Generator<string> {
  const entries = Object.entries(report).filter(([, v]) => v !== undefined);
  yield '{';
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i] as [string, unknown];
    const sep = i === entries.length - 1 ? '' : ',';
    if (key === 'findings' && Array.isArray(value) && value.length > 0) {
      yield `\n  "findings": [`;
      for (let j = 0; j < value.length; j += FINDINGS_PER_CHUNK) {
        let chunk = '';
        const end = Math.min(j + FINDINGS_PER_CHUNK, value.length);
        for (let k = j; k < end; k++) chunk += `\n    ${findingJson(value[k] as Finding)}${k === value.length - 1 ? '' : ','}`;
        yield chunk;
      }
      yield `\n  ]${sep}`;
    } else {
      yield `\n  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}${sep}`;
    }
  }
  yield '\n}\n';
}

/** The whole JSON report as one string (small reports, tests). */
export function renderJson(report: Report, _options: RenderOptions): string {
  return [...renderJsonChunks(report)].join('');
}
