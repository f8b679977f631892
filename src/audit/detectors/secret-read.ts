import { defineDetector, falco, mitre } from '../detector.js';
import { completed, eventMillis, eventTime, isSystemIdentity, succeeded, type AuditEvent } from '../event.js';
import type { ResolvedSettings } from '../resolved-settings.js';
import { RecentKeys } from '../recent-keys.js';
import { queryParams } from './lib/request.js';

const READS = new Set(['get', 'list', 'watch']);
/** Identities, scopes and days remembered: bounded, so that memory stays flat on a stream that never ends. */
const REMEMBERED = 20_000;
/** Namespaces whose secrets one identity reads within SWEEP_SECONDS (event time) that make a sweep. */
export const SWEEP_NAMESPACES = 5;
export const SWEEP_SECONDS = 600;
const KUBE_SYSTEM_SA = 'system:serviceaccount:kube-system:';

/**
 * The cluster's own machinery, whose secret reads are its work: `system:` users (nodes, control-plane
 * components) and the kube-system service accounts Kubernetes' controllers run as. Any other kube-system
 * service account (`default`, one a person created) is checked like a workload's; AKS's add-ons are
 * allowed identities, which the engine keeps from this detector.
 */
function isClusterMachinery(username: string, settings: ResolvedSettings): boolean {
  if (!isSystemIdentity(username)) return false;
  return !username.startsWith(KUBE_SYSTEM_SA) || settings.knownKubeServiceAccounts.has(username.slice(KUBE_SYSTEM_SA.length));
}

/**
 * The namespaces whose secrets each identity read lately: a sweep through them one by one collects as
 * much as a cluster-wide list. Bounded: identities are forgotten all at once when too many are held.
 */
function sweepTracker() {
  const byUser = new Map<string, Map<string, number>>();
  /** The namespaces `user` read within the window before `now`, `ns` included. */
  return (user: string, ns: string, now: number): string[] => {
    let seen = byUser.get(user);
    if (!seen) {
      if (byUser.size >= REMEMBERED) byUser.clear();
      seen = new Map();
      byUser.set(user, seen);
    }
    seen.delete(ns);
    seen.set(ns, now);
    // Oldest first (a namespace read again moves to the end): drop what fell out of the window.
    for (const [n, t] of seen) {
      if (t > now - SWEEP_SECONDS * 1000) break;
      seen.delete(n);
    }
    return [...seen.keys()];
  };
}

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
    description: "Reading kube-system's secrets or listing secrets in every namespace collects credentials: service-account tokens, registry keys, TLS keys. So does reading them namespace after namespace: one identity reading secrets in 5 namespaces within 10 minutes (event time) is reported once a day. The cluster's own components do it (system: users such as nodes and control-plane components, the kube-system service accounts of Kubernetes' controllers, AKS's add-ons); a person or a workload's service account, kube-system's default included, should not. Denied attempts are reported at low severity. A list or watch narrowed to Helm's release secrets (helm list -A: labelSelector owner=helm) is medium: they hold release values, not the cluster's tokens. A watch is reported when it opens (ResponseStarted), not when it closes. A controller's watch reopens every hour or so: one identity reading the same secrets the same way is reported once per day (UTC, event time).",
    remediation: 'Find who read them and through which binding (authorization.k8s.io/reason); rotate what was read if the access was not expected, and narrow the binding.',
  },
  create(settings) {
    const reported = new RecentKeys(REMEMBERED);
    const namespacesRead = sweepTracker();
    return (ev, ctx) => {
      if (ev.objectRef.resource !== 'secrets' || ev.objectRef.subresource !== undefined || !READS.has(ev.verb) || !readStage(ev)) return;
      if (isClusterMachinery(ev.user.username, settings)) return;
      const ns = ev.objectRef.namespace;
      const ok = succeeded(ev);
      const day = eventTime(ev)?.slice(0, 10) ?? '';
      const now = eventMillis(ev);
      if (ns !== undefined && ok && !Number.isNaN(now)) {
        const swept = namespacesRead(ev.user.username, ns, now);
        // A kube-system read is reported on its own (one alert per request): the sweep waits for the next namespace.
        if (ns !== 'kube-system' && swept.length >= SWEEP_NAMESPACES && !reported.seen(`${ev.user.username}\u0000sweep\u0000${day}`)) {
          ctx.report({ message: `secrets read in ${swept.length} namespaces within ${SWEEP_SECONDS / 60} minutes: ${swept.join(', ')}`, frameworks: mitre('T1552.007') });
        }
      }
      if (ns !== undefined && ns !== 'kube-system') return;
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
