import type { Severity } from '../core/severity.js';
import type { AlertFrameworkRef } from './alert.js';
import type { AuditEvent } from './event.js';
import type { ResolvedSettings } from './resolved-settings.js';

export interface DetectorMeta {
  /** `audit/kebab-case-what-happened`; never changes once released. */
  id: string;
  title: string;
  severity: Severity;
  /** Falco's rule name (current, then the 0.6.0 name when it differs) and the MITRE ATT&CK technique. */
  frameworks: AlertFrameworkRef[];
  description: string;
  remediation: string;
}

export interface DetectorReport {
  message: string;
  /** Overrides the detector's severity for this alert. */
  severity?: Severity;
  /** Narrows the detector's cross-references for this alert (one Falco rule of several). */
  frameworks?: AlertFrameworkRef[];
}

export interface DetectorContext {
  report(r: DetectorReport): void;
  /**
   * The detector would need the request body, and AKS replaced it (`skipped-too-big-size-object`):
   * neither a hit nor safe. The engine folds these into one info alert per event naming what was not
   * evaluated.
   */
  undetermined(what: string): void;
  /**
   * A report about the current event to make later, when a later event (or the end of the stream)
   * decides it: the alert keeps this event's time, identity and source line.
   */
  later(): (r: DetectorReport) => void;
}

/** The check run on every event, and what it does at the end of the stream to settle verdicts it holds. */
export interface DetectorCheck {
  (ev: AuditEvent, ctx: DetectorContext): void;
  end?(): void;
}

/**
 * A detector is data (`meta`) plus `create`, called once per run with the settings. It returns the
 * check run on every event (state a detector keeps between events lives in that closure), or
 * undefined when the settings turn it off (opt-in detectors without their list).
 */
export interface Detector {
  meta: DetectorMeta;
  create(settings: ResolvedSettings): DetectorCheck | undefined;
  /**
   * Also checks the allowed identities' events (AKS's own, settings.allowedIdentities): what it detects is
   * a misuse of exactly those identities (an add-on's token replayed from outside the cluster), which
   * allowing their routine work must not hide.
   */
  checksAllowedIdentities?: boolean;
}

export function defineDetector(d: Detector): Detector {
  return d;
}

export function falco(...names: string[]): AlertFrameworkRef[] {
  return names.map((id) => ({ framework: 'falco', id }));
}

export function mitre(...ids: string[]): AlertFrameworkRef[] {
  return ids.map((id) => ({ framework: 'mitre', id }));
}
