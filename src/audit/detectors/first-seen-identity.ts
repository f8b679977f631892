import { defineDetector, mitre } from '../detector.js';
import { completedWithSuccess, eventMillis, isSystemIdentity } from '../event.js';
import type { AuditEvent } from '../event.js';
import { streamOpened } from './lib/request.js';

const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
/** What an attacker with a new credential reaches for first: credentials, permissions, admission and shells. */
const SENSITIVE_RESOURCES = new Set([
  'secrets', 'roles', 'clusterroles', 'rolebindings', 'clusterrolebindings', 'serviceaccounts',
  'mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'certificatesigningrequests',
]);
const SHELLS = new Set(['exec', 'attach', 'portforward', 'ephemeralcontainers']);

/** The sensitive action an event is, as `verb resource[/subresource]`, or undefined. */
export function sensitiveAction(ev: AuditEvent): string | undefined {
  const { resource, subresource } = ev.objectRef;
  if (!resource) return undefined;
  const what = subresource ? `${resource}/${subresource}` : resource;
  // exec, attach and port-forward are `create` over a websocket, or `get` over SPDY.
  if (resource === 'pods' && subresource !== undefined && SHELLS.has(subresource)) return ev.verb === 'create' || ev.verb === 'get' || ev.verb === 'patch' ? `${ev.verb} ${what}` : undefined;
  if (resource === 'serviceaccounts' && subresource === 'token') return ev.verb === 'create' ? `create ${what}` : undefined;
  if (!SENSITIVE_RESOURCES.has(resource) || !WRITES.has(ev.verb)) return undefined;
  if (resource === 'certificatesigningrequests' && subresource !== 'approval' && ev.verb !== 'create') return undefined;
  return `${ev.verb} ${what}`;
}

export default defineDetector({
  meta: {
    id: 'audit/first-seen-identity',
    title: 'New identity making a sensitive change',
    severity: 'medium',
    frameworks: mitre('T1078'),
    description:
      "An identity first seen after the learning window (settings.firstSeen.learningSeconds of event time from the start of the stream) writes secrets, RBAC, service-account tokens or admission webhooks, or opens a shell in a pod: a credential nobody used before doing what an intruder does first. Identities seen during the window are known; the cluster's own (system:* users, kube-system service accounts, AKS's identities) are never reported. One alert per identity. State lives for one run: a resumed run learns again.",
    remediation: 'Find who the identity is (Entra ID object, service account) and who gave it the permission; if nobody expected it, revoke the credential and undo the change.',
  },
  create(settings) {
    const { learningSeconds, maxIdentities } = settings.raw.firstSeen;
    // identity → when it was first seen, while it is new (first seen after the window, not yet
    // reported); false once known. Insertion order is recency: the least recent is forgotten first.
    const identities = new Map<string, number | false>();
    let learningEnds: number | undefined;
    let now = 0;
    return (ev, ctx) => {
      const user = ev.user.username;
      if (!user || isSystemIdentity(user) || user === 'system:anonymous') return;
      const t = eventMillis(ev);
      // An event without a time happened when the last one with a time did.
      if (!Number.isNaN(t)) {
        now = Math.max(now, t);
        learningEnds ??= t + learningSeconds * 1000;
      }
      const learning = learningEnds === undefined ? learningSeconds > 0 : now < learningEnds;
      let firstSeen = identities.get(user);
      if (firstSeen === undefined) {
        firstSeen = learning ? false : now;
        if (identities.size >= maxIdentities) {
          const oldest = identities.keys().next();
          if (!oldest.done) identities.delete(oldest.value);
        }
      } else {
        identities.delete(user);
      }
      identities.set(user, firstSeen);
      if (firstSeen === false) return;
      const action = sensitiveAction(ev);
      if (!action) return;
      const shell = ev.objectRef.resource === 'pods' && ev.objectRef.subresource !== undefined && SHELLS.has(ev.objectRef.subresource);
      if (shell ? !streamOpened(ev) : !completedWithSuccess(ev)) return;
      identities.set(user, false);
      const ns = ev.objectRef.namespace;
      const target = ev.objectRef.name ? ` ${ns ? `${ns}/` : ''}${ev.objectRef.name}` : ns ? ` in ${ns}` : '';
      const since = firstSeen > 0 ? `first seen ${new Date(firstSeen).toISOString()}` : 'not seen before';
      ctx.report({ message: `${user} (${since}): ${action}${target} from ${ev.sourceIPs[0] ?? '?'}` });
    };
  },
});
