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
  // The hash of `rule\0kind\0namespace\0name\0container\0field`, fed piece by piece: a scan computes one per
  // finding, and the joined text would be a string made only to be hashed.
  const h = new Hash64();
  h.add(rule);
  h.add(resource.kind, true);
  h.add(resource.namespace ?? '', true);
  h.add(resource.name, true);
  h.add(container ?? '', true);
  h.add(field ?? '', true);
  // Without a key the text hashed is what it always was, so existing ids (and baselines) stay valid.
  if (key !== undefined) h.add(key, true);
  return h.digest();
}

/**
 * 64 bits of two independently mixed 32-bit hashes, as 16 hex digits. Ids need stability and few
 * collisions, not secrecy, and a scan computes one per finding: a cryptographic hash cost more than
 * every rule together on large estates.
 */
export function hash64(text: string): string {
  const h = new Hash64();
  h.add(text);
  return h.digest();
}

/** hash64 of a text given in pieces: the same digest as hash64 of the pieces joined. */
class Hash64 {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  /** Adds `text`, after a NUL separator when `separated`. */
  add(text: string, separated = false): void {
    let { h1, h2 } = this;
    if (separated) {
      h1 = Math.imul(h1, 2654435761);
      h2 = Math.imul(h2, 1597334677);
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  digest(): string {
    let { h1, h2 } = this;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return hex16(h2, h1);
  }
}

const HEX_DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** The hex digit of bits [shift, shift + 4) of a 32-bit word, as a char code. */
function hexDigit(word: number, shift: number): number {
  return HEX_DIGITS[(word >>> shift) & 15] as number;
}

/** Two 32-bit words as 16 lower-case hex digits, made as one flat string (no pieces to pad and join). */
function hex16(hi: number, lo: number): string {
  return String.fromCharCode(
    hexDigit(hi, 28), hexDigit(hi, 24), hexDigit(hi, 20), hexDigit(hi, 16), hexDigit(hi, 12), hexDigit(hi, 8), hexDigit(hi, 4), hexDigit(hi, 0),
    hexDigit(lo, 28), hexDigit(lo, 24), hexDigit(lo, 20), hexDigit(lo, 16), hexDigit(lo, 12), hexDigit(lo, 8), hexDigit(lo, 4), hexDigit(lo, 0),
  );
}

/** Does a finding count toward the exit code and the summary? */
export function isActive(f: Finding): boolean {
  return f.suppressed === undefined;
}
