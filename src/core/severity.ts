/** Severities, most severe first. The order is the ranking used by --fail-on and by sorting. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const PILLARS = ['images', 'access', 'network', 'configuration', 'monitoring', 'addons'] as const;
export type Pillar = (typeof PILLARS)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** True when `s` is at least as severe as `threshold`. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) <= severityRank(threshold);
}

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

export function isPillar(v: unknown): v is Pillar {
  return typeof v === 'string' && (PILLARS as readonly string[]).includes(v);
}
