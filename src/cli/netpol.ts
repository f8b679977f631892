import { Command, Option } from 'commander';
import { UsageError, type InputError, type InputNote } from '../core/errors.js';
import { evaluate } from '../core/engine.js';
import { Inventory } from '../core/inventory.js';
import { selectedBy } from '../analyses/network/workloads.js';
import { nearest } from '../core/suggest.js';
import { DEFAULT_SETTINGS } from '../core/settings.js';
import { RULES } from '../rules/index.js';
import { CONNLIST_FORMATS, renderConnlist, type ConnlistFormat } from '../analyses/network/connlist.js';
import { ExposureAnalysis } from '../analyses/network/exposure.js';
import { EXPOSURE_FORMATS, renderExposure, type ExposureFormat } from '../analyses/network/exposure-report.js';
import { parseCidr, parseIp } from '../analyses/network/ip.js';
import { ReachabilityModel, type PeerQuery, type ReachQuery } from '../analyses/network/reachability-model.js';
import { otherPoliciesWarning } from '../analyses/network/other-policies.js';
import { unlabelledNamespacesWarning } from '../analyses/network/unlabelled-namespaces.js';
import { MAX_PORT, MIN_PORT, type Protocol } from '../analyses/network/ports.js';
import { ingestPaths } from '../ingest/files.js';
import { unreadKindOf } from '../ingest/kube.js';
import { clusterInputs, clusterOptions, pathsOrDefault, type ClusterFlags } from './inputs.js';
import { printErrors, printWarnings, writeChunks } from './output.js';

/** What the reachability model reads from a live cluster. */
const NETPOL_KINDS: readonly string[] = ['Namespace', 'Pod', 'ReplicationController', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'NetworkPolicy'];

type ReachOptions = { from?: string; to?: string; port?: string; format: ConnlistFormat; output?: string } & ClusterFlags;
type ExposureOptions = { format: ExposureFormat; output?: string; includeAksManaged?: boolean } & ClusterFlags;

export function netpolCommand(): Command {
  const netpol = new Command('netpol').description('Kubernetes NetworkPolicy: what can reach what, on which ports');
  netpol.addCommand(
    clusterOptions(new Command('reach'), { namespace: true })
      .description(
        'every allowed connection between workloads and to or from addresses outside the cluster, in the connlist format of ' +
          "np-guard's netpol-analyzer (ingress controllers are not modelled: no {ingress-controller} lines)",
      )
      .argument('[paths...]', 'files or directories; - reads stdin (default: . unless --cluster is given)')
      .option('--from <peer>', 'only connections from this workload (NS/NAME or NS/NAME[Kind]; a Pod is answered as its workload, a Service as the workloads it selects) or these addresses (CIDR or IP)')
      .option('--to <peer>', 'only connections to this workload (NS/NAME or NS/NAME[Kind]; a Pod is answered as its workload, a Service as the workloads it selects) or these addresses (CIDR or IP)')
      .option('--port <port>', 'only this port or range and protocol: N, N/PROTO or N-M/PROTO (TCP when left out)')
      .addOption(new Option('-f, --format <format>', 'output format').choices([...CONNLIST_FORMATS]).default('txt'))
      .option('-o, --output <file>', 'write the result to a file instead of stdout')
      .action(async (paths: string[], opts: ReachOptions) => {
        process.exitCode = await reach(paths, opts);
      }),
  );
  netpol.addCommand(
    clusterOptions(new Command('exposure'), { namespace: true })
      .description(
        'per workload, who can reach it and what it can reach: every internet address (and on which ports), any pod of any namespace ' +
          '(namespaces created later included), pods named by selectors and the workloads of the input; workloads on the host network ' +
          "are open to every pod whatever the policies say (the nodes' network security group decides what the internet reaches). " +
          "AKS's own components are counted apart and not listed unless --include-aks-managed is given. -f txt is np-guard's netpol-analyzer list --exposure, every workload",
      )
      .argument('[paths...]', 'files or directories; - reads stdin (default: . unless --cluster is given)')
      .addOption(new Option('-f, --format <format>', 'output format').choices([...EXPOSURE_FORMATS]).default('table'))
      .option('--include-aks-managed', 'list the components AKS deploys and reconciles too, marked (AKS-managed); they are counted apart either way')
      .option('-o, --output <file>', 'write the result to a file instead of stdout')
      .action(async (paths: string[], opts: ExposureOptions) => {
        process.exitCode = await exposure(paths, opts);
      }),
  );
  return netpol;
}

/** `ns/name`, `ns/name[Kind]`, a CIDR or one address. */
export function parsePeerArg(flag: string, text: string): PeerQuery {
  const range = parseCidr(text) ?? (() => {
    const ip = parseIp(text);
    return ip && { family: ip.family, start: ip.value, end: ip.value };
  })();
  if (range) return { range };
  // `10.0.0.0/33` has the shape of NS/NAME too: a slash after an address is a CIDR gone wrong, not a namespace.
  if (/^[\d.]+\/\d+$|^[\da-f:]*:[\da-f:]*\/\d+$/i.test(text)) throw new UsageError(`${flag}: ${JSON.stringify(text)} is not a valid CIDR`);
  if (/^[^/\s[\]]+\/[^/\s[\]]+(\[[A-Za-z]+\])?$/.test(text)) return { workload: text };
  throw new UsageError(`${flag} must be NS/NAME, NS/NAME[Kind], a CIDR or an IP address, not ${JSON.stringify(text)}`);
}

/** `443`, `53/UDP`, `8000-8080/tcp`. */
export function parsePortArg(text: string): NonNullable<ReachQuery['port']> {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp|sctp))?$/i.exec(text);
  const start = Number(m?.[1]);
  const end = m?.[2] === undefined ? start : Number(m[2]);
  if (!m || start < MIN_PORT || end > MAX_PORT || end < start) throw new UsageError(`--port must be N, N/PROTO or N-M/PROTO with ports 1-65535 and PROTO TCP, UDP or SCTP, not ${JSON.stringify(text)}`);
  return { protocol: (m[3]?.toUpperCase() ?? 'TCP') as Protocol, start, end };
}

/** What the model could not read in the policies, and the other engines' policies it does not read. */
function modelWarnings(inventory: Inventory, model: ReachabilityModel, connections: boolean): InputNote[] {
  const out: InputNote[] = model.problems.map((p) => ({
    source: p.policy.source.file,
    line: p.policy.source.line,
    message: `NetworkPolicy ${p.policy.namespace ?? 'default'}/${p.policy.name}: ${p.message}`,
  }));
  const other = otherPoliciesWarning(inventory);
  if (other) out.push(other);
  const unlabelled = unlabelledNamespacesWarning(inventory, model.groups.map((g) => g.namespace), model.policies);
  if (unlabelled) out.push(unlabelled);
  out.push(...unenforcedWarnings(inventory));
  // Kubernetes leaves policies on host-network pods to the engine; netpol-analyzer, whose answers these
  // are, applies them, where AKS's engines (Azure NPM, Calico, Cilium) see only the node's address.
  // The exposure table shows host-network workloads open; only the connection list applies policies to them.
  const host = connections ? model.workloads.filter((w) => ExposureAnalysis.onHostNetwork(w)) : [];
  const at = host[0]?.resources[0]?.source;
  if (at) {
    const names = host.slice(0, 3).map((w) => w.label).join(', ') + (host.length > 3 ? `, and ${host.length - 3} more` : '');
    out.push({
      source: at.file,
      line: at.line,
      message: `${names} ${host.length === 1 ? 'runs' : 'run'} on the host network: the policies that select ${host.length === 1 ? 'it' : 'them'} are applied here as netpol-analyzer applies them, but AKS's network policy engines leave host-network pods open both ways (netpol exposure shows them so)`,
    });
  }
  return out;
}

const NOT_ENFORCED = RULES.filter((r) => r.meta.id === 'aks/network-policies-not-enforced');

/** A cluster of the input that enforces no NetworkPolicy (the rule's own decision): the answers are what the policies would do. */
function unenforcedWarnings(inventory: Inventory): InputNote[] {
  return evaluate(NOT_ENFORCED, inventory, DEFAULT_SETTINGS).findings.map((f) => ({
    source: f.location?.file ?? f.resource.name,
    ...(f.location?.line !== undefined ? { line: f.location.line } : {}),
    message: `${f.message}; the answers below are what the NetworkPolicies would allow if an engine enforced them`,
  }));
}

/** The live read of the model's kinds; every refusal is an error, since the answer rests on each of them. */
function netpolClusterInputs(opts: ClusterFlags) {
  return clusterInputs({ cluster: opts.cluster, context: opts.context, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) }, NETPOL_KINDS, NETPOL_KINDS);
}

/**
 * Without the cluster's NetworkPolicies every workload would show open to everything, a confident
 * answer the policies may contradict: the command answers nothing instead.
 */
function refuseWithoutPolicies(errors: readonly InputError[]): boolean {
  const unread = errors.find((e) => unreadKindOf(e) === 'NetworkPolicy');
  if (!unread) return false;
  printErrors(errors);
  process.stderr.write(
    `palisade: error: ${unread.source}: the cluster's NetworkPolicies could not be read, so no answer is given: without them every workload would show open to everything (needs list on networkpolicies.networking.k8s.io)\n`,
  );
  return true;
}

async function reach(paths: string[], opts: ReachOptions): Promise<number> {
  const query: ReachQuery = {
    ...(opts.from !== undefined ? { from: parsePeerArg('--from', opts.from) } : {}),
    ...(opts.to !== undefined ? { to: parsePeerArg('--to', opts.to) } : {}),
    ...(opts.port !== undefined ? { port: parsePortArg(opts.port) } : {}),
  };
  const ingest = await ingestPaths(pathsOrDefault(paths, opts.cluster === true));
  const cluster = await netpolClusterInputs(opts);
  const errors = [...ingest.errors, ...cluster.errors];
  if (refuseWithoutPolicies(errors)) return 2;
  const inventory = new Inventory([...ingest.resources, ...cluster.resources]);
  const model = new ReachabilityModel(inventory);
  printErrors(errors);
  printWarnings(modelWarnings(inventory, model, true));
  for (const [flag, q] of [['--from', query.from], ['--to', query.to]] as const) {
    // IPv6 joins the address space only when a policy names an IPv6 block: otherwise no peer holds the address.
    if (q && 'range' in q && q.range.family === 6 && !model.externalSources.some((p) => p.range.family === 6)) {
      printWarnings([{ source: flag, message: 'IPv6 is not modelled for this input (no policy names an IPv6 block): the answer is empty, not a verdict on the address' }]);
    }
  }
  const resolved: ReachQuery = { ...query };
  if (query.from) resolved.from = resolvePeer('--from', query.from, model, inventory);
  if (query.to) resolved.to = resolvePeer('--to', query.to, model, inventory);
  // A graph of the whole estate draws every workload; a focused one only the peers of its edges.
  const peers = query.from || query.to ? [] : model.workloads;
  await writeChunks(renderConnlist(opts.format, model.connections(resolved), peers), opts.output);
  return errors.length ? 2 : 0;
}

/**
 * A workload argument as the model knows it. `ns/name` that names no workload may name a Pod, which is
 * answered as the workload it belongs to, or a Service, answered as the workloads whose pods it selects
 * (the connections reach them on their own ports); both are said on stderr. Anything else is a usage
 * error, with the nearest workload name when one is close.
 */
export function resolvePeer(flag: string, q: PeerQuery, model: ReachabilityModel, inventory: Inventory): PeerQuery {
  if (!('workload' in q)) return q;
  const text = q.workload;
  if (model.workloads.some((w) => w.label === text || `${w.namespace}/${w.name}` === text)) return q;
  const m = /^([^/]+)\/([^[]+)(?:\[([A-Za-z]+)\])?$/.exec(text);
  const [, namespace = '', name = '', kind] = m ?? [];
  if (kind === undefined || kind === 'Pod') {
    const pod = inventory.get('Pod', namespace, name);
    // The Pod of the namespace asked about: Inventory.get also answers a manifest that names none.
    const owner = pod && model.workloads.find((w) => w.namespace === namespace && w.resources.includes(pod));
    if (owner) {
      printWarnings([{ source: flag, message: `${text} is a Pod of ${owner.label}: answered for the workload` }]);
      return { workload: owner.label };
    }
  }
  if (kind === undefined || kind === 'Service') {
    const service = inventory.get('Service', namespace, name);
    if (service) {
      const selected = selectedBy(service, model.workloads);
      if (!selected) throw new UsageError(`${flag}: Service ${namespace}/${name} has no selector: its endpoints are not chosen by labels, so its pods are not known here`);
      const behind = selected.map((s) => s.workload);
      if (behind.length === 0) throw new UsageError(`${flag}: Service ${namespace}/${name} selects no pod of the input`);
      printWarnings([{ source: flag, message: `${text} is a Service: answered for the ${behind.length === 1 ? 'workload' : 'workloads'} it selects, ${behind.map((w) => w.label).join(', ')}, on their pods' own ports` }]);
      return { workloads: behind.map((w) => w.label) };
    }
  }
  const near = nearest(m ? `${namespace}/${name}` : text, model.workloads.map((w) => `${w.namespace}/${w.name}`), 3);
  throw new UsageError(`${flag}: no workload, Pod or Service ${text} in the input${near !== undefined ? ` (did you mean ${near}?)` : ''}`);
}

async function exposure(paths: string[], opts: ExposureOptions): Promise<number> {
  const ingest = await ingestPaths(pathsOrDefault(paths, opts.cluster === true));
  const cluster = await netpolClusterInputs(opts);
  const errors = [...ingest.errors, ...cluster.errors];
  if (refuseWithoutPolicies(errors)) return 2;
  const inventory = new Inventory([...ingest.resources, ...cluster.resources]);
  const model = new ReachabilityModel(inventory);
  printErrors(errors);
  printWarnings(modelWarnings(inventory, model, false));
  await writeChunks(renderExposure(opts.format, new ExposureAnalysis(inventory, model), errors, { includeAksManaged: opts.includeAksManaged === true }), opts.output);
  return errors.length ? 2 : 0;
}
