import type { InputError } from '../../core/errors.js';
import type { Obj } from '../../core/resource.js';
import { renderConnlist } from './connlist.js';
import type { ExposureAnalysis, DirectionExposure } from './exposure.js';
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
  /** What every internet address may use (ingress) or the workload may use to every one (egress); null for nothing. */
  internet: string | null;
  /** Any pod of any namespace, namespaces created later included; null for nothing. */
  allNamespaces: string | null;
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
  ingress: DirectionView;
  egress: DirectionView;
}

export interface ExposureReport {
  schema: 'palisade.netpol-exposure/v1';
  summary: {
    workloads: number;
    /** Every internet address may connect on every port. */
    reachableFromInternet: number;
    /** Any pod of any namespace may connect on every port. */
    reachableFromAllNamespaces: number;
    /** May connect to every internet address on every port. */
    egressToInternet: number;
    hostNetwork: number;
  };
  workloads: WorkloadExposureView[];
  /** Inputs that could not be read: the answer is about the rest. */
  errors: InputError[];
}

const orNull = (c: ConnectionSet): string | null => (c.isEmpty() ? null : c.toString());

function directionView(a: ExposureAnalysis, w: Workload, d: DirectionExposure): DirectionView {
  return {
    isolated: d.isolated,
    policies: d.policies.map((p) => `${p.namespace}/${p.name}`),
    internet: orNull(d.internet),
    allNamespaces: orNull(d.allNamespaces),
    selectors: d.selectors.map((s) => ({ peer: s.label, namespaceSelector: s.namespaceSelector, ...(s.podSelector ? { podSelector: s.podSelector } : {}), conn: s.conn.toString() })),
    external: a.externals(w, d.direction).map((x) => ({ peer: x.peer.label, conn: x.conn.toString() })),
    ...(d.isolated ? { workloads: a.workloadPeers(w, d.direction).map((x) => ({ peer: x.peer.label, conn: x.conn.toString() })) } : {}),
  };
}

/** Every workload's exposure, sorted by workload. */
export function exposureReport(a: ExposureAnalysis, errors: readonly InputError[] = []): ExposureReport {
  const workloads: WorkloadExposureView[] = [];
  const summary = { workloads: 0, reachableFromInternet: 0, reachableFromAllNamespaces: 0, egressToInternet: 0, hostNetwork: 0 };
  for (const w of a.model.workloads) {
    const e = a.of(w);
    summary.workloads++;
    if (e.ingress.internet.isAll()) summary.reachableFromInternet++;
    if (e.ingress.allNamespaces.isAll()) summary.reachableFromAllNamespaces++;
    if (e.egress.internet.isAll()) summary.egressToInternet++;
    if (e.hostNetwork) summary.hostNetwork++;
    workloads.push({ workload: w.label, namespace: w.namespace, name: w.name, kind: w.kind, hostNetwork: e.hostNetwork, ingress: directionView(a, w, e.ingress), egress: directionView(a, w, e.egress) });
  }
  return { schema: 'palisade.netpol-exposure/v1', summary, workloads, errors: [...errors] };
}

/** Control characters from manifests are shown escaped, never sent to the terminal. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
      out.push([w.workload, dir, w.hostNetwork ? 'host network' : d.isolated ? 'yes' : 'no', d.internet ?? '-', d.allNamespaces ?? '-', otherPeers(d)]);
    }
  }
  return out;
}

function summaryLines(report: ExposureReport): string[] {
  const s = report.summary;
  return [
    `${s.workloads} workloads: ${s.reachableFromInternet} reachable from every internet address on all ports, ${s.reachableFromAllNamespaces} from every namespace on all ports; ` +
      `${s.egressToInternet} may connect to every internet address on all ports; ${s.hostNetwork} on the host network, where NetworkPolicies do not apply`,
  ];
}

const NOTES = [
  'INTERNET: what every internet (public) address may use, in or out; ALL NAMESPACES: any pod of any namespace, namespaces created later included',
  'OTHER PEERS: pods the policies name by selectors no input pod matches, and workloads of the input, for directions a policy isolates',
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
        if (!d.allNamespaces.isEmpty()) own[dir].push({ workload: w.label, peer: 'entire-cluster', conn: d.allNamespaces.toString() });
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

/** The exposure of every workload as text, piece by piece. Every format ends with a newline. */
export function* renderExposure(format: ExposureFormat, a: ExposureAnalysis, errors: readonly InputError[] = []): Generator<string> {
  if (format === 'txt') {
    yield* renderTxt(a);
    return;
  }
  const report = exposureReport(a, errors);
  if (format === 'json') yield `${JSON.stringify(report, null, 2)}\n`;
  else if (format === 'md') yield renderMarkdown(report);
  else yield renderTable(report);
}
