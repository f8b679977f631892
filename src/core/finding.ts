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

export function findingId(rule: string, resource: ResourceRef, container: string | undefined, field: string | undefined, key?: string): string {
  // apiVersion is left out on purpose: moving a Deployment from extensions/v1beta1 to apps/v1 is the same object.
  const base = `${rule}\u0000${resource.kind}\u0000${resource.namespace ?? ''}\u0000${resource.name}\u0000${container ?? ''}\u0000${field ?? ''}`;
  // Without a key the text hashed is what it always was, so existing ids (and baselines) stay valid.
  return hash64(key === undefined ? base : `${base}\u0000${key}`);
}

/**
 * 64 bits of two independently mixed 32-bit hashes, as 16 hex digits. Ids need stability and few
 * collisions, not secrecy, and a scan computes one per finding: a cryptographic hash cost more than
 * every rule together on large estates.
 */
export function hash64(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** Does a finding count toward the exit code and the summary? */
export function isActive(f: Finding): boolean {
  return f.suppressed === undefined;
}
