import type { Report } from '../core/report.js';
import { renderHtml, renderHtmlChunks } from './html.js';
import { renderJson, renderJsonChunks } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderPolicyReport } from './policyreport.js';
import type { RenderOptions } from './options.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';

export type { RenderOptions } from './options.js';

export const FORMATS = ['table', 'json', 'sarif', 'junit', 'markdown', 'html', 'policyreport'] as const;
export type Format = (typeof FORMATS)[number];

export type Renderer = (report: Report, options: RenderOptions) => string;

const RENDERERS: Record<Format, Renderer> = {
  table: renderTable,
  json: renderJson,
  sarif: renderSarif,
  junit: renderJunit,
  markdown: renderMarkdown,
  html: renderHtml,
  policyreport: renderPolicyReport,
};

export function isFormat(v: string): v is Format {
  return (FORMATS as readonly string[]).includes(v);
}

export function render(format: Format, report: Report, options: RenderOptions): string {
  return RENDERERS[format](report, options);
}

// The formats a large report is written in a piece at a time, so it is never one string.
const CHUNKED: Partial<Record<Format, (report: Report, options: RenderOptions) => Iterable<string>>> = {
  json: (report) => renderJsonChunks(report),
  html: renderHtmlChunks,
};

/** The report in `format`, as pieces to write one after the other (one piece for the small formats). */
export function renderChunks(format: Format, report: Report, options: RenderOptions): Iterable<string> {
  const chunked = CHUNKED[format];
  return chunked ? chunked(report, options) : [render(format, report, options)];
}
