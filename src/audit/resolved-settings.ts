import { parseCidr, type IpRange } from '../analyses/network/ip.js';
import { GlobList, type AuditSettings } from './settings.js';

/** Settings compiled once per run into the lookups detectors use on every event. */
export interface ResolvedSettings {
  readonly raw: AuditSettings;
  readonly allowedIdentities: GlobList;
  readonly aksNamespaces: ReadonlySet<string>;
  readonly aksImages: GlobList;
  readonly trustedImages: { readonly [K in keyof AuditSettings['trustedImages']]: GlobList };
  readonly sensitiveHostPaths: readonly string[];
  readonly knownKubeServiceAccounts: ReadonlySet<string>;
  readonly allowedUsers?: GlobList;
  readonly allowedNamespaces?: GlobList;
  readonly allowedImages?: GlobList;
  readonly clusterCidrs?: readonly IpRange[];
}

export function resolveSettings(s: AuditSettings): ResolvedSettings {
  const t = s.trustedImages;
  return {
    raw: s,
    allowedIdentities: new GlobList(s.allowedIdentities),
    aksNamespaces: new Set(s.aksNamespaces),
    aksImages: new GlobList(s.aksImages),
    trustedImages: {
      all: new GlobList(t.all),
      privileged: new GlobList(t.privileged),
      hostNetwork: new GlobList(t.hostNetwork),
      hostPID: new GlobList(t.hostPID),
      hostIPC: new GlobList(t.hostIPC),
      sensitiveMount: new GlobList(t.sensitiveMount),
      kubeNamespace: new GlobList(t.kubeNamespace),
    },
    sensitiveHostPaths: s.sensitiveHostPaths.map(normalisePath),
    knownKubeServiceAccounts: new Set(s.knownKubeServiceAccounts),
    ...(s.allowedUsers ? { allowedUsers: new GlobList(s.allowedUsers) } : {}),
    ...(s.allowedNamespaces ? { allowedNamespaces: new GlobList(s.allowedNamespaces) } : {}),
    ...(s.allowedImages ? { allowedImages: new GlobList(s.allowedImages) } : {}),
    // The rules file refuses what is not a CIDR; settings built in code skip it.
    ...(s.clusterCidrs ? { clusterCidrs: s.clusterCidrs.map((c) => parseCidr(c)).filter((r): r is IpRange => r !== undefined) } : {}),
  };
}

/** `/etc/`, `/etc//kubernetes/.` → `/etc`, `/etc/kubernetes`: a host path as the kubelet resolves it. */
export function normalisePath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}
