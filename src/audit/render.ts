import pc from 'picocolors';
import { SEVERITIES, type Severity } from '../core/severity.js';
import { printable } from '../report/common.js';
import { ALERTS_SCHEMA, type Alert, type AlertError, type AlertStats } from './alert.js';

/**
 * Alerts as text, one alert at a time, so that output streams with the input: `table` (people at a
 * terminal), `jsonl` (one alert object per line) and `json` (the palisade.alerts/v1 document, written
 * as a header, the alerts, and a trailer with the counts).
 */
export const ALERT_FORMATS = ['table', 'json', 'jsonl'] as const;
export type AlertFormat = (typeof ALERT_FORMATS)[number];

type Colors = ReturnType<typeof pc.createColors>;

function paintSeverity(c: Colors, s: Severity, text: string): string {
  switch (s) {
    case 'critical':
      return c.bold(c.red(text));
    case 'high':
      return c.red(text);
    case 'medium':
      return c.yellow(text);
    case 'low':
      return c.cyan(text);
    default:
      return c.dim(text);
  }
}

function objectLabel(a: Alert): string {
  const o = a.objectRef;
  if (!o.resource) return a.requestURI;
  const res = o.subresource ? `${o.resource}/${o.subresource}` : o.resource;
  const name = o.name ? (o.namespace && o.resource !== 'namespaces' ? `${o.namespace}/${o.name}` : o.name) : o.namespace ? `${o.namespace}/` : '';
  return `${res} ${name}`.trimEnd();
}

/** Two lines per alert: what, when, who, from where; then why and the cross-references. */
export function tableAlert(a: Alert, color: boolean): string {
  const c = pc.createColors(color);
  const who = printable(a.user || '?') + (a.impersonatedUser !== undefined ? ` as ${printable(a.impersonatedUser)}` : '');
  const from = a.sourceIPs.length ? ` from ${printable(a.sourceIPs.join(','))}` : '';
  const code = a.responseCode !== undefined ? ` → ${a.responseCode}` : '';
  const refs = a.frameworks.map((f) => `${f.framework}: ${f.id}`).join('; ');
  const head = `${paintSeverity(c, a.severity, a.severity.toUpperCase().padEnd(8))} ${a.time ?? '(no time)'}  ${c.bold(a.rule)}  ${who}${from}  ${a.verb} ${printable(objectLabel(a))}${code}`;
  const body = `         ${printable(a.message)}${refs ? c.dim(`  [${printable(refs)}]`) : ''}  ${c.dim(`${printable(a.source.file)}:${a.source.line}`)}`;
  return `${head}\n${body}\n`;
}

export function tableSummary(stats: AlertStats, bySeverity: Record<Severity, number>): string {
  const counts = SEVERITIES.filter((s) => bySeverity[s] > 0).map((s) => `${bySeverity[s]} ${s}`);
  const parts = [`${stats.events} events`, `${stats.alerts} alert${stats.alerts === 1 ? '' : 's'}${counts.length ? ` (${counts.join(', ')})` : ''}`];
  if (stats.duplicates) parts.push(`${stats.duplicates} duplicates dropped`);
  if (stats.skipped) parts.push(`${stats.skipped} other records skipped`);
  if (stats.incomplete) parts.push(`${stats.incomplete} with a body not logged`);
  if (stats.dryRun) parts.push(`${stats.dryRun} dry ${stats.dryRun === 1 ? 'run' : 'runs'} not checked`);
  if (stats.malformed) parts.push(`${stats.malformed} malformed`);
  return `${parts.join(', ')}\n`;
}

export function jsonlAlert(a: Alert): string {
  return `${JSON.stringify(a)}\n`;
}

export function jsonHeader(): string {
  return `{"schema":${JSON.stringify(ALERTS_SCHEMA)},"alerts":[`;
}

export function jsonAlert(a: Alert, first: boolean): string {
  return `${first ? '\n' : ',\n'}${JSON.stringify(a)}`;
}

export function jsonTrailer(stats: AlertStats, errors: readonly AlertError[]): string {
  return `\n],"stats":${JSON.stringify(stats)},"errors":${JSON.stringify(errors)}}\n`;
}
