import type { Severity } from '../core/severity.js';
import { cvss4Score } from './cvss4.js';

/**
 * CVSS scores from vector strings. v3.0/v3.1 follow the FIRST specification's formulas
 * (https://www.first.org/cvss/v3.1/specification-document §7), including its Roundup; v2 follows the
 * v2 guide; v4.0 has no formula and is scored from macro vectors in `cvss4.ts`.
 */

export interface CvssScore {
  version: '2.0' | '3.0' | '3.1' | '4.0';
  vector: string;
  /** Undefined for malformed vectors (a base metric missing, a value unknown, ...). */
  score?: number;
}

function metrics(parts: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of parts) {
    const i = p.indexOf(':');
    if (i > 0) m.set(p.slice(0, i), p.slice(i + 1));
  }
  return m;
}

/** v3.1 Roundup: the smallest number with one decimal ≥ the input, computed on integers to dodge float error. */
function roundup31(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

function roundup30(x: number): number {
  return Math.ceil(x * 10) / 10;
}

const V3 = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

function pick<T extends Record<string, number>>(table: T, v: string | undefined): number | undefined {
  return v !== undefined && Object.hasOwn(table, v) ? table[v as keyof T] : undefined;
}

export function cvss3BaseScore(vector: string): number | undefined {
  const parts = vector.split('/');
  const version = /^CVSS:3\.([01])$/.exec(parts[0] ?? '')?.[1];
  if (version === undefined) return undefined;
  const m = metrics(parts.slice(1));
  const scope = m.get('S');
  if (scope !== 'U' && scope !== 'C') return undefined;
  const av = pick(V3.AV, m.get('AV'));
  const ac = pick(V3.AC, m.get('AC'));
  const ui = pick(V3.UI, m.get('UI'));
  const pr = pick(scope === 'C' ? { N: 0.85, L: 0.68, H: 0.5 } : { N: 0.85, L: 0.62, H: 0.27 }, m.get('PR'));
  const c = pick(V3.CIA, m.get('C'));
  const i = pick(V3.CIA, m.get('I'));
  const a = pick(V3.CIA, m.get('A'));
  if (av === undefined || ac === undefined || ui === undefined || pr === undefined || c === undefined || i === undefined || a === undefined) return undefined;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15);
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  const roundup = version === '1' ? roundup31 : roundup30;
  return scope === 'U' ? roundup(Math.min(impact + exploitability, 10)) : roundup(Math.min(1.08 * (impact + exploitability), 10));
}

export function cvss2BaseScore(vector: string): number | undefined {
  const m = metrics(vector.replace(/^\(|\)$/g, '').split('/'));
  const av = pick({ L: 0.395, A: 0.646, N: 1.0 }, m.get('AV'));
  const ac = pick({ H: 0.35, M: 0.61, L: 0.71 }, m.get('AC'));
  const au = pick({ M: 0.45, S: 0.56, N: 0.704 }, m.get('Au'));
  const cia = { N: 0, P: 0.275, C: 0.66 };
  const c = pick(cia, m.get('C'));
  const i = pick(cia, m.get('I'));
  const a = pick(cia, m.get('A'));
  if (av === undefined || ac === undefined || au === undefined || c === undefined || i === undefined || a === undefined) return undefined;
  const impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
  const exploitability = 20 * av * ac * au;
  const f = impact === 0 ? 0 : 1.176;
  return Math.round((0.6 * impact + 0.4 * exploitability - 1.5) * f * 10) / 10;
}

/** An OSV `severity[]` entry read as CVSS, or undefined for other types (`Ubuntu`, ...). */
export function parseCvss(type: string, vector: string): CvssScore | undefined {
  if (type === 'CVSS_V3') {
    const version = vector.startsWith('CVSS:3.0/') ? '3.0' : '3.1';
    const score = cvss3BaseScore(vector);
    return score === undefined ? { version, vector } : { version, vector, score };
  }
  if (type === 'CVSS_V2') {
    const score = cvss2BaseScore(vector);
    return score === undefined ? { version: '2.0', vector } : { version: '2.0', vector, score };
  }
  if (type === 'CVSS_V4') {
    const score = cvss4Score(vector);
    return score === undefined ? { version: '4.0', vector } : { version: '4.0', vector, score };
  }
  return undefined;
}

/** The CVSS qualitative rating of a base score (v3/v4 bands; 0.0 is `none`, reported as info). */
export function severityOfScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

/**
 * Textual ratings found in OSV data: GHSA `database_specific.severity` (LOW, MODERATE, HIGH,
 * CRITICAL), Ubuntu's priorities (negligible, low, medium, high, critical) and Debian's urgencies
 * (unimportant, low, medium, high; `not yet assigned` and end-of-life say nothing).
 */
export function severityOfText(text: string): Severity | undefined {
  switch (text.trim().toLowerCase().replace(/\*+$/, '')) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'moderate':
    case 'medium':
      return 'medium';
    case 'low':
      return 'low';
    case 'negligible':
    case 'unimportant':
      return 'info';
    default:
      return undefined;
  }
}
