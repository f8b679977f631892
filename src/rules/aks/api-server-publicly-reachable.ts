import { aksVerify, CLUSTER_KINDS, type AksCluster, type Setting } from '../../analyses/aks/index.js';
import type { FrameworkRef } from '../../core/frameworks.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, isAutomatic, observed, reportUnknown, text } from './lib/cluster-settings.js';

const CIS: FrameworkRef[] = [
  { framework: 'cis-aks', id: '5.4.1' },
  { framework: 'cis-aks', id: '5.4.2' },
];
// These pass any cluster that is private.
const PRIVATE_CLUSTER: FrameworkRef[] = [
  { framework: 'checkov', id: 'CKV_AZURE_115' },
  { framework: 'trivy', id: 'AVD-AZU-0065' },
  { framework: 'azure-policy', id: '040732e8-d947-40b8-95d6-854c95024bf8' },
];
// These pass any non-empty range list, 0.0.0.0/0 included.
const RANGES_SET: FrameworkRef[] = [
  { framework: 'checkov', id: 'CKV_AZURE_6' },
  { framework: 'trivy', id: 'AVD-AZU-0041' },
  { framework: 'azure-policy', id: '0e246bcf-5f6f-4f87-bc6f-775d4712c7ea' },
];

/** A CIDR that admits every address of its family: `0.0.0.0/0`, `::/0`, any `x/0`. */
function admitsAll(range: string): boolean {
  return /^[^/]*\/0+$/.test(range.trim());
}

type RangeVerdict =
  | { kind: 'none' }
  | { kind: 'all'; index: number; range: string }
  | { kind: 'restricted' }
  | { kind: 'unknown'; reason: string };

function judgeRanges(s: Setting): RangeVerdict {
  if (!s.known) return { kind: 'unknown', reason: s.reason ?? 'value not known before deployment' };
  if (s.absent) return { kind: 'none' };
  if (!Array.isArray(s.value)) return { kind: 'unknown', reason: `authorized IP ranges are not a list: ${JSON.stringify(s.value)}` };
  if (s.value.length === 0) return { kind: 'none' };
  let undecided = 0;
  for (let i = 0; i < s.value.length; i++) {
    const v: unknown = s.value[i];
    if (typeof v !== 'string') undecided++;
    else if (admitsAll(v)) return { kind: 'all', index: i, range: v };
  }
  if (undecided > 0) return { kind: 'unknown', reason: `${undecided} authorized IP range(s) cannot be resolved` };
  return { kind: 'restricted' };
}

export default defineRule({
  meta: {
    id: 'aks/api-server-publicly-reachable',
    title: 'API server is reachable from any internet address',
    severity: 'high',
    pillar: 'network',
    frameworks: [...CIS, ...PRIVATE_CLUSTER, ...RANGES_SET],
    description:
      'A public AKS API server with no authorized IP ranges (or with a range such as 0.0.0.0/0) accepts ' +
      'connections from the whole internet: every credential leak, token replay or API-server vulnerability can be ' +
      'tried from anywhere. A private cluster puts the API server on a private IP in the cluster network; ' +
      'authorized IP ranges restrict a public one to known networks. Neither is on unless set.',
    remediation:
      'Create the cluster private (apiServerAccessProfile.enablePrivateCluster: true; az aks create ' +
      '--enable-private-cluster; private_cluster_enabled = true in Terraform). A cluster with API Server VNet ' +
      'Integration (apiServerAccessProfile.enableVnetIntegration: true, as every AKS Automatic cluster has) can ' +
      'be made private in place with az aks update --enable-private-cluster; others have to be created again. ' +
      'Or restrict the public endpoint: ' +
      'az aks update --api-server-authorized-ip-ranges <your CIDRs> (apiServerAccessProfile.authorizedIPRanges; ' +
      'api_server_access_profile { authorized_ip_ranges } in Terraform), never 0.0.0.0/0.',
    references: [
      'https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges',
      'https://learn.microsoft.com/azure/aks/private-clusters',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const subject = `cluster ${cluster.name}`;
    const verify = aksVerify(cluster, 'apiServerAccessProfile');
    const priv = cluster.get('apiServerAccessProfile.enablePrivateCluster');
    if (priv.known && flag(priv) === true) return;
    // Public network access Disabled closes the public endpoint whatever the ranges say.
    const pna = cluster.get('publicNetworkAccess');
    if (pna.known && text(pna)?.toLowerCase() === 'disabled') return;

    let ranges = cluster.get('apiServerAccessProfile.authorizedIPRanges');
    // Preview API versions of 2019 kept the list at the top of properties.
    if (ranges.known && ranges.absent) {
      const legacy = cluster.get('apiServerAuthorizedIPRanges');
      if (!legacy.absent) ranges = legacy;
    }
    const verdict = judgeRanges(ranges);
    if (verdict.kind === 'restricted') return;
    if (!priv.known) return reportUnknown(ctx, subject, priv, true, verify);
    if (verdict.kind === 'unknown') return reportUnknown(ctx, subject, { ...ranges, known: false, reason: verdict.reason }, 'a list of your CIDRs', verify);

    const privateText = priv.absent ? 'not private (enablePrivateCluster not set, default false)' : `not private (enablePrivateCluster is ${JSON.stringify(priv.value)})`;
    if (verdict.kind === 'none') {
      ctx.report({
        field: ranges.field,
        message: `${subject} is ${privateText} and sets no authorized IP ranges: its API server accepts connections from any address${inPlaceNote(cluster)}`,
        evidence: {
          observed: { enablePrivateCluster: observed(priv, false), authorizedIPRanges: observed(ranges, []) },
          expected: { enablePrivateCluster: true, or: { authorizedIPRanges: 'your CIDRs, not 0.0.0.0/0' } },
        },
        verify,
        frameworks: [...CIS, ...PRIVATE_CLUSTER, ...RANGES_SET],
      });
      return;
    }
    ctx.report({
      field: `${ranges.field}[${verdict.index}]`,
      message: `${subject} is ${privateText} and authorizes ${verdict.range} on its API server: any address can connect${inPlaceNote(cluster)}`,
      evidence: {
        observed: { enablePrivateCluster: observed(priv, false), authorizedIPRanges: ranges.value },
        expected: { enablePrivateCluster: true, or: { authorizedIPRanges: 'your CIDRs, not 0.0.0.0/0' } },
      },
      verify,
      frameworks: [...CIS, ...PRIVATE_CLUSTER],
    });
  },
});

/**
 * With API Server VNet Integration the API server already has an address in the cluster's virtual network, so
 * private mode can be switched on in place; without it a private cluster has to be created anew. AKS
 * Automatic turns the integration on for every cluster.
 */
function vnetIntegrated(cluster: AksCluster): boolean {
  const s = cluster.get('apiServerAccessProfile.enableVnetIntegration');
  if (s.known && !s.absent) return flag(s) === true;
  return s.known && isAutomatic(cluster);
}

function inPlaceNote(cluster: AksCluster): string {
  return vnetIntegrated(cluster) ? ' (it uses API Server VNet Integration, so az aks update --enable-private-cluster makes it private in place)' : '';
}
