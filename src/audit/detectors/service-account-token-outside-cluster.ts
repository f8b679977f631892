import type { DetectorCheck, DetectorReport } from '../detector.js';
import { defineDetector, mitre } from '../detector.js';
import { completed, type AuditEvent } from '../event.js';
import { address, inRanges, isPublic, type Address } from './lib/address.js';
import { redactRequestURI } from './lib/request.js';

const SA_PREFIX = 'system:serviceaccount:';
const KUBE_SYSTEM = `${SA_PREFIX}kube-system:`;
/** Addresses learned and (identity, address) pairs reported: bounded, started over when full. */
const MAX_REMEMBERED = 10_000;
/** Verdicts held until the first kubelet request: bounded, the oldest settled as unverified when full. */
const MAX_HELD = 1_000;

/** A use of a token from an address that looks outside the cluster, until the cluster's addresses are known. */
interface Held {
  ip: string;
  address: Address;
  ev: AuditEvent;
  report: (r: DetectorReport) => void;
}

function useOf(ev: AuditEvent): { account: string; request: string } {
  const [ns, name] = ev.user.username.slice(SA_PREFIX.length).split(':');
  const code = ev.responseStatus.code;
  return { account: `${ns ?? '?'}/${name ?? '?'}`, request: `${ev.verb} ${redactRequestURI(ev.requestURI)}${code !== undefined ? ` (answered ${code})` : ''}` };
}

export default defineDetector({
  meta: {
    id: 'audit/service-account-token-outside-cluster',
    title: 'Service-account token used from outside the cluster',
    severity: 'high',
    frameworks: mitre('T1550.001'),
    description:
      "A service account's token is meant for the pods that run as it. A request authenticated as a service account from an address outside the cluster means the token left it: read from a pod, a node or a secret, and replayed from elsewhere. The cluster's addresses are settings.clusterCidrs (pod, node and service CIDRs, and a public API server's view of the cluster: its outbound IPs) plus every address a kubelet (system:node:*) has sent requests from in the stream; the accounts Kubernetes' controllers run as in the control plane (settings.knownKubeServiceAccounts in kube-system) are not checked. Without clusterCidrs only public addresses kubelets have not used are reported. A verdict waits for the first kubelet request, whose address tells where the cluster's own requests come from (it comes within seconds in a full log, as nodes renew their leases); a log that ends without one, with no clusterCidrs set, has a public address reported at info as unverified. One alert per identity and address. The service accounts of AKS's add-ons, whose routine requests the other detectors leave alone, are checked too.",
    remediation:
      'Find where the address is; if it is not yours, the token is stolen: delete the secret or the pod it came from (bound tokens die with their pod), recreate the service account to invalidate legacy tokens, and see what else the account did from that address.',
  },
  // An AKS add-on's token used from the internet is exactly the theft this is for.
  checksAllowedIdentities: true,
  create(settings) {
    const cidrs = settings.clusterCidrs;
    // Addresses kubelets use: a public cluster's outbound IPs show up here as soon as a node renews its lease.
    const nodes = new Set<string>();
    const reported = new Set<string>();
    // Before the first kubelet request, an address outside clusterCidrs (or a public one) may yet be the cluster's own.
    let held: Held[] = [];
    const outside = (text: string, a: Address) => {
      if (nodes.has(text)) return false;
      if (a.family === 4 ? a.value >> 24n === 127n : a.value === 1n) return false;
      return cidrs ? !inRanges(a, cidrs) : isPublic(a);
    };
    const reportOutside = (h: Held) => {
      const use = useOf(h.ev);
      h.report({ message: `token of service account ${use.account} used from ${h.ip}, outside the cluster${cidrs ? '' : ' (a public address)'}: ${use.request}` });
    };
    /** No kubelet address to compare with: outside clusterCidrs is still a verdict; a public address alone is not. */
    const reportUnlearned = (h: Held) => {
      if (cidrs) return reportOutside(h);
      const use = useOf(h.ev);
      h.report({
        message: `token of service account ${use.account} used from ${h.ip}, a public address not verified as outside the cluster (no kubelet request in the log to learn the cluster's addresses from, and no settings.clusterCidrs): ${use.request}`,
        severity: 'info',
      });
    };
    const learn = (ips: readonly string[]) => {
      for (const ip of ips) {
        if (nodes.has(ip)) continue;
        if (nodes.size >= MAX_REMEMBERED) nodes.clear();
        nodes.add(ip);
      }
      const settled = held;
      held = [];
      for (const h of settled) if (outside(h.ip, h.address)) reportOutside(h);
    };
    const check: DetectorCheck = (ev, ctx) => {
      const user = ev.user.username;
      if (user.startsWith('system:node:')) return learn(ev.sourceIPs);
      if (!user.startsWith(SA_PREFIX) || !completed(ev)) return;
      // Kubernetes' and the cloud provider's controllers run as these in the control plane, whose addresses are AKS's, not the cluster's.
      if (user.startsWith(KUBE_SYSTEM) && settings.knownKubeServiceAccounts.has(user.slice(KUBE_SYSTEM.length))) return;
      // Any entry: the first is the client a proxy names (X-Forwarded-For), the last the peer that connected.
      for (const ip of ev.sourceIPs) {
        const a = address(ip);
        if (!a || !outside(ip, a)) continue;
        const key = `${user}\u0000${ip}`;
        if (reported.has(key)) return;
        if (reported.size >= MAX_REMEMBERED) reported.clear();
        reported.add(key);
        const h: Held = { ip, address: a, ev, report: ctx.later() };
        if (nodes.size > 0) return reportOutside(h);
        if (held.length >= MAX_HELD) reportUnlearned(held.shift() as Held);
        held.push(h);
        return;
      }
    };
    check.end = () => {
      const settled = held;
      held = [];
      for (const h of settled) reportUnlearned(h);
    };
    return check;
  },
});
