import type { DetectorCheck, DetectorReport } from '../detector.js';
import { defineDetector, mitre } from '../detector.js';
import { completed, eventMillis, type AuditEvent } from '../event.js';
import { address, inRanges, isPublic, type Address } from './lib/address.js';
import { redactRequestURI } from './lib/request.js';
import { CONTROL_PLANE_SERVICE_ACCOUNTS } from '../settings.js';

const SA_PREFIX = 'system:serviceaccount:';
const KUBE_SYSTEM = `${SA_PREFIX}kube-system:`;
/** Addresses learned and (identity, address) pairs reported: bounded, started over when full. */
const MAX_REMEMBERED = 10_000;
/** Verdicts held for a kubelet address: bounded, the oldest settled when full. */
const MAX_HELD = 1_000;
/**
 * How long (event time) a public address waits for a kubelet request from it. A cluster behind a load
 * balancer or a NAT gateway with several outbound IPs sends from each of them, and every node renews its
 * lease every 10 seconds, so an outbound IP in use shows up from a kubelet within minutes.
 */
export const HOLD_SECONDS = 600;

/** A use of a token from a public address no kubelet has used yet. */
interface Held {
  ip: string;
  ev: AuditEvent;
  /** Event time (ms) of the use; NaN when the event has none. */
  at: number;
  report: (r: DetectorReport) => void;
}

function useOf(ev: AuditEvent): { account: string; request: string } {
  const [ns, name] = ev.user.username.slice(SA_PREFIX.length).split(':');
  const code = ev.responseStatus.code;
  return { account: `${ns ?? '?'}/${name ?? '?'}`, request: `${ev.verb} ${redactRequestURI(ev.requestURI)}${code !== undefined ? ` (answered ${code})` : ''}` };
}

/**
 * The address that connected: the last sourceIPs entry. The entries before it come from the
 * X-Forwarded-For header, which the client sets as it likes.
 */
function peerOf(ev: AuditEvent): string | undefined {
  return ev.sourceIPs[ev.sourceIPs.length - 1];
}

function isLoopback(a: Address): boolean {
  return a.family === 4 ? a.value >> 24n === 127n : a.value === 1n;
}

export default defineDetector({
  meta: {
    id: 'audit/service-account-token-outside-cluster',
    title: 'Service-account token used from outside the cluster',
    severity: 'high',
    frameworks: mitre('T1550.001'),
    description:
      "A service account's token is meant for the pods that run as it. A request authenticated as a service account from an address outside the cluster means the token left it: read from a pod, a node or a secret, and replayed from elsewhere. The address judged is the one that connected (the last sourceIPs entry; those before it come from an X-Forwarded-For header the client sets). The cluster's addresses are settings.clusterCidrs (pod, node and service CIDRs, and a public API server's view of the cluster: its outbound IPs) plus every address a kubelet (system:node:*) has sent requests from in the stream; the kube-system accounts that run in AKS's control plane (kube-controller-manager's controllers and cloud-controller-manager's) are not checked; those of add-ons that run as pods on the nodes (coredns, metrics-server, konnectivity-agent, azure-cns, cloud-node-manager, ...) are. With clusterCidrs, an address outside them that no kubelet has used is reported at once. Without, only public addresses are judged, and a verdict waits up to 10 minutes of event time for a kubelet request from the same address (a cluster with several outbound IPs sends from each, and every node renews its lease every 10 seconds): then, or at the end of the log, the use is reported at medium as from an address no node was seen using, or at info when the log has no kubelet request at all. One alert per identity and address. The service accounts of AKS's add-ons, whose routine requests the other detectors leave alone, are checked too.",
    remediation:
      "Find where the address is; if it is not yours, the token is stolen: delete the secret or the pod it came from (bound tokens die with their pod), recreate the service account to invalidate legacy tokens, and see what else the account did from that address. If it is one of the cluster's outbound IPs, add them to settings.clusterCidrs (az aks show --query networkProfile.loadBalancerProfile.effectiveOutboundIPs, or the NAT gateway's).",
  },
  // An AKS add-on's token used from the internet is exactly the theft this is for.
  checksAllowedIdentities: true,
  create(settings) {
    const cidrs = settings.clusterCidrs;
    // Addresses kubelets use: a public cluster's outbound IPs show up here as nodes renew their leases.
    const nodes = new Set<string>();
    const reported = new Set<string>();
    // Public addresses waiting for a kubelet request from them, oldest first (settled only without clusterCidrs).
    let held: Held[] = [];
    const outside = (text: string, a: Address) => {
      if (nodes.has(text) || isLoopback(a)) return false;
      return cidrs ? !inRanges(a, cidrs) : isPublic(a);
    };
    const report = (h: Held) => {
      const use = useOf(h.ev);
      if (cidrs) return h.report({ message: `token of service account ${use.account} used from ${h.ip}, outside the cluster: ${use.request}` });
      if (nodes.size === 0) {
        return h.report({
          message: `token of service account ${use.account} used from ${h.ip}, a public address not verified as outside the cluster (no kubelet request in the log to learn the cluster's addresses from, and no settings.clusterCidrs): ${use.request}`,
          severity: 'info',
        });
      }
      h.report({
        message: `token of service account ${use.account} used from ${h.ip}, a public address no node was seen using (outside the cluster unless it is an outbound IP of the cluster no kubelet used; list those in settings.clusterCidrs): ${use.request}`,
        severity: 'medium',
      });
    };
    const learn = (ip: string | undefined) => {
      if (ip === undefined || nodes.has(ip)) return;
      if (nodes.size >= MAX_REMEMBERED) nodes.clear();
      nodes.add(ip);
      // The cluster's own address after all: what waited for it is no theft.
      if (held.some((h) => h.ip === ip)) held = held.filter((h) => h.ip !== ip);
    };
    /** Reports what has waited the whole window by `now` (event time). */
    const settleUntil = (now: number) => {
      if (Number.isNaN(now)) return;
      let due = 0;
      while (due < held.length && (held[due] as Held).at + HOLD_SECONDS * 1000 <= now) due++;
      if (due === 0) return;
      const settled = held.slice(0, due);
      held = held.slice(due);
      for (const h of settled) report(h);
    };
    // The latest event time seen: a use whose event has no time waits from there.
    let lastTime = Number.NaN;
    const check: DetectorCheck = (ev, ctx) => {
      const now = eventMillis(ev);
      if (!Number.isNaN(now) && !(now <= lastTime)) lastTime = now;
      const user = ev.user.username;
      if (user.startsWith('system:node:')) learn(peerOf(ev));
      settleUntil(now);
      if (!user.startsWith(SA_PREFIX) || !completed(ev)) return;
      // Kubernetes' and the cloud provider's controllers run as these in the control plane, whose addresses are AKS's, not the cluster's.
      if (user.startsWith(KUBE_SYSTEM) && CONTROL_PLANE_SERVICE_ACCOUNTS.has(user.slice(KUBE_SYSTEM.length))) return;
      const ip = peerOf(ev);
      const a = ip === undefined ? undefined : address(ip);
      if (ip === undefined || !a || !outside(ip, a)) return;
      const key = `${user}\u0000${ip}`;
      if (reported.has(key)) return;
      if (reported.size >= MAX_REMEMBERED) reported.clear();
      reported.add(key);
      const h: Held = { ip, ev, at: Number.isNaN(now) ? lastTime : now, report: ctx.later() };
      if (cidrs) return report(h);
      if (held.length >= MAX_HELD) report(held.shift() as Held);
      held.push(h);
    };
    check.end = () => {
      const settled = held;
      held = [];
      for (const h of settled) report(h);
    };
    return check;
  },
});
