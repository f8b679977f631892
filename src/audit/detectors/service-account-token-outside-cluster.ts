import { defineDetector, mitre } from '../detector.js';
import { completed } from '../event.js';
import { address, inRanges, isPublic, type Address } from './lib/address.js';

const SA_PREFIX = 'system:serviceaccount:';
const KUBE_SYSTEM = `${SA_PREFIX}kube-system:`;
/** Addresses learned and (identity, address) pairs reported: bounded, started over when full. */
const MAX_REMEMBERED = 10_000;

export default defineDetector({
  meta: {
    id: 'audit/service-account-token-outside-cluster',
    title: 'Service-account token used from outside the cluster',
    severity: 'high',
    frameworks: mitre('T1550.001'),
    description:
      "A service account's token is meant for the pods that run as it. A request authenticated as a service account from an address outside the cluster means the token left it: read from a pod, a node or a secret, and replayed from elsewhere. The cluster's addresses are settings.clusterCidrs (pod, node and service CIDRs, and a public API server's view of the cluster: its outbound IPs) plus every address a kubelet (system:node:*) has sent requests from in the stream; the accounts Kubernetes' controllers run as in the control plane (settings.knownKubeServiceAccounts in kube-system) are not checked. Without clusterCidrs only public addresses kubelets have not used are reported. One alert per identity and address. The service accounts of AKS's add-ons, whose routine requests the other detectors leave alone, are checked too.",
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
    const outside = (text: string, a: Address) => {
      if (nodes.has(text)) return false;
      if (a.family === 4 ? a.value >> 24n === 127n : a.value === 1n) return false;
      return cidrs ? !inRanges(a, cidrs) : isPublic(a);
    };
    return (ev, ctx) => {
      const user = ev.user.username;
      if (user.startsWith('system:node:')) {
        for (const ip of ev.sourceIPs) {
          if (nodes.has(ip)) continue;
          if (nodes.size >= MAX_REMEMBERED) nodes.clear();
          nodes.add(ip);
        }
        return;
      }
      if (!user.startsWith(SA_PREFIX) || !completed(ev)) return;
      // Kubernetes' controllers run as these in the control plane, whose addresses are AKS's, not the cluster's.
      if (user.startsWith(KUBE_SYSTEM) && settings.knownKubeServiceAccounts.has(user.slice(KUBE_SYSTEM.length))) return;
      // Any entry: the first is the client a proxy names (X-Forwarded-For), the last the peer that connected.
      for (const ip of ev.sourceIPs) {
        const a = address(ip);
        if (!a || !outside(ip, a)) continue;
        const key = `${user}\u0000${ip}`;
        if (reported.has(key)) return;
        if (reported.size >= MAX_REMEMBERED) reported.clear();
        reported.add(key);
        const [ns, name] = user.slice(SA_PREFIX.length).split(':');
        const code = ev.responseStatus.code;
        ctx.report({ message: `token of service account ${ns ?? '?'}/${name ?? '?'} used from ${ip}, outside the cluster${cidrs ? '' : ' (a public address)'}: ${ev.verb} ${ev.requestURI}${code !== undefined ? ` (answered ${code})` : ''}` });
        return;
      }
    };
  },
});
