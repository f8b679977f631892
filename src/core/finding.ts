import { createHash } from 'node:crypto';
import type { FrameworkRef } from './frameworks.js';
import type { Provenance, ResourceRef } from './resource.js';
import type { Pillar, Severity } from './severity.js';

export interface Evidence {
  /** What the manifest says (never a secret value). */
  observed?: unknown;
  /** What a safe configuration says. */
  expected?: unknown;
  [key: string]: unknown;
}

/** Why a finding does not count: an exception in the config, an annotation, or an AKS-managed component. */
export interface Suppression {
  kind: 'exception' | 'annotation' | 'provider-managed';
  reason: string;
  expires?: string;
}

export interface Finding {
  /** Stable hash of rule + resource + container + field: survives re-runs, used by exceptions and baselines. */
  id: string;
  rule: string;
  title: string;
  severity: Severity;
  pillar: Pillar;
  resource: ResourceRef;
  container?: string;
  field?: string;
  message: string;
  remediation: string;
  location?: Provenance;
  frameworks: FrameworkRef[];
  evidence: Evidence;
  /** A command that shows the offending value on a live cluster. */
  verify?: string;
  suppressed?: Suppression;
  /** Set when a baseline was given: whether the finding existed in it. */
  baseline?: 'new' | 'existing';
}

export function findingId(rule: string, resource: ResourceRef, container: string | undefined, field: string | undefined): string {
  // apiVersion is left out on purpose: moving a Deployment from extensions/v1beta1 to apps/v1 is the same object.
  const key = [rule, resource.kind, resource.namespace ?? '', resource.name, container ?? '', field ?? ''].join('\u0000');
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Does a finding count toward the exit code and the summary? */
export function isActive(f: Finding): boolean {
  return f.suppressed === undefined;
}
