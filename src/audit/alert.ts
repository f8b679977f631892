import type { Severity } from '../core/severity.js';
import type { ObjectRef } from './event.js';

/** The catalogs an alert is cross-referenced to: Falco's k8s-audit rule names and MITRE ATT&CK. */
export interface AlertFrameworkRef {
  framework: 'falco' | 'mitre';
  id: string;
}

export interface Alert {
  rule: string;
  title: string;
  severity: Severity;
  /** When the API server logged the stage the alert is about (its stageTimestamp). */
  time?: string;
  user: string;
  groups: string[];
  /** The identity the request acted as, when it impersonated one. */
  impersonatedUser?: string;
  sourceIPs: string[];
  userAgent?: string;
  verb: string;
  objectRef: ObjectRef;
  requestURI: string;
  responseCode?: number;
  stage?: string;
  message: string;
  frameworks: AlertFrameworkRef[];
  auditID?: string;
  /** True when the detector could not decide because the body it needs was not logged. */
  undetermined?: true;
  /** Where the event was read: a file (or `-`) and its line. */
  source: { file: string; line: number };
}

export interface AlertStats {
  /** Audit events read (duplicates not counted). */
  events: number;
  alerts: number;
  /** Events dropped because the same request (auditID, verb, URI, user, receive time) at the same stage was already read. */
  duplicates: number;
  /** Records that are not audit events by design (other diagnostic categories, klog lines). */
  skipped: number;
  /** Lines or records that could not be parsed or are not recognisable. */
  malformed: number;
  /** Events whose request or response body AKS replaced with `skipped-too-big-size-object`. */
  incomplete: number;
  /** Server-side dry runs (`dryRun=All`: `kubectl diff`, `--dry-run=server`): nothing was stored, so the built-in detectors skip them. */
  dryRun: number;
}

export interface AlertError {
  source: string;
  line?: number;
  message: string;
}

export const ALERTS_SCHEMA = 'palisade.alerts/v1';

export function emptyStats(): AlertStats {
  return { events: 0, alerts: 0, duplicates: 0, skipped: 0, malformed: 0, incomplete: 0, dryRun: 0 };
}
