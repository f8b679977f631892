import type { Report } from '../core/report.js';
import type { RenderOptions } from './options.js';

const FINDINGS_PER_CHUNK = 500;

function indent(json: string, pad: string): string {
  return json.replace(/\n/g, `\n${pad}`);
}

/**
 * The report as it is (schema palisade.report/v1), in pieces: byte for byte what
 * `JSON.stringify(report, null, 2)` writes, but one finding at a time, so a report of hundreds of
 * thousands of findings never has to exist as one string (V8 caps strings near 512 MiB).
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
        // Stringified inside a wrapper, a slice comes out already indented for its place in the report.
        const wrapped = JSON.stringify({ findings: value.slice(j, j + FINDINGS_PER_CHUNK) }, null, 2);
        const body = wrapped.slice(wrapped.indexOf('[') + 1, wrapped.lastIndexOf(']') - 3);
        yield j + FINDINGS_PER_CHUNK < value.length ? `${body},` : body;
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
