import { globMatch } from '../core/glob.js';
import { emptyStats, type Alert, type AlertError, type AlertStats } from './alert.js';
import type { Detector, DetectorCheck, DetectorContext, DetectorMeta, DetectorReport } from './detector.js';
import { BODY_NOT_LOGGED, DETECTORS } from './detectors/index.js';
import type { InputLimitation } from './adapters/records.js';
import { eventProblem, eventTime, isDryRun, normaliseEvent, requestKey, type AuditEvent } from './event.js';
import { redactRequestURI } from './detectors/lib/request.js';
import { RecentKeys } from './recent-keys.js';
import { resolveSettings, type ResolvedSettings } from './resolved-settings.js';
import { DEFAULT_AUDIT_SETTINGS, type AuditSettings } from './settings.js';
import type { UserRule } from './user-rule.js';

export interface EngineOptions {
  settings?: AuditSettings;
  /** Rules from a rules file (CEL), run on every event after the built-in detectors. */
  userRules?: readonly UserRule[];
  /** Called for every alert, as soon as it is raised: the engine keeps none. */
  onAlert(alert: Alert): void;
  /** Called for every unreadable line or record (the engine keeps the first `maxErrors`). */
  onError?(error: AlertError): void;
  /** Called once per user rule whose condition fails to evaluate on some event. */
  onWarning?(message: string): void;
  /** The detectors to run instead of the built-in set (tests). */
  detectors?: readonly Detector[];
  maxErrors?: number;
}

interface Active {
  meta: DetectorMeta;
  check: DetectorCheck;
  checksAllowed: boolean;
}

/** Verbs kube-audit-admin leaves out (it keeps watch). */
const READ_VERBS = new Set(['get', 'list']);

const NO_IMPERSONATION_WARNING =
  "AKSAudit / AKSAuditAdmin rows have no impersonation column: a request made with --as cannot be told from the caller's own, so audit/impersonation cannot fire on this input and alerts do not say whom a request acted as; read kube-audit from the storage account, an Event Hub or AzureDiagnostics for them";

const ADMIN_ONLY_WARNING =
  'the input is kube-audit-admin (AKSAuditAdmin), which leaves out get and list requests: secrets read one by one or listed (audit/secret-read), anonymous GETs (audit/anonymous-request), exec, attach and port-forward opened over WebSocket by kubectl 1.30 and later (a GET), and first-seen shells cannot be detected; export the kube-audit category for them';

/** Where an event was read. */
export interface EventSource {
  file: string;
  line: number;
}

/**
 * The streaming detection core: takes one audit event at a time, drops duplicates (the same request at
 * the same stage, which AKS sends when both audit categories are exported), runs the detectors unless the
 * identity is one of AKS's own, then the user rules, and hands each alert on. Nothing grows with the
 * length of the stream: duplicate and alert memories are bounded.
 */
export class AuditEngine {
  readonly stats: AlertStats = emptyStats();
  /** The first unreadable lines and records (all are counted in stats.malformed). */
  readonly errors: AlertError[] = [];
  readonly settings: ResolvedSettings;
  private readonly active: Active[];
  private readonly userRules: readonly UserRule[];
  private readonly recent: RecentKeys;
  /** (rule, request) pairs already alerted: one request logged at several stages gives one alert. */
  private readonly alerted = new RecentKeys(10_000);
  private readonly failingRules = new Set<string>();
  private readonly maxErrors: number;
  private readonly onAlert: (a: Alert) => void;
  private readonly onError: ((e: AlertError) => void) | undefined;
  private readonly onWarning: ((m: string) => void) | undefined;

  // Per-event state shared with the detector context (one context object for the whole run).
  private current: Active | undefined;
  private currentEvent: AuditEvent | undefined;
  /** `requestKey` of the current event, worked out once for its duplicate test and its alerts. */
  private currentKey: string | undefined;
  private currentSource: EventSource = { file: '', line: 0 };
  private undetermined: string[] = [];
  private readonly ctx: DetectorContext;
  /** Input limitations already told (each once per run). */
  private readonly limitations = new Set<InputLimitation>();
  /** A get or list was read: the input is not kube-audit-admin alone. */
  private sawRead = false;

  constructor(opts: EngineOptions) {
    this.settings = resolveSettings(opts.settings ?? DEFAULT_AUDIT_SETTINGS);
    const disabled = this.settings.raw.disable;
    this.active = [];
    for (const d of opts.detectors ?? DETECTORS) {
      if (disabled.some((g) => globMatch(g, d.meta.id))) continue;
      const check = d.create(this.settings);
      if (check) this.active.push({ meta: d.meta, check, checksAllowed: d.checksAllowedIdentities === true });
    }
    this.userRules = (opts.userRules ?? []).filter((r) => !disabled.some((g) => globMatch(g, r.meta.id)));
    this.recent = new RecentKeys(this.settings.raw.dedupeWindow);
    this.maxErrors = opts.maxErrors ?? 100;
    this.onAlert = opts.onAlert;
    this.onError = opts.onError;
    this.onWarning = opts.onWarning;
    this.ctx = {
      report: (r) => {
        if (this.current && this.currentEvent) this.raise(this.current.meta, r, this.currentEvent);
      },
      later: () => {
        const meta = this.current?.meta;
        const ev = this.currentEvent;
        const source = this.currentSource;
        return (r) => {
          if (meta && ev) this.raise(meta, r, ev, false, source);
        };
      },
      undetermined: (what) => {
        if (!this.undetermined.includes(what)) this.undetermined.push(what);
      },
    };
  }

  /** The ids of the detectors and user rules this engine runs. */
  get running(): string[] {
    return [...this.active.map((a) => a.meta.id), ...this.userRules.map((r) => r.meta.id)];
  }

  /** One audit event (a value `looksLikeAuditEvent` accepted), read at `source`. */
  event(raw: Record<string, unknown>, source: EventSource): void {
    const problem = eventProblem(raw);
    if (problem !== undefined) return this.malformed(source.file, source.line, problem);
    const ev = normaliseEvent(raw);
    const key = requestKey(ev);
    if (key !== undefined && this.recent.seen(`${key}\u0000${ev.stage}`)) {
      this.stats.duplicates++;
      return;
    }
    this.stats.events++;
    if (!this.sawRead && READ_VERBS.has(ev.verb)) this.sawRead = true;
    if (typeof ev.requestObject === 'string' || typeof ev.responseObject === 'string') this.stats.incomplete++;
    this.currentEvent = ev;
    this.currentKey = key;
    this.currentSource = source;
    // A server-side dry run goes through admission but is never stored: nothing it describes happened.
    const dryRun = isDryRun(ev);
    if (dryRun) this.stats.dryRun++;
    if (!dryRun) {
      const allowed = this.settings.allowedIdentities.has(ev.user.username);
      for (const a of this.active) {
        if (allowed && !a.checksAllowed) continue;
        this.current = a;
        a.check(ev, this.ctx);
      }
      this.current = undefined;
      if (this.undetermined.length) {
        const what = this.undetermined.join(', ');
        this.undetermined = [];
        const target = `${ev.objectRef.resource ?? redactRequestURI(ev.requestURI)}${ev.objectRef.namespace ? ` ${ev.objectRef.namespace}/` : ' '}${ev.objectRef.name ?? ''}`.trimEnd();
        this.raise(BODY_NOT_LOGGED.meta, { message: `${ev.verb} ${target}: request body not logged (skipped-too-big-size-object), so not evaluated: ${what}` }, ev, true);
      }
    }
    for (const rule of this.userRules) {
      let hit: boolean;
      try {
        hit = rule.matches(ev);
      } catch (e) {
        this.ruleFailed(rule, e);
        continue;
      }
      if (hit) this.raise(rule.meta, { message: rule.message(ev) }, ev);
    }
    this.currentEvent = undefined;
  }

  /**
   * The end of the stream: detectors that hold a verdict until a later event decides it settle what is
   * still held.
   */
  end(): void {
    for (const a of this.active) {
      this.current = a;
      a.check.end?.();
    }
    this.current = undefined;
    // Told at the end: with both categories exported, kube-audit's reads may come after the first admin record.
    if (this.limitations.has('admin-category') && !this.sawRead) this.onWarning?.(ADMIN_ONLY_WARNING);
  }

  /** What the input cannot hold, as its envelope says: told once (the admin category at the end, if no read came). */
  limitation(l: InputLimitation): void {
    if (this.limitations.has(l)) return;
    this.limitations.add(l);
    if (l === 'no-impersonation-column') this.onWarning?.(NO_IMPERSONATION_WARNING);
  }

  /** A record that is not an audit event by design (another diagnostic category, a klog line). */
  skipped(): void {
    this.stats.skipped++;
  }

  /** A line or record that could not be read. */
  malformed(source: string, line: number | undefined, message: string): void {
    this.stats.malformed++;
    const e: AlertError = line === undefined ? { source, message } : { source, line, message };
    if (this.errors.length < this.maxErrors) this.errors.push(e);
    this.onError?.(e);
  }

  /** An input that could not be read at all (a missing file): reported, but not a malformed record. */
  unreadable(source: string, message: string): void {
    const e: AlertError = { source, message };
    this.errors.push(e);
    this.onError?.(e);
  }

  private ruleFailed(rule: UserRule, e: unknown): void {
    if (this.failingRules.has(rule.meta.id)) return;
    this.failingRules.add(rule.meta.id);
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    this.onWarning?.(`rule ${rule.meta.id}: condition failed on an event (${msg}); such events do not match (${this.currentSource.file}:${this.currentSource.line}, reported once per rule)`);
  }

  private raise(meta: DetectorMeta, r: DetectorReport, ev: AuditEvent, undetermined = false, source: EventSource = this.currentSource): void {
    // A verdict settled later (held for a later event) is about an event that is no longer the current one.
    const key = ev === this.currentEvent ? this.currentKey : requestKey(ev);
    if (key !== undefined && this.alerted.seen(`${meta.id}\u0000${key}`)) return;
    this.stats.alerts++;
    const o = ev.objectRef;
    const alert: Alert = {
      rule: meta.id,
      title: meta.title,
      severity: r.severity ?? meta.severity,
      ...(eventTime(ev) !== undefined ? { time: eventTime(ev) } : {}),
      user: ev.user.username,
      groups: ev.user.groups,
      ...(ev.impersonatedUser ? { impersonatedUser: ev.impersonatedUser.username } : {}),
      sourceIPs: ev.sourceIPs,
      ...(typeof ev.userAgent === 'string' ? { userAgent: ev.userAgent } : {}),
      verb: ev.verb,
      objectRef: {
        ...(o.apiGroup !== undefined ? { apiGroup: o.apiGroup } : {}),
        ...(o.resource !== undefined ? { resource: o.resource } : {}),
        ...(o.subresource !== undefined ? { subresource: o.subresource } : {}),
        ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
        ...(o.name !== undefined ? { name: o.name } : {}),
      },
      // Exec and kubelet commands travel in the URI: masked as in the messages.
      requestURI: redactRequestURI(ev.requestURI),
      ...(ev.responseStatus.code !== undefined ? { responseCode: ev.responseStatus.code } : {}),
      ...(ev.stage ? { stage: ev.stage } : {}),
      message: r.message,
      frameworks: r.frameworks ?? meta.frameworks,
      ...(ev.auditID !== undefined ? { auditID: ev.auditID } : {}),
      ...(undetermined ? { undetermined: true as const } : {}),
      source: { file: source.file, line: source.line },
    };
    this.onAlert(alert);
  }
}
