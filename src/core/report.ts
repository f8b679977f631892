import type { InputError, InputNote } from './errors.js';
import type { ResourceRef } from './resource.js';
import { isActive, type Finding } from './finding.js';
import { PILLARS, SEVERITIES, severityRank, type Pillar, type Severity } from './severity.js';

export const REPORT_SCHEMA = 'palisade.report/v1';

export interface Summary {
  resources: number;
  /** Active findings (not suppressed). */
  findings: number;
  bySeverity: Record<Severity, number>;
  byPillar: Partial<Record<Pillar, number>>;
  /** 0–100; 100 = no active findings. See `score()`. */
  score: number;
  suppressed: number;
}

export interface BaselineSummary {
  file: string;
  new: number;
  existing: number;
  /** Findings of the baseline that are gone now. */
  fixed: Finding[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  tool: { name: 'palisade'; version: string };
  generatedAt: string;
  summary: Summary;
  findings: Finding[];
  errors: InputError[];
  notes: InputNote[];
  baseline?: BaselineSummary;
  /** Attack paths through the findings, most likely and most damaging first (see AttackPath). */
  paths?: AttackPath[];
}

/** A node of an attack path: an entry point, a Service, a workload, an identity, a crown jewel. */
export interface AttackPathNode {
  id: string;
  kind: 'internet' | 'api-server' | 'other-namespaces' | 'service' | 'ingress' | 'workload' | 'identity' | 'namespace-admin' | 'node' | 'cluster-admin' | 'secrets' | 'azure-identity' | 'exec';
  label: string;
}

/** One step of an attack path and what makes it possible: the findings (by id) or the fact. */
export interface AttackPathStep {
  from: string;
  to: string;
  /** What the attacker does, in words. */
  text: string;
  /** The rule whose findings make the step possible, when a rule reports it. */
  rule?: string;
  /** Ids of the findings that make the step possible. */
  findings: string[];
  /** Where the enabling setting is written. */
  resource?: ResourceRef;
  field?: string;
  /** 0–1: how likely the step succeeds once its start is held. */
  likelihood: number;
}

/** The one change that breaks a path, and how many of the reported paths it closes. */
export interface AttackPathFix {
  text: string;
  /** Paths of the report that no longer reach their target once it is made. */
  closes: number;
  findings: string[];
  resource?: ResourceRef;
}

/** A way from an entry point to a crown jewel, ranked by likelihood × impact. */
export interface AttackPath {
  id: string;
  severity: Severity;
  /** likelihood × impact, 0–1. */
  score: number;
  likelihood: number;
  impact: number;
  /** How the attacker gets in: from the internet, through the public API server, from a pod of another namespace, as a compromised pod or identity. */
  entryPoint: 'internet' | 'api-server' | 'other-namespaces' | 'pod' | 'identity';
  entry: AttackPathNode;
  target: AttackPathNode;
  nodes: AttackPathNode[];
  steps: AttackPathStep[];
  fix?: AttackPathFix;
  /** Other footholds that reach the target the same way from the same kind of entry. */
  alsoFrom?: string[];
  /**
   * Every step is made by components AKS manages (the aks-managed profile's reason): a real way, but
   * none of its changes is the cluster owner's to make, so it counts toward no `--fail-on`.
   */
  providerManaged?: true;
  /**
   * What the owner can do where no fix closes the path: on a `providerManaged` path, a cluster setting or
   * nothing; on another, why no single change closes it and what narrows it.
   */
  ownerAction?: string;
}

const WEIGHT: Record<Severity, number> = { critical: 10, high: 5, medium: 2, low: 1, info: 0 };

/**
 * A posture score that falls with weighted findings and is relative to the estate's size, so a big
 * estate with a few medium findings still scores high: 100 × 10·resources / (10·resources + Σ weight).
 */
export function score(findings: readonly Finding[], resources: number): number {
  const penalty = findings.filter(isActive).reduce((s, f) => s + WEIGHT[f.severity], 0);
  if (penalty === 0) return 100;
  const room = 10 * Math.max(resources, 1);
  return Math.round((100 * room) / (room + penalty));
}

export function summarize(findings: readonly Finding[], resources: number): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byPillar: Partial<Record<Pillar, number>> = {};
  let active = 0;
  for (const f of findings) {
    if (!isActive(f)) continue;
    active++;
    bySeverity[f.severity]++;
    byPillar[f.pillar] = (byPillar[f.pillar] ?? 0) + 1;
  }
  // Keep pillars in their canonical order so the JSON is stable.
  const orderedPillars: Partial<Record<Pillar, number>> = {};
  for (const p of PILLARS) if (byPillar[p] !== undefined) orderedPillars[p] = byPillar[p];
  return { resources, findings: active, bySeverity, byPillar: orderedPillars, score: score(findings, resources), suppressed: findings.length - active };
}

/** Code-unit order: locale-independent and far cheaper than localeCompare on large reports. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How many attack paths a finding makes possible (`evidence.onPaths`, set when paths were computed). */
export function pathCount(f: Finding): number {
  const on = f.evidence.onPaths;
  return Array.isArray(on) ? on.length : 0;
}

/**
 * Stable order: file, line, resource, severity, then findings on more attack paths first, rule,
 * field. Output is byte-identical across runs.
 */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      cmp(a.location?.file ?? '', b.location?.file ?? '') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      cmp(a.resource.kind, b.resource.kind) ||
      cmp(a.resource.name, b.resource.name) ||
      severityRank(a.severity) - severityRank(b.severity) ||
      pathCount(b) - pathCount(a) ||
      cmp(a.rule, b.rule) ||
      cmp(a.field ?? '', b.field ?? '') ||
      cmp(a.id, b.id),
  );
}
