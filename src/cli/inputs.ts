import type { Command } from 'commander';
import type { TokenCredential } from '@azure/identity';
import { UsageError, type InputError, type InputNote } from '../core/errors.js';
import type { Resource } from '../core/resource.js';
import type { TerraformAssignment } from '../ingest/azure/terraform-module.js';
import { readCluster, unreadKindOf, type ClusterRead } from '../ingest/kube.js';
import { SCAN_REQUIRED_KINDS } from '../ingest/kube-kinds.js';
import { fetchAksClusters } from '../ingest/azure-live.js';
import { lookupEntraNames } from '../ingest/entra-graph.js';
import { readEntraNames } from '../ingest/entra-names.js';
import { Inventory } from '../core/inventory.js';
import { isEntraObjectId } from '../analyses/rbac/azure-access.js';
import { PermissionIndex, type Subject } from '../analyses/rbac/permission-index.js';
import { printWarnings } from './output.js';

/** The flags that add a live cluster to a command's inputs. */
export interface ClusterFlags {
  cluster?: boolean;
  context?: string;
  /** Only on commands whose answer one namespace's objects can give (scan, netpol, rbac risky). */
  namespace?: string;
}

/** Adds --cluster and --context; with `namespace`, also -n/--namespace to limit the namespaced lists. */
export function clusterOptions(cmd: Command, opts: { namespace?: boolean } = {}): Command {
  cmd
    .option('--cluster', 'also read the live cluster of the kubeconfig (KUBECONFIG or ~/.kube/config; read-only, Secrets as metadata only)')
    .option('--context <name>', 'the kubeconfig context to read with --cluster (default: its current-context)');
  if (opts.namespace) cmd.option('-n, --namespace <namespace>', 'with --cluster, read namespaced objects of this namespace only');
  return cmd;
}

function checkFlags(flags: ClusterFlags): void {
  if (flags.cluster) return;
  if (flags.context !== undefined) throw new UsageError('--context needs --cluster');
  if (flags.namespace !== undefined) throw new UsageError('--namespace needs --cluster');
}

/** The paths to read: as given, else `.` — but nothing when a live source is the input. */
export function pathsOrDefault(paths: readonly string[], live: boolean): string[] {
  return paths.length ? [...paths] : live ? [] : ['.'];
}

/** A counter of the lists read, on a TTY stderr only. */
function listProgress(): { onList(done: number, total: number, objects: number): void; done(): void } {
  if (!process.stderr.isTTY) return { onList() {}, done() {} };
  let shown = false;
  return {
    onList(done, total, objects) {
      shown = true;
      process.stderr.write(`\rreading the cluster: ${done}/${total} lists, ${objects} objects`);
    },
    done() {
      if (shown) process.stderr.write(`\r${' '.repeat(60)}\r`);
    },
  };
}

/**
 * The live cluster's resources when --cluster is given (none otherwise), with the problems met reading
 * it and the notes for the report; `kinds` narrows the lists to what the command needs. A refusal of a
 * `required` kind (default: what a scan judges, SCAN_REQUIRED_KINDS) is an error; a refusal of any
 * other kind is a note saying what it leaves undecided, shown on stderr as a warning too, so that the
 * gap is seen whatever the command shows of its notes.
 */
export async function clusterInputs(
  flags: ClusterFlags,
  kinds?: readonly string[],
  required: readonly string[] = SCAN_REQUIRED_KINDS,
): Promise<{ resources: Resource[]; errors: InputError[]; notes: InputNote[] }> {
  checkFlags(flags);
  if (!flags.cluster) return { resources: [], errors: [], notes: [] };
  const bar = listProgress();
  let read: ClusterRead;
  try {
    read = await readCluster({
      ...(flags.context !== undefined ? { context: flags.context } : {}),
      ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
      ...(kinds ? { kinds } : {}),
      required,
      onList: bar.onList,
    });
  } finally {
    bar.done();
  }
  printWarnings(read.notes.filter((n) => unreadKindOf(n) !== undefined));
  return read;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * Where the live Azure reads go: Azure's public endpoints unless PALISADE_ARM_ENDPOINT /
 * PALISADE_GRAPH_ENDPOINT name another address (a proxy, a test server; spawned CLIs in tests).
 */
function azureEndpoint(name: 'PALISADE_ARM_ENDPOINT' | 'PALISADE_GRAPH_ENDPOINT'): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

/**
 * One Azure credential for every live Azure read of a command: AKS and Microsoft Graph use the same
 * sign-in, found once along DefaultAzureCredential's chain. `@azure/identity` is loaded when the first
 * token is asked for, so commands that read nothing live never load it, and a credential that cannot
 * be made (a bad AZURE_TOKEN_CREDENTIALS) fails as that read's problem, not as a crash.
 */
function azureCredential(): TokenCredential {
  let made: Promise<TokenCredential> | undefined;
  return {
    getToken: async (scopes, options) => {
      made ??= import('@azure/identity').then(({ DefaultAzureCredential }) => new DefaultAzureCredential());
      return (await made).getToken(scopes, options);
    },
  };
}

/** The flags that add Azure's view of the access: live AKS clusters and the names of Entra principals. */
export interface AzureFlags {
  aks: string[];
  entraNames?: string;
  graph?: boolean;
}

/** Adds --aks RESOURCE_ID (repeatable). */
export function aksOption(cmd: Command, description = 'also read this live AKS cluster and the Azure role assignments that reach it through Azure Resource Manager (repeatable; read-only)'): Command {
  return cmd.option('--aks <resource-id>', description, collect, []);
}

/** Adds --entra-names FILE and --graph. */
export function entraOptions(cmd: Command): Command {
  return cmd
    .option('--entra-names <file>', 'display names of Entra object ids: JSON { "<object id>": "name" } or az ad user|group|sp list -o json')
    .option('--graph', 'look up the names of the Entra object ids among the subjects in Microsoft Graph (live, read-only; needs Directory.Read.All)');
}

/** What a command's live Azure reads share: one credential. */
export interface AzureSession {
  credential: TokenCredential;
}

export function azureSession(): AzureSession {
  return { credential: azureCredential() };
}

/** The live AKS clusters of --aks (none without it): their ARM documents, role assignments and role definitions. */
export async function aksInputs(ids: readonly string[], session: AzureSession): Promise<{ resources: Resource[]; errors: InputError[] }> {
  if (ids.length === 0) return { resources: [], errors: [] };
  const endpoint = azureEndpoint('PALISADE_ARM_ENDPOINT');
  return fetchAksClusters(ids, { credential: session.credential, ...(endpoint ? { endpoint } : {}) });
}

/** --entra-names FILE read up front, so that a malformed file stops the command before anything live is read. */
export function entraNamesFile(flags: Pick<AzureFlags, 'entraNames'>): Map<string, string> {
  return flags.entraNames === undefined ? new Map() : readEntraNames(flags.entraNames);
}

/** The Entra object ids among subjects: Kubernetes and AKS name Entra groups and applications by them. */
export function entraIds(subjects: Iterable<Subject>): string[] {
  const ids = new Set<string>();
  for (const s of subjects) if (s.kind !== 'ServiceAccount' && isEntraObjectId(s.name)) ids.add(s.name);
  return [...ids];
}

/**
 * With --graph, the Microsoft Graph names of the ids not named already (by --entra-names), each
 * problem printed as a warning: the answer goes on with the ids.
 */
export async function graphNames(ids: readonly string[], known: ReadonlyMap<string, string>, session: AzureSession): Promise<Map<string, string>> {
  const endpoint = azureEndpoint('PALISADE_GRAPH_ENDPOINT');
  const { names, warnings } = await lookupEntraNames(
    ids.filter((id) => !known.has(id)),
    { credential: session.credential, ...(endpoint ? { endpoint } : {}) },
  );
  for (const w of warnings) process.stderr.write(`palisade: warning: ${w}\n`);
  return names;
}

/**
 * The display names a scan's rules show beside Entra object ids: --entra-names, and with --graph
 * what Microsoft Graph says of every Entra subject of the grants read (the file wins). Undefined when
 * neither flag is given.
 */
export function scanDisplayNames(flags: Omit<AzureFlags, 'aks'>, session: AzureSession): ((resources: readonly Resource[]) => Promise<ReadonlyMap<string, string>>) | undefined {
  const file = entraNamesFile(flags);
  if (!flags.graph) return file.size ? async () => file : undefined;
  return async (resources) => {
    // An index of its own: the one the rules share is built once the names are known.
    const index = new PermissionIndex(new Inventory(resources));
    const ids = entraIds([...index.subjects(), ...index.identityLinks.flatMap((l) => l.principal ?? [])]);
    return new Map([...(await graphNames(ids, file, session)), ...file]);
  };
}

/** A repeatable option's value and its place on the command line, where the order of two options matters. */
export interface Placed {
  value: string;
  at: number;
}

let placed = 0;

/** Collects a repeatable option's values with their places (commander calls it in command-line order). */
export const collectPlaced = (value: string, previous: Placed[]): Placed[] => [...previous, { value, at: placed++ }];

/**
 * `--var NAME=VALUE`s as `terraform -var` takes them, each after the `--var-file`s written before it.
 * A usage error names the flag and never quotes what was given, which may be a secret pasted in the
 * wrong place.
 */
export function terraformAssignments(vars: readonly Placed[], files: readonly Placed[]): TerraformAssignment[] {
  return vars.map(({ value, at }, i) => {
    const eq = value.indexOf('=');
    if (!/^[A-Za-z_][\w-]*$/.test(value.slice(0, Math.max(0, eq)))) throw new UsageError(`--var takes NAME=VALUE, as terraform -var does: --var number ${i + 1} is not a variable name followed by =`);
    return { name: value.slice(0, eq), value: value.slice(eq + 1), afterFiles: files.filter((f) => f.at < at).length };
  });
}
