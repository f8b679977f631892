import { defineDetector, falco, mitre } from '../detector.js';
import { completed, eventTime, isSystemIdentity, succeeded, type AuditEvent } from '../event.js';
import { RecentKeys } from '../recent-keys.js';
import { queryParams } from './lib/request.js';

const READS = new Set(['get', 'list', 'watch']);
/** Identities, scopes and days remembered: bounded, so that memory stays flat on a stream that never ends. */
const REMEMBERED = 20_000;

/**
 * The stage that says the read happened: a watch is reported when it opens (ResponseStarted), as it may
 * stay open for an hour and its completion land in another log; get and list when they complete.
 */
function readStage(ev: AuditEvent): boolean {
  return completed(ev) || (ev.verb === 'watch' && ev.stage === 'ResponseStarted');
}

/** The selectors a list or watch was narrowed with, for the message: ` (labelSelector owner=helm)`. */
function selectorsOf(ev: AuditEvent): string {
  const q = queryParams(ev);
  const parts = ['labelSelector', 'fieldSelector'].flatMap((k) => {
    const v = q.get(k);
    return v ? [`${k} ${v}`] : [];
  });
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** A label selector requirement `key=value` (or `==`), as Kubernetes writes equality. */
function requires(selector: string, key: string, value: string): boolean {
  return selector.split(',').some((r) => {
    const m = /^\s*([^=!\s]+)\s*==?\s*(\S+)\s*$/.exec(r);
    return m !== null && m[1] === key && m[2] === value;
  });
}

/**
 * Narrowed to Helm's release secrets (`helm list -A`: owner=helm, or their type helm.sh/release.v1):
 * they hold each release's values, which may carry credentials, but not the cluster's tokens and keys.
 */
function helmReleasesOnly(ev: AuditEvent): boolean {
  const q = queryParams(ev);
  return requires(q.get('labelSelector') ?? '', 'owner', 'helm') || requires(q.get('fieldSelector') ?? '', 'type', 'helm.sh/release.v1');
}

export default defineDetector({
  meta: {
    id: 'audit/secret-read',
    title: 'Secrets read in kube-system or across the cluster',
    severity: 'high',
    frameworks: [...falco('K8s Secret Get Successfully', 'K8s Secret Get Unsuccessfully Tried'), ...mitre('T1552.007')],
    description: "Reading kube-system's secrets or listing secrets in every namespace collects credentials: service-account tokens, registry keys, TLS keys. The cluster's own components do it; a person or a workload's service account should not. Denied attempts are reported at low severity. A list or watch narrowed to Helm's release secrets (helm list -A: labelSelector owner=helm) is medium: they hold release values, not the cluster's tokens. A watch is reported when it opens (ResponseStarted), not when it closes. A controller's watch reopens every hour or so: one identity reading the same secrets the same way is reported once per day (UTC, event time).",
    remediation: 'Find who read them and through which binding (authorization.k8s.io/reason); rotate what was read if the access was not expected, and narrow the binding.',
  },
  create() {
    const reported = new RecentKeys(REMEMBERED);
    return (ev, ctx) => {
      if (ev.objectRef.resource !== 'secrets' || ev.objectRef.subresource !== undefined || !READS.has(ev.verb) || !readStage(ev)) return;
      const ns = ev.objectRef.namespace;
      if (ns !== undefined && ns !== 'kube-system') return;
      if (isSystemIdentity(ev.user.username)) return;
      const ok = succeeded(ev);
      const day = eventTime(ev)?.slice(0, 10) ?? '';
      const selectors = ev.objectRef.name ? '' : selectorsOf(ev);
      if (reported.seen(`${ev.user.username}\u0000${ev.verb}\u0000${ns ?? ''}\u0000${ev.objectRef.name ?? ''}\u0000${selectors}\u0000${ok ? '' : 'denied'}\u0000${day}`)) return;
      const what = (ev.objectRef.name ? `secret ${ns ? `${ns}/` : ''}${ev.objectRef.name}` : ns ? `secrets in ${ns}` : 'secrets in every namespace') + selectors;
      const verb = ev.verb === 'get' ? 'read' : ev.verb === 'list' ? 'listed' : 'watched';
      // Falco's rules are about `get`; a list or watch of every secret names only the technique.
      const falcoRef = ev.verb === 'get' ? falco(ok ? 'K8s Secret Get Successfully' : 'K8s Secret Get Unsuccessfully Tried') : [];
      if (ok) ctx.report({ message: `${what} ${verb}`, frameworks: [...falcoRef, ...mitre('T1552.007')], ...(!ev.objectRef.name && helmReleasesOnly(ev) ? { severity: 'medium' as const } : {}) });
      else ctx.report({ message: `${what}: ${ev.verb} denied (${ev.responseStatus.code ?? '?'})`, severity: 'low', frameworks: [...falcoRef, ...mitre('T1552.007')] });
    };
  },
});
