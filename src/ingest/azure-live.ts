import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { ContainerServiceClient, ContainerServiceClientOptionalParams } from '@azure/arm-containerservice';
import type { MonitorClient } from '@azure/arm-monitor';
import type { TokenCredential } from '@azure/identity';
import { errorMessage, UsageError, type InputError } from '../core/errors.js';
import { asObj, asString, isObj, type Obj, type Resource } from '../core/resource.js';
import {
  AGENT_POOL_KIND,
  DIAGNOSTIC_SETTING_KIND,
  DIAGNOSTIC_SETTINGS_LIST_KIND,
  MANAGED_CLUSTER_KIND,
  ROLE_ASSIGNMENT_KIND,
  ROLE_DEFINITION_KIND,
} from './azure/kinds.js';

export const ARM_ENDPOINT = 'https://management.azure.com';

export interface AksFetchOptions {
  /** Defaults to DefaultAzureCredential (az login, workload identity, AZURE_* environment variables, managed identity). */
  credential?: TokenCredential;
  /** The Azure Resource Manager endpoint (sovereign clouds, tests). */
  endpoint?: string;
  signal?: AbortSignal;
  /** PEM certificates to trust for the endpoint instead of the system store (a TLS-inspecting proxy, tests). */
  ca?: string | Buffer;
  /** The SDK retry policy (429 and 5xx answers, network errors; Retry-After is honoured). */
  retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  /** Also read the Azure role assignments that reach the cluster and their role definitions (default true). */
  access?: boolean;
}

export interface AksResourceId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** The id with ARM's canonical casing of the fixed segments. */
  id: string;
}

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ID_PATTERN = new RegExp(`^/subscriptions/(${GUID})/resourcegroups/([^/?#]+)/providers/microsoft\\.containerservice/managedclusters/([^/?#]+)/?$`, 'i');

/**
 * What of a text that is not a cluster resource id does not fit, segment by segment as ARM reads
 * `/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>`.
 */
function resourceIdProblem(text: string): string {
  if (!text.startsWith('/')) return 'a resource id starts with /subscriptions/; a cluster name alone is not enough';
  const [, subscriptions, subscription = '', groups, group = '', providers, namespace = '', type = '', name = '', ...rest] = text.replace(/\/$/, '').split('/');
  const misplaced = (segment: string | undefined, expected: string) =>
    segment?.toLowerCase() === expected.toLowerCase() ? undefined : `${segment ? JSON.stringify(segment) : 'nothing'} stands where ${expected} belongs`;
  const fixedProblem = misplaced(subscriptions, 'subscriptions');
  if (fixedProblem !== undefined) return fixedProblem;
  if (subscription === '') return 'the subscription id is missing';
  if (!new RegExp(`^${GUID}$`, 'i').test(subscription))
    return `the subscription id ${JSON.stringify(subscription)} is not a GUID: give the subscription's id (8-4-4-4-12 hexadecimal digits, az account show --query id -o tsv), not its name`;
  const groupsProblem = misplaced(groups, 'resourceGroups');
  if (groupsProblem !== undefined) return groupsProblem;
  if (group === '') return 'the resource group is missing';
  const providersProblem = misplaced(providers, 'providers');
  if (providersProblem !== undefined) return providersProblem;
  if (`${namespace}/${type}`.toLowerCase() !== 'microsoft.containerservice/managedclusters')
    return `it names a ${namespace}/${type} resource, not an AKS cluster (Microsoft.ContainerService/managedClusters)`;
  if (name === '') return 'the cluster name is missing';
  if (rest.length) return `it goes on past the cluster name (/${rest.join('/')}): give the cluster's own id, not one of a resource inside it`;
  return 'a resource group or cluster name holds ? or #';
}

/** Parses an AKS cluster resource id (ARM compares the fixed segments case-insensitively); a malformed id is a usage error naming what does not fit. */
export function parseAksResourceId(resourceId: string): AksResourceId {
  const m = ID_PATTERN.exec(resourceId.trim());
  if (!m) {
    throw new UsageError(
      `--aks expects a cluster resource id, /subscriptions/<subscription-id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name> ` +
        `(az aks show -g <group> -n <name> --query id -o tsv), not ${JSON.stringify(resourceId)}: ${resourceIdProblem(resourceId.trim())}`,
    );
  }
  const [, subscriptionId = '', resourceGroup = '', name = ''] = m;
  return {
    subscriptionId,
    resourceGroup,
    name,
    id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`,
  };
}

/** What each call reads, and the permission it needs: named in the error when Azure refuses it. */
const CALLS = {
  cluster: { what: 'reading the cluster', permission: 'Microsoft.ContainerService/managedClusters/read' },
  pools: { what: 'listing the agent pools', permission: 'Microsoft.ContainerService/managedClusters/agentPools/read' },
  diagnostics: { what: 'listing the diagnostic settings', permission: 'Microsoft.Insights/diagnosticSettings/read' },
  assignments: { what: 'listing the role assignments', permission: 'Microsoft.Authorization/roleAssignments/read' },
  definitions: { what: 'reading a role definition', permission: 'Microsoft.Authorization/roleDefinitions/read' },
} as const;
type Call = (typeof CALLS)[keyof typeof CALLS];

type Policy = NonNullable<ContainerServiceClientOptionalParams['additionalPolicies']>[number]['policy'];

/** A successful GET as Azure Resource Manager sent it: the REST body before the SDK flattens it into its models. */
interface Recorded {
  url: string;
  status: number;
  text: string;
}

/**
 * Records every successful GET a client makes. Placed per call (outside the retry policy), it sees
 * each operation's final answer once, including every page a list follows through `nextLink`.
 */
class ResponseRecorder {
  readonly responses: Recorded[] = [];
  readonly policy: Policy = {
    name: 'palisadeResponseRecorder',
    sendRequest: async (request, next) => {
      const response = await next(request);
      if (request.method === 'GET' && response.status >= 200 && response.status < 300)
        this.responses.push({ url: request.url, status: response.status, text: response.bodyAsText ?? '' });
      return response;
    },
  };

  /** The responses recorded while `run` ran (calls on one client are made one after the other). */
  async during(run: () => Promise<unknown>): Promise<Recorded[]> {
    const start = this.responses.length;
    try {
      await run();
    } catch (e) {
      // A 200 whose body is not JSON (a proxy's HTML page) says more than the SDK's paging error.
      for (const r of this.responses.slice(start)) parseBody(r);
      throw e;
    }
    return this.responses.slice(start);
  }
}

class BadBody extends Error {}

function parseBody(r: Recorded): Obj {
  let body: unknown;
  try {
    body = JSON.parse(r.text);
  } catch {
    throw new BadBody(`the answer to GET ${pathOf(r.url)} is not JSON`);
  }
  if (!isObj(body)) throw new BadBody(`the answer to GET ${pathOf(r.url)} is not a JSON object`);
  return body;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** The api-version the SDK asked for: the version of the REST body it got. */
function apiVersionOf(r: Recorded): string {
  try {
    return new URL(r.url).searchParams.get('api-version') ?? 'arm-rest';
  } catch {
    return 'arm-rest';
  }
}

/** The items of a list response's pages (`{value: [...], nextLink}`), each with the api-version of its page. */
function listItems(pages: Recorded[], label: string): Array<{ item: Obj; apiVersion: string }> {
  const out: Array<{ item: Obj; apiVersion: string }> = [];
  for (const page of pages) {
    const body = parseBody(page);
    if (!Array.isArray(body.value)) throw new BadBody(`the answer to GET ${pathOf(page.url)} has no value list`);
    body.value.forEach((item, i) => {
      if (!isObj(item) || typeof item.name !== 'string') throw new BadBody(`${label} ${i} in the answer to GET ${pathOf(page.url)} has no name`);
      out.push({ item, apiVersion: apiVersionOf(page) });
    });
  }
  return out;
}

/**
 * The body without the agentPoolProfiles entries of pools that are their own resources (matched by
 * name, case-insensitively as ARM names are); the key goes when no entry is left.
 */
function withoutListedPools(body: Obj, listed: ReadonlySet<string>): Obj {
  const propsKey = Object.keys(body).find((k) => k.toLowerCase() === 'properties');
  const props = propsKey === undefined ? undefined : body[propsKey];
  if (propsKey === undefined || !isObj(props)) return body;
  const profilesKey = Object.keys(props).find((k) => k.toLowerCase() === 'agentpoolprofiles');
  const profiles = profilesKey === undefined ? undefined : props[profilesKey];
  if (profilesKey === undefined || !Array.isArray(profiles)) return body;
  const kept = profiles.filter((p) => !(isObj(p) && typeof p.name === 'string' && listed.has(p.name.toLowerCase())));
  const { [profilesKey]: _, ...rest } = props;
  return { ...body, [propsKey]: kept.length ? { ...rest, [profilesKey]: kept } : rest };
}

/** Follows every page of a list; the recorder keeps the bodies. */
async function drain(items: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of items) {
    // nothing to do per item
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** One line from an Azure error message (they can be long and multi-line). */
function brief(message: string): string {
  const line = message.split('\n').map((s) => s.trim()).find(Boolean) ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'REQUEST_SEND_ERROR']);

const CREDENTIAL_ERRORS = new Set(['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError']);

/** Whether an error is @azure/identity's saying that no credential could get a token, or wraps one. */
function isCredentialError(e: unknown): boolean {
  for (let cause: unknown = e, depth = 0; isObj(cause) && depth < 5; cause = cause.cause, depth++) {
    if (typeof cause.name === 'string' && CREDENTIAL_ERRORS.has(cause.name)) return true;
  }
  // Some clients (Event Hubs) re-throw the message alone: DefaultAzureCredential's is recognisable.
  return /\b(?:ChainedTokenCredential|DefaultAzureCredential) (?:authentication failed|failed to retrieve a token)/.test(errorMessage(e));
}

/**
 * The words for a failure to get an Azure token, with the ways DefaultAzureCredential signs in;
 * undefined for any other error. Every command that reads Azure with a signed-in identity says it so.
 */
export function azureCredentialFailure(e: unknown): string | undefined {
  if (!isCredentialError(e)) return undefined;
  return (
    `no Azure credential could get a token (${brief(errorMessage(e))}); sign in with az login, use workload identity or ` +
    'a managed identity, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)'
  );
}

/** Why a call failed, in words that say what to do. */
function failure(e: unknown, call: Call, target: AksResourceId, endpoint: string): string {
  if (e instanceof BadBody) return `${call.what}: ${e.message}`;
  const err = e as { statusCode?: unknown; code?: unknown; message?: unknown };
  const message = brief(errorMessage(e));
  const signIn = azureCredentialFailure(e);
  if (signIn !== undefined) return `${call.what}: ${signIn}`;
  const status = typeof err?.statusCode === 'number' ? err.statusCode : undefined;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const said = `${status ?? ''}${code ? ` ${code}` : ''}`.trim();
  if (status === 401)
    return `${call.what}: ${said}: Azure did not accept the credential (${message}); sign in again (az login) or check the identity's tenant and secret`;
  if (status === 403)
    return `${call.what}: ${said}: the identity lacks ${call.permission}; grant it the Reader role on the cluster (or a role with ${call.permission}) — ${message}`;
  if (status === 404 && call === CALLS.cluster) return `cluster not found: ${target.id} (${said}: ${message})`;
  if (status === 429) return `${call.what}: still throttled by Azure Resource Manager after retries (${said}); try again later`;
  if (code === 'PARSE_ERROR') return `${call.what}: the answer is not JSON (${message})`;
  if (status === undefined && code !== undefined && NETWORK_CODES.has(code)) return `${call.what}: cannot reach ${endpoint} (${code}): ${message}`;
  if (status === undefined && code !== undefined && /CERT|SELF_SIGNED|TLS/.test(code))
    return `${call.what}: the TLS certificate of ${endpoint} is not trusted (${code}: ${message}); behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to its CA certificate`;
  return `${call.what}: ${said ? `${said}: ` : ''}${message}`;
}

async function defaultCredential(): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
}

interface Clients {
  cs: ContainerServiceClient;
  monitor: MonitorClient;
  auth: AuthorizationManagementClient;
  csRecorder: ResponseRecorder;
  monitorRecorder: ResponseRecorder;
  authRecorder: ResponseRecorder;
}

/** The SDK clients, loaded on first use so that scans without --aks do not load the Azure SDK. */
async function createClients(target: AksResourceId, endpoint: string, options: AksFetchOptions): Promise<Clients> {
  const [{ ContainerServiceClient }, { MonitorClient }, { AuthorizationManagementClient }, credential] = await Promise.all([
    import('@azure/arm-containerservice'),
    import('@azure/arm-monitor'),
    import('@azure/arm-authorization'),
    options.credential ?? defaultCredential(),
  ]);
  const clientOptions = (recorder: ResponseRecorder): ContainerServiceClientOptionalParams => ({
    endpoint,
    additionalPolicies: [{ policy: recorder.policy, position: 'perCall' }],
    ...(options.ca !== undefined ? { tlsOptions: { ca: options.ca } } : {}),
    ...(options.retry ? { retryOptions: options.retry } : {}),
  });
  const csRecorder = new ResponseRecorder();
  const monitorRecorder = new ResponseRecorder();
  const authRecorder = new ResponseRecorder();
  return {
    cs: new ContainerServiceClient(credential, target.subscriptionId, clientOptions(csRecorder)),
    monitor: new MonitorClient(credential, target.subscriptionId, clientOptions(monitorRecorder)),
    auth: new AuthorizationManagementClient(credential, target.subscriptionId, clientOptions(authRecorder)),
    csRecorder,
    monitorRecorder,
    authRecorder,
  };
}

/**
 * Reads a live AKS cluster through Azure Resource Manager, read-only: the cluster, its agent pools and
 * its diagnostic settings, as `Resource`s holding the ARM REST bodies (`format: 'arm-rest'`), the
 * shape the aks rules read from files. A malformed id throws a UsageError; every other failure is an
 * InputError and the rest is still returned (a refused diagnostic-settings call keeps the cluster).
 *
 * The bodies are the ones ARM sent, recorded below the SDK: the SDK's models are flattened
 * (`enableRbac` beside the other properties) and its serializers, not exported, write request bodies
 * without the read-only properties. Each listed agent pool is its own resource, and the cluster body
 * leaves it out of `properties.agentPoolProfiles` (where GET repeats every pool), so that every pool
 * is checked once; when the list fails, the pools stay in the cluster body and are checked there.
 */
export async function fetchAksResources(
  resourceId: string,
  options: AksFetchOptions = {},
): Promise<{ resources: Resource[]; errors: InputError[] }> {
  const target = parseAksResourceId(resourceId);
  const endpoint = (options.endpoint ?? ARM_ENDPOINT).replace(/\/+$/, '');
  const resources: Resource[] = [];
  const errors: InputError[] = [];
  const fail = (e: unknown, call: Call): undefined => {
    if (isAbort(e)) throw e;
    errors.push({ source: target.id, message: failure(e, call, target, endpoint) });
    return undefined;
  };

  let clients: Clients;
  try {
    clients = await createClients(target, endpoint, options);
  } catch (e) {
    fail(e, CALLS.cluster);
    return { resources, errors };
  }
  const { cs, monitor, auth, csRecorder, monitorRecorder, authRecorder } = clients;
  const abortSignal = options.signal;

  let cluster: Obj;
  let clusterApiVersion: string;
  try {
    const recorded = await csRecorder.during(() => cs.managedClusters.get(target.resourceGroup, target.name, { abortSignal }));
    const answer = recorded.at(-1);
    if (!answer) throw new BadBody('no answer was recorded');
    cluster = parseBody(answer);
    clusterApiVersion = apiVersionOf(answer);
    const type = asString(cluster.type);
    if (type !== undefined && type.toLowerCase() !== MANAGED_CLUSTER_KIND.toLowerCase())
      throw new BadBody(`the answer is a ${type}, not a ${MANAGED_CLUSTER_KIND}`);
  } catch (e) {
    fail(e, CALLS.cluster);
    return { resources, errors };
  }
  const clusterName = asString(cluster.name) ?? target.name;
  const clusterId = asString(cluster.id) ?? target.id;

  const [pools, settings, assignments] = await Promise.all([
    csRecorder
      .during(() => drain(cs.agentPools.list(target.resourceGroup, target.name, { abortSignal })))
      .then((pages) => listItems(pages, 'agent pool'))
      .catch((e: unknown) => fail(e, CALLS.pools)),
    monitorRecorder
      // The SDK's path template adds the leading slash of the resource id.
      .during(() => drain(monitor.diagnosticSettings.list(target.id.slice(1), { abortSignal })))
      .then((pages) => listItems(pages, 'diagnostic setting'))
      .catch((e: unknown) => fail(e, CALLS.diagnostics)),
    options.access === false
      ? Promise.resolve(undefined)
      : authRecorder
          // Without a filter: the assignments at the cluster, above it (group, subscription) and below it (namespaces).
          .during(() => drain(auth.roleAssignments.listForScope(target.id.slice(1), { abortSignal })))
          .then((pages) => listItems(pages, 'role assignment'))
          .catch((e: unknown) => fail(e, CALLS.assignments)),
  ]);
  // Each role definition once, as Azure has it now (custom roles included); one call after the other,
  // as the recorder pairs calls with answers in order.
  const definitions: Array<{ item: Obj; apiVersion: string }> = [];
  const roleIds = [...new Set((assignments ?? []).flatMap(({ item }) => asString(asObj(item.properties)?.roleDefinitionId) ?? []))];
  for (const roleId of roleIds) {
    try {
      const recorded = await authRecorder.during(() => auth.roleDefinitions.getById(roleId.replace(/^\/+/, ''), { abortSignal }));
      const answer = recorded.at(-1);
      if (answer) definitions.push({ item: parseBody(answer), apiVersion: apiVersionOf(answer) });
    } catch (e) {
      fail(e, CALLS.definitions);
    }
  }

  resources.push({
    apiVersion: clusterApiVersion,
    kind: MANAGED_CLUSTER_KIND,
    namespace: null,
    name: clusterName,
    object: pools ? withoutListedPools(cluster, new Set(pools.map(({ item }) => (item.name as string).toLowerCase()))) : cluster,
    source: { file: clusterId, line: 1 },
    format: 'arm-rest',
  });
  for (const { item, apiVersion } of pools ?? []) {
    const name = item.name as string;
    resources.push({
      apiVersion,
      kind: AGENT_POOL_KIND,
      namespace: null,
      // ARM's full name of a child resource, as templates write it.
      name: `${clusterName}/${name}`,
      object: item,
      source: { file: asString(item.id) ?? `${clusterId}/agentPools/${name}`, line: 1 },
      format: 'arm-rest',
    });
  }
  if (settings?.length === 0) resources.push(emptySettingsList(clusterId, clusterName, diagnosticsApiVersion(monitorRecorder)));
  for (const { item, apiVersion } of settings ?? []) {
    const name = item.name as string;
    resources.push({
      apiVersion,
      kind: DIAGNOSTIC_SETTING_KIND,
      namespace: null,
      name,
      object: item,
      source: { file: asString(item.id) ?? `${clusterId}/providers/Microsoft.Insights/diagnosticSettings/${name}`, line: 1 },
      format: 'arm-rest',
    });
  }
  for (const { item, apiVersion } of assignments ?? []) {
    resources.push({
      apiVersion,
      kind: ROLE_ASSIGNMENT_KIND,
      namespace: null,
      name: item.name as string,
      object: item,
      source: { file: asString(item.id) ?? `${clusterId}/providers/Microsoft.Authorization/roleAssignments/${String(item.name)}`, line: 1 },
      format: 'arm-rest',
    });
  }
  for (const { item, apiVersion } of definitions) {
    const id = asString(item.id) ?? '';
    resources.push({ apiVersion, kind: ROLE_DEFINITION_KIND, namespace: null, name: asString(item.name) ?? id, object: item, source: { file: id, line: 1 }, format: 'arm-rest' });
  }
  return { resources, errors };
}

/**
 * A successful empty list of the cluster's diagnostic settings: without it the scan could not tell a cluster
 * with none (the audit logs go nowhere) from one whose settings were not read.
 */
function emptySettingsList(clusterId: string, clusterName: string, apiVersion: string): Resource {
  const id = `${clusterId}/providers/Microsoft.Insights/diagnosticSettings`;
  return {
    apiVersion,
    kind: DIAGNOSTIC_SETTINGS_LIST_KIND,
    namespace: null,
    name: `${clusterName}/diagnosticSettings`,
    object: { id, value: [] },
    source: { file: id, line: 1 },
    format: 'arm-rest',
  };
}

/** The api-version of the last diagnostic-settings page read (the monitor client reads nothing else). */
function diagnosticsApiVersion(recorder: ResponseRecorder): string {
  const page = recorder.responses.findLast((r) => /\/diagnosticSettings$/i.test(pathOf(r.url)));
  return page ? apiVersionOf(page) : 'arm-rest';
}

/**
 * Reads several clusters with one credential (one sign-in, one token cache). Every id is checked
 * before the first call, and a cluster named twice is read once.
 */
export async function fetchAksClusters(
  resourceIds: readonly string[],
  options: AksFetchOptions = {},
): Promise<{ resources: Resource[]; errors: InputError[] }> {
  const ids = [...new Map(resourceIds.map((raw) => parseAksResourceId(raw)).map((t) => [t.id.toLowerCase(), t.id])).values()];
  const out: { resources: Resource[]; errors: InputError[] } = { resources: [], errors: [] };
  if (ids.length === 0) return out;
  const credential = options.credential ?? (await defaultCredential());
  for (const id of ids) {
    const { resources, errors } = await fetchAksResources(id, { ...options, credential });
    out.resources.push(...resources);
    out.errors.push(...errors);
  }
  return out;
}
