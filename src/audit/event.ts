/**
 * The audit.k8s.io Event as detectors read it. The parsed object is normalised in place rather than
 * copied (a stream of millions of events should not pay for a second object per event): fields of the
 * wrong type are replaced, and absent parts become empty values, so detectors and CEL rules can read
 * `event.objectRef.resource` or `event.user.username` without guarding every step.
 */
export interface ObjectRef {
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  apiVersion?: string;
}

export interface AuditUser {
  username: string;
  groups: string[];
  uid?: string;
  extra?: Record<string, unknown>;
}

export interface AuditEvent {
  kind?: string;
  apiVersion?: string;
  level?: string;
  auditID?: string;
  /** `RequestReceived`, `ResponseStarted`, `ResponseComplete` or `Panic`; '' when the source does not say. */
  stage: string;
  verb: string;
  requestURI: string;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs: string[];
  userAgent?: string;
  objectRef: ObjectRef;
  responseStatus: { code?: number; status?: string; reason?: string; message?: string };
  /** The request body: an object, absent (audit level below Request), or a string AKS put in its place. */
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  /** audit.k8s.io/v1beta1 */
  timestamp?: string;
  /** Values are strings in practice; they are not checked one by one (read them with typeof). */
  annotations: Record<string, unknown>;
  [key: string]: unknown;
}

/** What AKS writes instead of a request or response body too large to log. */
export const TOO_BIG_MARKER = 'skipped-too-big-size-object';

/** Whether an audit event's body can be inspected: present, absent (audit level), or replaced by AKS. */
export type BodyState = 'present' | 'absent' | 'omitted';

export function bodyState(body: unknown): BodyState {
  if (body === undefined || body === null) return 'absent';
  if (typeof body === 'object' && !Array.isArray(body)) return 'present';
  // AKS documents `skipped-too-big-size-object`; any other non-object is just as unreadable.
  return 'omitted';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether a parsed JSON value is an audit Event: it has a verb and either says it is an Event or carries
 * an auditID or a requestURI. `apiVersion` is optional (old captures omit it), but a core `v1` Event
 * (kind Event, apiVersion v1) is not an audit event.
 */
export function looksLikeAuditEvent(v: unknown): v is Record<string, unknown> {
  if (!isRecord(v) || typeof v.verb !== 'string') return false;
  const apiVersion = v.apiVersion;
  if (apiVersion !== undefined && !(typeof apiVersion === 'string' && apiVersion.startsWith('audit.k8s.io/'))) return false;
  return v.kind === 'Event' || typeof v.auditID === 'string' || typeof v.requestURI === 'string';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  for (const x of v) if (typeof x !== 'string') return v.filter((y): y is string => typeof y === 'string');
  return v as string[];
}

function normaliseUser(v: unknown): AuditUser {
  if (!isRecord(v)) return { username: '', groups: [] };
  if (typeof v.username !== 'string') v.username = '';
  v.groups = strings(v.groups);
  return v as unknown as AuditUser;
}

function normaliseObjectRef(v: unknown): ObjectRef {
  if (!isRecord(v)) return {};
  // Named reads, not a loop over key names: this runs once per event of a long stream.
  if (v.resource !== undefined && typeof v.resource !== 'string') delete v.resource;
  if (v.subresource !== undefined && typeof v.subresource !== 'string') delete v.subresource;
  if (v.namespace !== undefined && typeof v.namespace !== 'string') delete v.namespace;
  if (v.name !== undefined && typeof v.name !== 'string') delete v.name;
  if (v.apiGroup !== undefined && typeof v.apiGroup !== 'string') delete v.apiGroup;
  if (v.apiVersion !== undefined && typeof v.apiVersion !== 'string') delete v.apiVersion;
  return v as ObjectRef;
}

/** Normalises a value `looksLikeAuditEvent` accepted, in place, and returns it typed. */
export function normaliseEvent(raw: Record<string, unknown>): AuditEvent {
  raw.stage = str(raw.stage) ?? '';
  raw.requestURI = str(raw.requestURI) ?? '';
  if (raw.auditID !== undefined && typeof raw.auditID !== 'string') delete raw.auditID;
  raw.user = normaliseUser(raw.user);
  if (raw.impersonatedUser !== undefined) {
    if (isRecord(raw.impersonatedUser)) raw.impersonatedUser = normaliseUser(raw.impersonatedUser);
    else delete raw.impersonatedUser;
  }
  raw.sourceIPs = strings(raw.sourceIPs);
  raw.objectRef = normaliseObjectRef(raw.objectRef);
  const status = isRecord(raw.responseStatus) ? raw.responseStatus : {};
  if (status.code !== undefined && typeof status.code !== 'number') {
    const n = typeof status.code === 'string' ? Number(status.code) : NaN;
    if (Number.isFinite(n)) status.code = n;
    else delete status.code;
  }
  raw.responseStatus = status;
  if (!isRecord(raw.annotations)) raw.annotations = {};
  return raw as AuditEvent;
}

/** When the event happened: the stage's time, else when the request was received. */
export function eventTime(ev: AuditEvent): string | undefined {
  return str(ev.stageTimestamp) ?? str(ev.requestReceivedTimestamp) ?? str(ev.timestamp);
}

/** Whether the API server answered with success (2xx, or 101 for an upgraded exec/attach stream). */
export function succeeded(ev: AuditEvent): boolean {
  const code = ev.responseStatus.code;
  return code !== undefined && ((code >= 200 && code < 300) || code === 101);
}

/** The request was authorised (the authorizer's decision when recorded, else a non-401/403 answer). */
export function allowed(ev: AuditEvent): boolean {
  const decision = ev.annotations['authorization.k8s.io/decision'];
  if (typeof decision === 'string') return decision === 'allow';
  const code = ev.responseStatus.code;
  return code !== undefined && code !== 401 && code !== 403;
}

/** The final stage of a request (or an event whose source does not record stages). */
export function completed(ev: AuditEvent): boolean {
  return ev.stage === 'ResponseComplete' || ev.stage === '';
}

/**
 * Identities of the cluster's own machinery: `system:` users (nodes, control-plane components) and
 * kube-system service accounts. Service accounts of other namespaces are workloads, and
 * `system:anonymous` is nobody in particular: neither counts as system.
 */
export function isSystemIdentity(username: string): boolean {
  if (!username.startsWith('system:')) return false;
  if (username === 'system:anonymous') return false;
  if (username.startsWith('system:serviceaccount:')) return username.startsWith('system:serviceaccount:kube-system:');
  return true;
}
