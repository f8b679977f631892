import type { Finding } from '../core/finding.js';
import type { Report } from '../core/report.js';
import type { Provenance } from '../core/resource.js';
import { nothingChecked } from './common.js';
import type { RenderOptions } from './options.js';

const FINDINGS_PER_CHUNK = 500;

// Findings of one rule share title, remediation and cross-references, and findings of one resource
// share its ref: their JSON is made once and reused (a large report has hundreds of thousands).
const SHARED = new WeakMap<object, string>();

function sharedJson(value: object): string {
  let json = SHARED.get(value);
  if (json === undefined) SHARED.set(value, (json = JSON.stringify(value)));
  return json;
}

// What sits between a finding's id and its resource is the same for every finding of a rule (at one
// severity): made once per rule, checked against the finding, so one piece instead of eight.
interface RuleHead {
  title: string;
  severity: string;
  pillar: string;
  json: string;
}
const HEADS = new Map<string, RuleHead>();

function headJson(f: Finding): string {
  const head = HEADS.get(f.rule);
  if (head && head.title === f.title && head.severity === f.severity && head.pillar === f.pillar) return head.json;
  if (HEADS.size >= 10_000) HEADS.clear();
  const json = `,"rule":${JSON.stringify(f.rule)},"title":${JSON.stringify(f.title)},"severity":"${f.severity}","pillar":"${f.pillar}","resource":`;
  HEADS.set(f.rule, { title: f.title, severity: f.severity, pillar: f.pillar, json });
  return json;
}

const REMEDIATION = new Map<string, string>();

/** `,"remediation":"..."`, made once per text. */
function remediationJson(text: string): string {
  let json = REMEDIATION.get(text);
  if (json === undefined) {
    if (REMEDIATION.size >= 10_000) REMEDIATION.clear();
    REMEDIATION.set(text, (json = `,"remediation":${JSON.stringify(text)}`));
  }
  return json;
}

/**
 * JSON.stringify of a string, without the call for the usual text: one with nothing to escape (no
 * quote, backslash, control character or surrogate) is itself in quotes. A report holds five per finding.
 */
function stringJson(value: string): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(value);
  }
  return `"${value}"`;
}

const FILES = new Map<string, string>();

/**
 * JSON.stringify of a location: written by hand when it is just `{file, line}` (every located finding),
 * the file's JSON made once per file. Anything else (a `path`, another key) goes to JSON.stringify.
 */
function locationJson(location: Provenance): string {
  let keys = 0;
  for (const key in location) {
    if (key !== (keys === 0 ? 'file' : keys === 1 ? 'line' : undefined)) return JSON.stringify(location);
    keys++;
  }
  const { file, line } = location;
  if (keys !== 2 || typeof file !== 'string' || typeof line !== 'number' || !Number.isFinite(line)) return JSON.stringify(location);
  let json = FILES.get(file);
  if (json === undefined) {
    if (FILES.size >= 10_000) FILES.clear();
    FILES.set(file, (json = JSON.stringify(file)));
  }
  return `{"file":${json},"line":${line}}`;
}

/** One finding as JSON, keys in the schema's order; the same text JSON.stringify would give for that order. */
export function findingJson(f: Finding): string {
  let out = `{"id":${stringJson(f.id)}${headJson(f)}${sharedJson(f.resource)}`;
  if (f.container !== undefined) out += `,"container":${stringJson(f.container)}`;
  if (f.field !== undefined) out += `,"field":${stringJson(f.field)}`;
  out += `,"message":${stringJson(f.message)}${remediationJson(f.remediation)}`;
  if (f.location !== undefined) out += `,"location":${locationJson(f.location)}`;
  out += `,"frameworks":${sharedJson(f.frameworks)},"evidence":${JSON.stringify(f.evidence)}`;
  if (f.verify !== undefined) out += `,"verify":${stringJson(f.verify)}`;
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
 * and line-oriented tools pick findings out. A report of nothing checked (no input read, or none
 * holding anything to check) has `score: null`: 100 would call an estate nobody looked at clean.
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
      const shown = key === 'summary' && nothingChecked(report) ? { ...(value as object), score: null } : value;
      yield `\n  ${JSON.stringify(key)}: ${indent(JSON.stringify(shown, null, 2), '  ')}${sep}`;
    }
  }
  yield '\n}\n';
}

/** The whole JSON report as one string (small reports, tests). */
export function renderJson(report: Report, _options: RenderOptions): string {
  return [...renderJsonChunks(report)].join('');
}
