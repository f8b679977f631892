import type { Report } from '../core/report.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
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
