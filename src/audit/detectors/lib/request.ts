import type { AuditEvent } from '../../event.js';
import { completedWithSuccess, succeeded } from '../../event.js';

/** The query parameters of the request URI (`command` may repeat: one per argument). */
export function queryParams(ev: AuditEvent): URLSearchParams {
  const q = ev.requestURI.indexOf('?');
  return new URLSearchParams(q >= 0 ? ev.requestURI.slice(q + 1) : '');
}

/**
 * A streaming subresource (exec, attach, portforward) that was opened: the ResponseStarted stage of an
 * upgraded connection, or its completion with success when that stage was not logged. The engine
 * reports one alert per request, whichever stage comes first.
 */
export function streamOpened(ev: AuditEvent): boolean {
  if (ev.verb !== 'create' && ev.verb !== 'get') return false;
  if (ev.stage === 'ResponseStarted') return true;
  return completedWithSuccess(ev);
}

export function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** `ns/name` of the object an event is about. */
export function refName(ev: AuditEvent): string {
  const name = ev.objectRef.name ?? '?';
  // A Namespace's own events carry it as their namespace too.
  return ev.objectRef.namespace && ev.objectRef.resource !== 'namespaces' ? `${ev.objectRef.namespace}/${name}` : name;
}

/**
 * How a write ended: what it did, when the API server stored it; when it was refused (by RBAC, an
 * admission policy, validation), that it was tried, at low severity — the attempt is worth knowing, the
 * change did not happen.
 */
export function writeResult(ev: AuditEvent, done: string): { text: string; severity?: 'low' } {
  if (succeeded(ev)) return { text: done };
  return { text: `${ev.verb} refused (answered ${ev.responseStatus.code ?? '?'})`, severity: 'low' };
}

/** `(denied: 403)` after a message about a request that did not succeed; '' when it did. */
export function outcome(ev: AuditEvent): string {
  const code = ev.responseStatus.code;
  return code !== undefined && !succeeded(ev) ? ` (answered ${code})` : '';
}

/** Flags and variable names whose value is a credential. */
const SECRET_FLAG = String.raw`--?(?:password|passwd|pwd|pass|token|secret|api-?key|access-?key|client-?secret)`;
const SECRET_FLAG_WITH_VALUE = new RegExp(String.raw`((?:^|\s)${SECRET_FLAG}(?:=|\s+))\S+`, 'gi');
const SECRET_FLAG_AT_END = new RegExp(String.raw`(?:^|\s)${SECRET_FLAG}$`, 'i');

/**
 * A command line with credentials masked: the values of password-like flags and assignments
 * (`mysql -pS3cret`, `--token=abc`, `PASSWORD=abc`), HTTP `Authorization:` header values, bearer tokens and
 * JWTs (a service-account token pasted into `curl`): the alert says what was run without carrying a
 * credential on.
 */
export function redactCommand(command: string): string {
  return command
    .replace(SECRET_FLAG_WITH_VALUE, '$1***')
    .replace(/(\b[\w.-]*(?:password|passwd|token|secret|apikey|api_key|access_key)[\w.-]*=)\S+/gi, '$1***')
    .replace(/((?:^|\s)-p)(?=\S)\S+/g, '$1***')
    .replace(/(\bauthorization\s*:\s*(?:(?:bearer|basic|token|negotiate|digest)\s+)?)[^\s'"]+/gi, '$1***')
    .replace(/(\bbearer\s+)(?!\*\*\*)[^\s'"]+/gi, '$1***')
    .replace(/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, '***');
}

/**
 * The arguments of a command (one query parameter each), masked as `redactCommand` masks a command
 * line: each on its own, and the value after a credential flag given as its own argument.
 */
export function redactArguments(args: readonly string[]): string[] {
  return args.map((a, i) => (i > 0 && SECRET_FLAG_AT_END.test(args[i - 1] as string) ? '***' : redactCommand(a)));
}

/** Query parameters that carry a command: pods/exec and attach (`command`, one per argument), the kubelet's run (`cmd`). */
const COMMAND_PARAMS = new Set(['command', 'cmd']);

function decodeQueryPart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/**
 * A request URI with the command it carries masked as in the alert's message; the rest of the URI is
 * left as the API server logged it.
 */
export function redactRequestURI(uri: string): string {
  const q = uri.indexOf('?');
  if (q < 0 || !/(?:^|[?&])(?:command|cmd)=/.test(uri.slice(q))) return uri;
  const parts = uri.slice(q + 1).split('&');
  const at: number[] = [];
  const args: string[] = [];
  parts.forEach((p, i) => {
    const eq = p.indexOf('=');
    if (eq < 0 || !COMMAND_PARAMS.has(decodeQueryPart(p.slice(0, eq)))) return;
    at.push(i);
    args.push(decodeQueryPart(p.slice(eq + 1)));
  });
  const masked = redactArguments(args);
  at.forEach((i, n) => {
    const p = parts[i] as string;
    if (masked[n] !== args[n]) parts[i] = `${p.slice(0, p.indexOf('='))}=${encodeURIComponent(masked[n] as string)}`;
  });
  return `${uri.slice(0, q + 1)}${parts.join('&')}`;
}
