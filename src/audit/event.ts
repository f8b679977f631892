import { createHash } from 'node:crypto';

/**
 * The audit.k8s.io Event as detectors read it. The parsed object is checked and normalised in place
 * rather than copied (a stream of millions of events should not pay for a second object per event): an
 * event with a field of the wrong type is refused as malformed, and absent parts become empty values,
 * so detectors and CEL rules can read `event.objectRef.resource` or `event.user.username` without
 * guarding every step.
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

/** `a number`, `null`, `an array`: how a wrong value is named in a malformed-record message. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * A field the schema types as a string, when present. Null is as wrong as any other type: the API server
 * leaves out what it has no value for (omitempty) and never writes null.
 */
function notString(v: unknown, path: string): string | undefined {
  return v === undefined || typeof v === 'string' ? undefined : `${path} is ${typeName(v)}, not a string`;
}

function notObject(v: unknown, path: string): string | undefined {
  return v === undefined || isRecord(v) ? undefined : `${path} is ${typeName(v)}, not an object`;
}

function notStrings(v: unknown, path: string): string | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return `${path} is ${typeName(v)}, not a list of strings`;
  for (const x of v) if (typeof x !== 'string') return `${path} holds ${typeName(x)}, not only strings`;
  return undefined;
}

/** authentication.k8s.io UserInfo: username, uid, groups, extra (a map of string lists). */
function userProblem(v: unknown, path: string): string | undefined {
  if (v === undefined) return undefined;
  if (!isRecord(v)) return `${path} is ${typeName(v)}, not an object`;
  return notString(v.username, `${path}.username`) ?? notString(v.uid, `${path}.uid`) ?? notStrings(v.groups, `${path}.groups`) ?? notObject(v.extra, `${path}.extra`);
}

function objectRefProblem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!isRecord(v)) return `objectRef is ${typeName(v)}, not an object`;
  // Named reads, not a loop over key names: this runs once per event of a long stream.
  return (
    notString(v.resource, 'objectRef.resource') ??
    notString(v.subresource, 'objectRef.subresource') ??
    notString(v.namespace, 'objectRef.namespace') ??
    notString(v.name, 'objectRef.name') ??
    notString(v.apiGroup, 'objectRef.apiGroup') ??
    notString(v.apiVersion, 'objectRef.apiVersion') ??
    notString(v.uid, 'objectRef.uid') ??
    notString(v.resourceVersion, 'objectRef.resourceVersion')
  );
}

function responseStatusProblem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!isRecord(v)) return `responseStatus is ${typeName(v)}, not an object`;
  const code = v.code;
  // A code written as a string of digits is still the code.
  if (code !== undefined && typeof code !== 'number' && !(typeof code === 'string' && Number.isFinite(Number(code)) && code.trim() !== '')) return `responseStatus.code is ${typeName(code)}, not a number`;
  return notString(v.status, 'responseStatus.status') ?? notString(v.reason, 'responseStatus.reason') ?? notString(v.message, 'responseStatus.message');
}

/**
 * Why a value `looksLikeAuditEvent` accepted is not an audit.k8s.io/v1 Event after all: a field present
 * with a type the Event schema does not give it (`user.username is a number, not a string`). Such an
 * event is a malformed record: read as if the field were absent, an exec with `objectRef.subresource: 1`
 * would pass every detector unseen. Absent fields are not a problem (sources and audit levels leave
 * them out); the bodies (`requestObject`, `responseObject`) may be anything, and annotation values
 * are not checked one by one.
 */
export function eventProblem(raw: Record<string, unknown>): string | undefined {
  return (
    notString(raw.level, 'level') ??
    notString(raw.auditID, 'auditID') ??
    notString(raw.stage, 'stage') ??
    notString(raw.requestURI, 'requestURI') ??
    userProblem(raw.user, 'user') ??
    userProblem(raw.impersonatedUser, 'impersonatedUser') ??
    notStrings(raw.sourceIPs, 'sourceIPs') ??
    notString(raw.userAgent, 'userAgent') ??
    objectRefProblem(raw.objectRef) ??
    responseStatusProblem(raw.responseStatus) ??
    notString(raw.requestReceivedTimestamp, 'requestReceivedTimestamp') ??
    notString(raw.stageTimestamp, 'stageTimestamp') ??
    notString(raw.timestamp, 'timestamp') ??
    notObject(raw.annotations, 'annotations')
  );
}

/** Normalises, in place, a value `looksLikeAuditEvent` accepted and `eventProblem` found no fault with. */
export function normaliseEvent(raw: Record<string, unknown>): AuditEvent {
  if (raw.stage === undefined) raw.stage = '';
  if (raw.requestURI === undefined) raw.requestURI = '';
  const user = isRecord(raw.user) ? raw.user : (raw.user = {});
  if (user.username === undefined) user.username = '';
  if (user.groups === undefined) user.groups = [];
  if (isRecord(raw.impersonatedUser)) {
    if (raw.impersonatedUser.username === undefined) raw.impersonatedUser.username = '';
    if (raw.impersonatedUser.groups === undefined) raw.impersonatedUser.groups = [];
  }
  if (raw.sourceIPs === undefined) raw.sourceIPs = [];
  if (raw.objectRef === undefined) raw.objectRef = {};
  const status = isRecord(raw.responseStatus) ? raw.responseStatus : (raw.responseStatus = {});
  if (typeof status.code === 'string') status.code = Number(status.code);
  if (raw.annotations === undefined) raw.annotations = {};
  return raw as AuditEvent;
}

/** When the event happened: the stage's time, else when the request was received. */
export function eventTime(ev: AuditEvent): string | undefined {
  return str(ev.stageTimestamp) ?? str(ev.requestReceivedTimestamp) ?? str(ev.timestamp);
}

/** `eventTime` in milliseconds since the epoch; NaN when the event has no time or one that does not parse. */
export function eventMillis(ev: AuditEvent): number {
  return Date.parse(eventTime(ev) ?? '');
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

/** A server-side dry run (`?dryRun=All`): admitted or refused, but never stored. */
export function isDryRun(ev: AuditEvent): boolean {
  const q = ev.requestURI.indexOf('?');
  // Most requests carry a query (list, watch): parse only those that can name the parameter.
  return q >= 0 && ev.requestURI.includes('dryRun', q) && new URLSearchParams(ev.requestURI.slice(q + 1)).has('dryRun');
}

/**
 * A request that creates its object: a create, or a patch the API server answered 201 Created — server-side
 * apply (`kubectl apply --server-side`, Flux, Argo CD with server-side apply) creates what does not exist
 * yet with a PATCH, and says so with 201.
 */
export function isCreate(ev: AuditEvent): boolean {
  return ev.verb === 'create' || (ev.verb === 'patch' && ev.responseStatus.code === 201);
}

/**
 * The object a write describes, for detectors that judge its state by one field (`spec`, `rules`,
 * `roleRef`): the request body when it has the field, else the stored object of the response (level
 * RequestResponse; a patch's body may leave the field out). `omitted` when AKS replaced a body the field
 * could be in, `absent` when neither body has it.
 */
export function writtenObject(ev: AuditEvent, field: string): Record<string, unknown> | 'omitted' | 'absent' {
  for (const body of [ev.requestObject, ev.responseObject]) if (isRecord(body) && body[field] !== undefined) return body;
  return bodyState(ev.requestObject) === 'omitted' || bodyState(ev.responseObject) === 'omitted' ? 'omitted' : 'absent';
}

/** Longer request keys are remembered by their digest. */
const MAX_KEY_CHARS = 256;

/**
 * What identifies one request: its auditID alone does not, because the API server takes it from the
 * client's `Audit-ID` header, so any client can give many requests the same one. The same request
 * exported twice (kube-audit and kube-audit-admin) has the same verb, URI, user and receive time too.
 */
export function requestKey(ev: AuditEvent): string | undefined {
  if (ev.auditID === undefined) return undefined;
  const received = str(ev.requestReceivedTimestamp) ?? str(ev.timestamp) ?? '';
  const key = `${ev.auditID}\u0000${ev.verb}\u0000${ev.requestURI}\u0000${ev.user.username}\u0000${received}`;
  // Remembered by the hundred thousand: a long URI is kept as its digest, so memory stays bounded.
  return key.length <= MAX_KEY_CHARS ? key : createHash('sha256').update(key).digest('base64');
}

/** The final stage of a request (or an event whose source does not record stages). */
export function completed(ev: AuditEvent): boolean {
  return ev.stage === 'ResponseComplete' || ev.stage === '';
}

/** The final stage of a request the API server answered with success: what it describes happened. */
export function completedWithSuccess(ev: AuditEvent): boolean {
  return completed(ev) && succeeded(ev);
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
