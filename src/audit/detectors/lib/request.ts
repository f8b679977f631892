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

/** Tokens recognisable by their prefix: Vault (hvs., hvb., hvr.), Stripe, GitHub, Slack, AWS access keys. */
const KNOWN_TOKEN = /\b(?:hv[sbr]\.[\w-]{16,}|[sr]k_(?:live|test)_\w+|gh[pousr]_\w{20,}|github_pat_\w+|xox[abpr]-[\w-]+|AKIA[0-9A-Z]{16})/g;
/** HTTP headers named for a credential (`X-Api-Key:`, `X-Auth-Token:`, `Cookie:`); Authorization has its own rule. */
const SECRET_HEADER = /(\b(?!authorization\b)(?:[\w-]*(?:api[-_]?key|token|secret|passw(?:or)?d|auth)[\w-]*|cookie)\s*:(?!\/\/)\s*)(?!\*\*\*)[^\s'"]+/gi;

/**
 * A command line with credentials masked: the values of password-like flags and assignments
 * (`mysql -pS3cret`, `--token=abc`, `PASSWORD=abc`, `redis-cli -a`), the password of `user:password`
 * (`curl -u`, URLs such as `postgresql://app:pass@db`), HTTP `Authorization:` and credential-named header
 * values, bearer tokens, JWTs, `vault login` tokens and tokens known by their prefix: the alert says what
 * was run without carrying a credential on.
 */
export function redactCommand(command: string): string {
  return command
    .replace(SECRET_FLAG_WITH_VALUE, '$1***')
    .replace(/(\b[\w.-]*(?:password|passwd|token|secret|apikey|api_key|access_key)[\w.-]*=)\S+/gi, '$1***')
    .replace(/((?:^|\s)-p)(?=\S)\S+/g, '$1***')
    .replace(/(\bredis-cli\b[^;|&\n]*?\s-a\s+)(?!\*\*\*)[^\s'"]+/g, '$1***')
    .replace(/((?:^|\s)(?:-u|--user|--proxy-user)(?:\s+|=)['"]?[^\s:'"@]*:)(?!\*\*\*)[^\s'"]+/g, '$1***')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:)[^\s/@'"]+@/gi, '$1***@')
    .replace(/(\bvault\s+login\s+)(?!-)(?!\*\*\*)[^\s'"]+/g, '$1***')
    .replace(/(\bauthorization\s*:\s*(?:(?:bearer|basic|token|negotiate|digest)\s+)?)[^\s'"]+/gi, '$1***')
    .replace(SECRET_HEADER, '$1***')
    .replace(/(\bbearer\s+)(?!\*\*\*)[^\s'"]+/gi, '$1***')
    .replace(/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, '***')
    .replace(KNOWN_TOKEN, '***');
}

/** Whether one of the arguments before `i` is the program `name` (by itself or as a path). */
function runs(args: readonly string[], i: number, name: string): boolean {
  return args.slice(0, i).some((a) => a === name || a.endsWith(`/${name}`));
}

/**
 * An argument masked by what comes before it: the value after a credential flag given as its own
 * argument (`--password`, `redis-cli -a`), the password of `curl -u user:password`, a `vault login` token.
 */
function redactArgument(args: readonly string[], i: number): string {
  const arg = args[i] as string;
  const prev = i > 0 ? (args[i - 1] as string) : undefined;
  if (prev === undefined) return redactCommand(arg);
  if (SECRET_FLAG_AT_END.test(prev)) return '***';
  if (prev === '-a' && runs(args, i - 1, 'redis-cli')) return '***';
  if (prev === 'login' && !arg.startsWith('-') && runs(args, i - 1, 'vault')) return '***';
  const colon = arg.indexOf(':');
  if (['-u', '--user', '--proxy-user'].includes(prev) && colon >= 0 && !arg.includes('://')) return `${arg.slice(0, colon + 1)}***`;
  return redactCommand(arg);
}

/**
 * The arguments of a command (one query parameter each), masked as `redactCommand` masks a command
 * line: each on its own, and by what comes before it.
 */
export function redactArguments(args: readonly string[]): string[] {
  return args.map((_, i) => redactArgument(args, i));
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
