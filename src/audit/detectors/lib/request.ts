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

/**
 * A command line with the values of password-like flags and assignments masked (`mysql -pS3cret`,
 * `--token=abc`, `PASSWORD=abc`): the alert says what was run without carrying a credential on.
 */
export function redactCommand(command: string): string {
  return command
    .replace(/((?:^|\s)--?(?:password|passwd|pwd|pass|token|secret|api-?key|access-?key|client-?secret)(?:=|\s+))\S+/gi, '$1***')
    .replace(/(\b[\w.-]*(?:password|passwd|token|secret|apikey|api_key|access_key)[\w.-]*=)\S+/gi, '$1***')
    .replace(/((?:^|\s)-p)(?=\S)\S+/g, '$1***');
}
