import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An Azure Resource Manager stand-in for tests: HTTPS on 127.0.0.1 (the SDK sends bearer tokens over
 * TLS only) with a certificate made for the run, answering the REST paths the AKS reader uses with
 * ARM's own body and error shapes. Paths match case-insensitively, as in ARM.
 */

type Json = Record<string, unknown>;

export interface FakeRequest {
  method: string;
  /** The path as sent (`/subscriptions/.../managedClusters/aks1/agentPools`). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless `raw` is given. */
  body?: unknown;
  /** Sent as is, with `content-type` from `headers` (application/json unless set). */
  raw?: string;
}

export interface FakeArmOptions {
  /** Cluster REST bodies; each needs its `id`. */
  clusters?: Json[];
  /** Agent pools by cluster id, answered `pageSize` to a page with a `nextLink` to the next. */
  agentPools?: Record<string, Json[]>;
  /** Diagnostic settings by cluster id. */
  diagnosticSettings?: Record<string, Json[]>;
  /** Role assignments that reach each cluster (REST bodies with `properties`), by cluster id; paged like the pools. */
  roleAssignments?: Record<string, Json[]>;
  /** Role definitions (REST bodies), answered at their `id`. */
  roleDefinitions?: Json[];
  pageSize?: number;
  /**
   * Answers before the routes: return a response to inject a fault (401, 429, a broken body).
   * `count` is how many requests the same path (lower-cased) has had, this one included.
   */
  intercept?: (req: FakeRequest, count: number) => FakeResponse | undefined;
}

export interface FakeArm {
  /** `https://127.0.0.1:<port>`. */
  endpoint: string;
  /** The PEM certificate of the server, for the client to trust. */
  ca: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

let certificate: { key: string; cert: string } | undefined;

/** A self-signed certificate for 127.0.0.1 and localhost, made once per test process with the openssl CLI. */
export function testCertificate(): { key: string; cert: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'palisade-fake-arm-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    certificate = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const armError = (status: number, code: string, message: string): FakeResponse => ({ status, body: { error: { code, message } } });

const CLUSTER_PATH = /^(\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+))(\/.*)?$/i;

export async function startFakeArm(options: FakeArmOptions = {}): Promise<FakeArm> {
  const pageSize = options.pageSize ?? 2;
  const clusters = new Map((options.clusters ?? []).map((c) => [String(c.id).toLowerCase(), c]));
  const byCluster = (m: Record<string, Json[]> | undefined) => new Map(Object.entries(m ?? {}).map(([id, list]) => [id.toLowerCase(), list]));
  const pools = byCluster(options.agentPools);
  const diagnostics = byCluster(options.diagnosticSettings);
  const assignments = byCluster(options.roleAssignments);
  const definitions = new Map((options.roleDefinitions ?? []).map((d) => [String(d.id).toLowerCase(), d]));
  const requests: FakeRequest[] = [];
  const counts = new Map<string, number>();
  let endpoint = '';

  const route = (req: FakeRequest): FakeResponse => {
    if (!/^Bearer \S+/.test(String(req.headers.authorization ?? '')))
      return armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    if (!req.query.get('api-version'))
      return armError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    if (req.method !== 'GET') return armError(405, 'MethodNotAllowed', `The fake answers GET only, not ${req.method}.`);
    if (/\/providers\/microsoft\.authorization\/roledefinitions\/[^/]+$/i.test(req.path)) {
      const d = definitions.get(req.path.toLowerCase());
      return d ? { status: 200, body: d } : armError(404, 'RoleDefinitionDoesNotExist', 'The specified role definition does not exist.');
    }
    const m = CLUSTER_PATH.exec(req.path);
    if (!m) return armError(404, 'NotFound', `No route for ${req.path}.`);
    const [, clusterPath = '', group = '', name = '', rest = ''] = m;
    const cluster = clusters.get(clusterPath.toLowerCase());
    if (!cluster) {
      const notFound = `The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`;
      return rest === '' ? armError(404, 'ResourceNotFound', notFound) : armError(404, 'ParentResourceNotFound', `Can not perform requested operation on nested resource. Parent resource '${name}' not found.`);
    }
    if (rest === '') return { status: 200, body: cluster };
    const paged = (all: Json[]): FakeResponse => {
      const skip = Number(req.query.get('$skipToken') ?? '0');
      const page = all.slice(skip, skip + pageSize);
      const next = skip + pageSize < all.length ? `${endpoint}${req.path}?api-version=${req.query.get('api-version')}&$skipToken=${skip + pageSize}` : undefined;
      return { status: 200, body: next ? { value: page, nextLink: next } : { value: page } };
    };
    if (/^\/providers\/microsoft\.authorization\/roleassignments\/?$/i.test(rest)) return paged(assignments.get(clusterPath.toLowerCase()) ?? []);
    if (/^\/agentpools\/?$/i.test(rest)) return paged(pools.get(clusterPath.toLowerCase()) ?? []);
    if (/^\/providers\/microsoft\.insights\/diagnosticsettings\/?$/i.test(rest))
      return { status: 200, body: { value: diagnostics.get(clusterPath.toLowerCase()) ?? [] } };
    return armError(404, 'NotFound', `No route for ${req.path}.`);
  };

  const { key, cert } = testCertificate();
  const server: Server = createServer({ key, cert }, (incoming, outgoing) => {
    const url = new URL(incoming.url ?? '/', 'https://127.0.0.1');
    // ARM tolerates the doubled slash some clients send after the host.
    const req: FakeRequest = { method: incoming.method ?? 'GET', path: url.pathname.replace(/^\/+/, '/'), query: url.searchParams, headers: incoming.headers };
    requests.push(req);
    const count = (counts.get(req.path.toLowerCase()) ?? 0) + 1;
    counts.set(req.path.toLowerCase(), count);
    const res = options.intercept?.(req, count) ?? route(req);
    const text = res.raw ?? JSON.stringify(res.body ?? {});
    outgoing.writeHead(res.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ms-request-id': `fake-${requests.length}`,
      ...res.headers,
      'content-length': Buffer.byteLength(text),
    });
    outgoing.end(text);
  });
  const listening = await listenOnLoopback(server);
  endpoint = listening.endpoint;
  return { endpoint, ca: cert, requests, close: listening.close };
}

/** Starts a test server on a free loopback port: its `https://127.0.0.1:PORT` and a close that drops open connections. */
export async function listenOnLoopback(server: Server): Promise<{ endpoint: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** A credential that hands out a fixed token: the fake checks only that one is sent. */
export const staticCredential = {
  getToken: async () => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3600e3 }),
};

// ---------------------------------------------------------------------------------------------------
// REST bodies as ARM returns them for GET (api-version 2026-04-01 for AKS, 2021-05-01-preview for diagnostic settings).

export const SUBSCRIPTION = '00000000-0000-4000-8000-000000000001';
const TENANT = '00000000-0000-4000-8000-0000000000aa';

export function clusterId(group: string, name: string): string {
  return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

function workspaceId(group: string): string {
  return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/Microsoft.OperationalInsights/workspaces/law-${group}`;
}

/** A pool's properties; the same object appears in the cluster's agentPoolProfiles (with `name`). */
export function poolProperties(overrides: Json = {}): Json {
  return {
    count: 3,
    vmSize: 'Standard_D4ds_v5',
    osDiskSizeGB: 128,
    osDiskType: 'Ephemeral',
    kubeletDiskType: 'OS',
    maxPods: 110,
    type: 'VirtualMachineScaleSets',
    availabilityZones: ['1', '2', '3'],
    enableAutoScaling: false,
    scaleDownMode: 'Delete',
    provisioningState: 'Succeeded',
    powerState: { code: 'Running' },
    orchestratorVersion: '1.34',
    currentOrchestratorVersion: '1.34.2',
    enableNodePublicIP: false,
    mode: 'User',
    enableEncryptionAtHost: true,
    enableUltraSSD: false,
    osType: 'Linux',
    osSKU: 'AzureLinux',
    nodeImageVersion: 'AKSAzureLinux-V3gen2-202610.20.0',
    upgradeSettings: { maxSurge: '10%', maxUnavailable: '0' },
    enableFIPS: false,
    securityProfile: { enableSecureBoot: true, enableVTPM: true, sshAccess: 'Disabled' },
    ...overrides,
  };
}

export function agentPoolBody(cluster: string, name: string, overrides: Json = {}): Json {
  return {
    id: `${cluster}/agentPools/${name}`,
    name,
    type: 'Microsoft.ContainerService/managedClusters/agentPools',
    properties: poolProperties(overrides),
  };
}

/** A hardened cluster as GET returns it; `properties` overrides merge into the defaults. */
export function clusterBody(group: string, name: string, opts: { properties?: Json; pools?: Array<{ name: string } & Json> } = {}): Json {
  const id = clusterId(group, name);
  const pools = opts.pools ?? [{ name: 'system', mode: 'System', nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'] }];
  return {
    id,
    location: 'westeurope',
    name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    tags: { env: 'test' },
    sku: { name: 'Base', tier: 'Standard' },
    identity: { type: 'SystemAssigned', principalId: '00000000-0000-4000-8000-0000000000b1', tenantId: TENANT },
    properties: {
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      kubernetesVersion: '1.34',
      currentKubernetesVersion: '1.34.2',
      dnsPrefix: name,
      fqdn: `${name}-0a1b2c3d.hcp.westeurope.azmk8s.io`,
      azurePortalFQDN: `${name}-0a1b2c3d.portal.hcp.westeurope.azmk8s.io`,
      agentPoolProfiles: pools.map(({ name: pool, ...rest }) => ({ name: pool, ...poolProperties(rest) })),
      servicePrincipalProfile: { clientId: 'msi' },
      addonProfiles: {
        azurepolicy: { enabled: true, config: null, identity: { resourceId: `${id}-policy`, clientId: 'c1', objectId: 'o1' } },
        omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: workspaceId(group), useAADAuth: 'true' } },
        azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: 'true', rotationPollInterval: '2m' } },
      },
      nodeResourceGroup: `MC_${group}_${name}_westeurope`,
      enableRBAC: true,
      supportPlan: 'KubernetesOfficial',
      networkProfile: {
        networkPlugin: 'azure',
        networkPluginMode: 'overlay',
        networkPolicy: 'cilium',
        networkDataplane: 'cilium',
        loadBalancerSku: 'standard',
        outboundType: 'userDefinedRouting',
        podCidr: '10.244.0.0/16',
        serviceCidr: '10.0.0.0/16',
        dnsServiceIP: '10.0.0.10',
        ipFamilies: ['IPv4'],
      },
      aadProfile: { managed: true, enableAzureRBAC: true, tenantID: TENANT },
      autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' },
      apiServerAccessProfile: { enablePrivateCluster: true, privateDNSZone: 'system', disableRunCommand: true },
      disableLocalAccounts: true,
      securityProfile: {
        defender: { logAnalyticsWorkspaceResourceId: workspaceId(group), securityMonitoring: { enabled: true } },
        workloadIdentity: { enabled: true },
        imageCleaner: { enabled: true, intervalHours: 48 },
        azureKeyVaultKms: { enabled: true, keyId: 'https://kv-test.vault.azure.net/keys/etcd/0123456789abcdef', keyVaultNetworkAccess: 'Public' },
      },
      oidcIssuerProfile: { enabled: true, issuerURL: `https://westeurope.oic.prod-aks.azure.com/${TENANT}/0000/` },
      azureMonitorProfile: { metrics: { enabled: true } },
      diskEncryptionSetID: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/Microsoft.Compute/diskEncryptionSets/des`,
      maxAgentPools: 100,
      ...opts.properties,
    },
  };
}

/** A diagnostic setting on the cluster sending `categories` to a workspace (and to storage with `retentionDays`). */
export function diagnosticSettingBody(cluster: string, name: string, categories: string[], opts: { retentionDays?: number } = {}): Json {
  const group = /\/resourceGroups\/([^/]+)/i.exec(cluster)?.[1] ?? 'rg';
  const retention = opts.retentionDays === undefined ? { enabled: false, days: 0 } : { enabled: true, days: opts.retentionDays };
  return {
    id: `${cluster.toLowerCase()}/providers/microsoft.insights/diagnosticSettings/${name}`,
    type: 'Microsoft.Insights/diagnosticSettings',
    name,
    location: null,
    kind: null,
    tags: null,
    properties: {
      storageAccountId: opts.retentionDays === undefined ? null : `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/stlogs`,
      serviceBusRuleId: null,
      workspaceId: workspaceId(group),
      eventHubAuthorizationRuleId: null,
      eventHubName: null,
      metrics: [{ category: 'AllMetrics', enabled: false, retentionPolicy: { enabled: false, days: 0 } }],
      logs: categories.map((category) => ({ category, categoryGroup: null, enabled: true, retentionPolicy: retention })),
      logAnalyticsDestinationType: 'Dedicated',
    },
    identity: null,
  };
}
