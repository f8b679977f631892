import type { Report } from '../core/report.js';
import type { RenderOptions } from './options.js';

const FINDINGS_PER_CHUNK = 500;

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
        for (let k = j; k < end; k++) chunk += `\n    ${JSON.stringify(value[k])}${k === value.length - 1 ? '' : ','}`;
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
