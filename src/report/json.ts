import type { Report } from '../core/report.js';
import type { RenderOptions } from './options.js';

/** The report as it is (schema palisade.report/v1): the format other programs read. */
export function renderJson(report: Report, _options: RenderOptions): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
