import { aksManagedReason } from '../../core/aks-managed.js';
import type { InputError } from '../../core/errors.js';
import { printable } from '../../core/printable.js';
import type { Obj } from '../../core/resource.js';
import { renderConnlist } from './connlist.js';
import { ruleName, type ExposureAnalysis, type DirectionExposure, type WorkloadExposure } from './exposure.js';
import type { Direction } from './policy.js';
import { ConnectionSet } from './ports.js';
import type { Workload } from './workloads.js';

/** The output formats of `netpol exposure`; `txt` is netpol-analyzer's `list --exposure` text. */
export const EXPOSURE_FORMATS = ['table', 'json', 'md', 'txt'] as const;
export type ExposureFormat = (typeof EXPOSURE_FORMATS)[number];

export interface PeerConnection {
  peer: string;
  conn: string;
}

export interface DirectionView {
  /** Some policy selects every pod of the workload in this direction (never on the host network). */
  isolated: boolean;
  /** `ns/name` of the policies that select it in this direction. */
  policies: string[];
  /**
   * What every internet address may use (ingress) or the workload may use to every one (egress); null for
   * nothing, and on the host network, where no NetworkPolicy applies and the nodes' network security
   * group (and, out, the cluster's outbound path) decides instead (`internetDecidedBy`).
   */
  internet: string | null;
  /** On the host network: what decides the internet's traffic instead of NetworkPolicy. */
  internetDecidedBy?: 'network-security-group';
  /** Any pod of any namespace, namespaces created later included; null for nothing. */
  allNamespaces: string | null;
  /**
   * What of `allNamespaces` only ipBlocks holding every pod address open (`ns/name spec.ingress[0]`
   * rules): pods match them unless the cluster runs Cilium. Absent when selectors open as much.
   */
  allNamespacesByIpBlock?: { conn: string; rules: string[]; podAddresses: string };
  /** Pods the policies name by selectors that match no pod of the input. */
  selectors: Array<PeerConnection & { namespaceSelector: Obj; podSelector?: Obj }>;
  /** Address ranges outside the cluster, split at every ipBlock edge. */
  external: PeerConnection[];
  /** Workloads of the input; listed only for an isolated direction (otherwise every one may). */
  workloads?: PeerConnection[];
}

export interface WorkloadExposureView {
  workload: string;
  namespace: string;
  name: string;
  kind: string;
  hostNetwork: boolean;
  /** Why AKS manages it (the aks-managed profile's reason); absent for the cluster owner's workloads. */
  aksManaged?: string;
  ingress: DirectionView;
  egress: DirectionView;
}

export interface ExposureCounts {
  workloads: number;
  /** On the pod network, every internet address may connect on every port. */
  reachableFromInternet: number;
  /** Any pod of any namespace may connect on every port. */
  reachableFromAllNamespaces: number;
  /** On the pod network, may connect to every internet address on every port. */
  egressToInternet: number;
  /** On the host network: no NetworkPolicy applies, the nodes' network security group decides. */
  hostNetwork: number;
}

export interface ExposureReport {
  schema: 'palisade.netpol-exposure/v1';
  /** The cluster owner's workloads; AKS's own are counted apart in `aksManaged`. */
  summary: ExposureCounts & {
    /** AKS's own components: `listed` when they are among `workloads` (--include-aks-managed), else left out. */
    aksManaged: ExposureCounts & { listed: boolean };
  };
  workloads: WorkloadExposureView[];
  /** Inputs that could not be read: the answer is about the rest. */
  errors: InputError[];
}

const orNull = (c: ConnectionSet): string | null => (c.isEmpty() ? null : c.toString());

function directionView(a: ExposureAnalysis, w: Workload, d: DirectionExposure, hostNetwork: boolean): DirectionView {
  return {
    isolated: d.isolated,
    policies: d.policies.map((p) => `${p.namespace}/${p.name}`),
    // NetworkPolicy leaves the host network open, but the internet reaches a node only where its
    // network security group (and a public address or load balancer) lets it: not this answer's to give.
    internet: hostNetwork ? null : orNull(d.internet),
    ...(hostNetwork ? { internetDecidedBy: 'network-security-group' as const } : {}),
    allNamespaces: orNull(d.allNamespaces),
    ...(d.byPodAddress ? { allNamespacesByIpBlock: { conn: d.byPodAddress.conn.toString(), rules: d.byPodAddress.rules.map(ruleName), podAddresses: a.podAddresses.text } } : {}),
    selectors: d.selectors.map((s) => ({ peer: s.label, namespaceSelector: s.namespaceSelector, ...(s.podSelector ? { podSelector: s.podSelector } : {}), conn: s.conn.toString() })),
    external: a.externals(w, d.direction).map((x) => ({ peer: x.peer.label, conn: x.conn.toString() })),
    ...(d.isolated ? { workloads: a.workloadPeers(w, d.direction).map((x) => ({ peer: x.peer.label, conn: x.conn.toString() })) } : {}),
  };
}

export interface ExposureReportOptions {
  /** List AKS's own components among the workloads (marked); by default they are only counted. */
  includeAksManaged?: boolean;
}

const noCounts = (): ExposureCounts => ({ workloads: 0, reachableFromInternet: 0, reachableFromAllNamespaces: 0, egressToInternet: 0, hostNetwork: 0 });

function count(c: ExposureCounts, e: WorkloadExposure): void {
  c.workloads++;
  if (e.hostNetwork) c.hostNetwork++;
  if (e.ingress.allNamespaces.isAll()) c.reachableFromAllNamespaces++;
  if (e.hostNetwork) return;
  if (e.ingress.internet.isAll()) c.reachableFromInternet++;
  if (e.egress.internet.isAll()) c.egressToInternet++;
}

/** Why AKS manages a workload: every object it was read from is AKS's (a controller, or its Pods). */
function aksManagedWorkload(w: Workload): string | undefined {
  const reasons = w.resources.map(aksManagedReason);
  return reasons.length > 0 && reasons.every((r) => r !== undefined) ? reasons[0] : undefined;
}

/**
 * Every workload's exposure, sorted by workload. AKS's own components are counted apart and listed
 * only on request: AKS deploys and reconciles them, so their policies are not the cluster owner's to write.
 */
export function exposureReport(a: ExposureAnalysis, errors: readonly InputError[] = [], options: ExposureReportOptions = {}): ExposureReport {
  const listAks = options.includeAksManaged === true;
  const workloads: WorkloadExposureView[] = [];
  const summary = { ...noCounts(), aksManaged: { ...noCounts(), listed: listAks } };
  for (const w of a.model.workloads) {
    const e = a.of(w);
    const aksManaged = aksManagedWorkload(w);
    count(aksManaged ? summary.aksManaged : summary, e);
    if (aksManaged && !listAks) continue;
    workloads.push({
      workload: w.label,
      namespace: w.namespace,
      name: w.name,
      kind: w.kind,
      hostNetwork: e.hostNetwork,
      ...(aksManaged ? { aksManaged } : {}),
      ingress: directionView(a, w, e.ingress, e.hostNetwork),
      egress: directionView(a, w, e.egress, e.hostNetwork),
    });
  }
  return { schema: 'palisade.netpol-exposure/v1', summary, workloads, errors: [...errors] };
}

/** Text inside a Markdown table cell: nothing may end the cell, start HTML or turn into markup. */
function mdCell(s: string): string {
  return printable(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}

const SHOWN_PEERS = 3;

function otherPeers(d: DirectionView): string {
  if (!d.isolated) return '-';
  const all = [...d.selectors, ...(d.workloads ?? [])].map((p) => `${p.peer} ${p.conn}`);
  if (all.length === 0) return '-';
  return all.length > SHOWN_PEERS ? `${all.slice(0, SHOWN_PEERS).join(', ')} and ${all.length - SHOWN_PEERS} more` : all.join(', ');
}

const HEADER = ['WORKLOAD', 'DIR', 'ISOLATED', 'INTERNET', 'ALL NAMESPACES', 'OTHER PEERS'];

function rows(report: ExposureReport): string[][] {
  const out: string[][] = [];
  for (const w of report.workloads) {
    for (const [dir, d] of [['in', w.ingress], ['out', w.egress]] as const) {
      const internet = d.internetDecidedBy ? "node's NSG" : (d.internet ?? '-');
      out.push([`${w.workload}${w.aksManaged ? ' (AKS-managed)' : ''}`, dir, w.hostNetwork ? 'host network' : d.isolated ? 'yes' : 'no', internet, d.allNamespaces ?? '-', otherPeers(d)]);
    }
  }
  return out;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function countsText(c: ExposureCounts): string {
  return (
    `${c.reachableFromInternet} reachable from every internet address on all ports, ${c.reachableFromAllNamespaces} from every namespace on all ports; ` +
    `${c.egressToInternet} may connect to every internet address on all ports; ${c.hostNetwork} on the host network, where NetworkPolicies do not apply`
  );
}

function summaryLines(report: ExposureReport): string[] {
  const s = report.summary;
  const aks = s.aksManaged;
  const out = [`${plural(s.workloads, 'workload')}${aks.workloads > 0 ? ' of your own' : ''}: ${countsText(s)}`];
  if (aks.workloads > 0) {
    const how = aks.listed ? 'marked (AKS-managed) above' : 'not listed (--include-aks-managed lists them)';
    out.push(`${plural(aks.workloads, 'AKS-managed workload')} (AKS deploys and reconciles them), ${how}: ${countsText(aks)}`);
  }
  return out;
}

const NOTES = [
  'INTERNET: what every internet (public) address may use, in or out; ALL NAMESPACES: any pod of any namespace, namespaces created later included (an ipBlock holding every pod address, 0.0.0.0/0 or the pod CIDR, admits pods too unless the cluster runs Cilium)',
  'OTHER PEERS: pods the policies name by selectors no input pod matches, and workloads of the input, for directions a policy isolates',
  "host network: no NetworkPolicy applies, every pod reaches it; what the internet reaches is the node's, decided by its network security group (INTERNET: node's NSG), not counted as reachable from every internet address",
  'a Service of type LoadBalancer or an ingress controller carries internet traffic to the pods it serves: see the scan rules network/load-balancer-without-source-ranges (a public load balancer) and network/reachable-from-internet (a policy admitting the whole internet)',
];

function renderTable(report: ExposureReport): string {
  const all = [HEADER, ...rows(report)].map((r) => r.map(printable));
  const widths = HEADER.map((_, c) => all.reduce((w, r) => Math.max(w, r[c]!.length), 0));
  const lines = all.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  return `${[...lines, '', ...summaryLines(report), ...NOTES.map((n) => `note: ${n}`)].join('\n')}\n`;
}

function renderMarkdown(report: ExposureReport): string {
  const lines = [
    '## NetworkPolicy exposure',
    '',
    `| ${HEADER.map((h) => h.toLowerCase()).join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...rows(report).map((r) => `| ${r.map(mdCell).join(' | ')} |`),
    '',
    ...summaryLines(report).map(mdCell),
    '',
    ...NOTES.map((n) => `- ${mdCell(n)}`),
  ];
  return `${lines.join('\n')}\n`;
}

interface ExposureLine {
  workload: string;
  peer: string;
  conn: string;
}

/**
 * The exposure section of netpol-analyzer's `list --exposure` text: egress then ingress lines, each
 * `WORKLOAD<padding> \t=> \tPEER : CONNS` (`<=` for ingress), the workload column padded to the
 * longest exposed workload, sorted by workload then peer; then the workloads no policy isolates. A
 * workload is listed when a direction is open to all namespaces or to selector peers, or not isolated;
 * its address ranges are listed with it.
 */
export function exposureSection(a: ExposureAnalysis): string {
  const lines: Record<Direction, ExposureLine[]> = { ingress: [], egress: [] };
  const unprotected: string[] = [];
  const exposed: Workload[] = [];
  for (const w of a.model.workloads) {
    const e = a.of(w);
    const items: ExposureLine[] = [];
    const own: Record<Direction, ExposureLine[]> = { ingress: [], egress: [] };
    for (const dir of ['ingress', 'egress'] as const) {
      const d = e[dir];
      if (!d.isolated) {
        own[dir].push({ workload: w.label, peer: 'entire-cluster', conn: ConnectionSet.ALL.toString() });
        unprotected.push(`${w.label} is not protected on ${dir === 'ingress' ? 'Ingress' : 'Egress'}`);
      } else {
        // netpol-analyzer's answer: ipBlocks match addresses outside the cluster only.
        const selected = d.byPodAddress?.selectorsOnly ?? d.allNamespaces;
        if (!selected.isEmpty()) own[dir].push({ workload: w.label, peer: 'entire-cluster', conn: selected.toString() });
        for (const s of d.selectors) own[dir].push({ workload: w.label, peer: s.label, conn: s.conn.toString() });
      }
      items.push(...own[dir]);
    }
    if (items.length === 0) continue;
    exposed.push(w);
    for (const dir of ['ingress', 'egress'] as const) {
      for (const x of a.externals(w, dir)) own[dir].push({ workload: w.label, peer: x.peer.label, conn: x.conn.toString() });
      lines[dir].push(...own[dir]);
    }
  }
  const width = Math.max(0, ...exposed.map((w) => w.label.length));
  const byWorkloadThenPeer = (x: ExposureLine, y: ExposureLine) => (x.workload !== y.workload ? (x.workload < y.workload ? -1 : 1) : x.peer < y.peer ? -1 : x.peer > y.peer ? 1 : 0);
  const text = (dir: Direction) => lines[dir].sort(byWorkloadThenPeer).map((l) => `${l.workload.padEnd(width)} \t${dir === 'ingress' ? '<=' : '=>'} \t${l.peer} : ${l.conn}`);
  const egress = text('egress');
  const ingress = text('ingress');
  let out = 'Exposure Analysis Result:\n';
  if (egress.length) out += `Egress Exposure:\n${egress.join('\n')}\n`;
  if (ingress.length) out += `${egress.length ? '\n' : ''}Ingress Exposure:\n${ingress.join('\n')}\n`;
  if (unprotected.length) out += `\nWorkloads not protected by network policies:\n${unprotected.sort().join('\n')}\n`;
  return out;
}

/** netpol-analyzer's `list --exposure` txt: the connection list, a blank line, the exposure section. */
function* renderTxt(a: ExposureAnalysis): Generator<string> {
  let any = false;
  for (const chunk of renderConnlist('txt', a.model.connections())) {
    any = true;
    yield chunk;
  }
  yield `${any ? '\n' : ''}${exposureSection(a)}`;
}

/**
 * The exposure of every workload as text, piece by piece. Every format ends with a newline. `txt` is
 * netpol-analyzer's answer and lists every workload; the others count AKS's own apart (see exposureReport).
 */
export function* renderExposure(format: ExposureFormat, a: ExposureAnalysis, errors: readonly InputError[] = [], options: ExposureReportOptions = {}): Generator<string> {
  if (format === 'txt') {
    yield* renderTxt(a);
    return;
  }
  const report = exposureReport(a, errors, options);
  if (format === 'json') yield `${JSON.stringify(report, null, 2)}\n`;
  else if (format === 'md') yield renderMarkdown(report);
  else yield renderTable(report);
}
