import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { GRAPH_PERMISSION, lookupEntraNames, type GraphLookupOptions } from '../../src/ingest/entra-graph.js';
import { staticCredential } from '../helpers/fake-arm.js';
import { DENIED, fetchTrusting, graphError, graphGroup, graphServicePrincipal, graphUser, startFakeGraph, type FakeGraph, type FakeGraphOptions } from '../helpers/fake-graph.js';

const GROUP = '6f1c2a3b-0000-4000-8000-00000000a001';
const USER = '6f1c2a3b-0000-4000-8000-00000000b001';
const SP = '6f1c2a3b-0000-4000-8000-00000000c001';
const MI = '6f1c2a3b-0000-4000-8000-00000000c002';
const UNKNOWN = '6f1c2a3b-0000-4000-8000-00000000d001';

const DIRECTORY = [graphGroup(GROUP, 'aks-admins'), graphUser(USER, 'Alice Martin', 'alice@contoso.com'), graphServicePrincipal(SP, 'github-deployer'), graphServicePrincipal(MI, 'id-shop-reports', 'ManagedIdentity')];

const servers: FakeGraph[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(options: FakeGraphOptions = { objects: DIRECTORY }): Promise<FakeGraph> {
  const server = await startFakeGraph(options);
  servers.push(server);
  return server;
}

function options(server: FakeGraph, extra: Partial<GraphLookupOptions> = {}): GraphLookupOptions {
  return { credential: staticCredential, endpoint: server.endpoint, fetch: fetchTrusting(server.ca), ...extra };
}

/** ids that are GUIDs, `n` of them, none in the directory. */
function guids(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);
}

describe('Entra names through Microsoft Graph', () => {
  it('names users, groups and service principals, asking getByIds once for each id', async () => {
    const graph = await fake();
    const scopes: unknown[] = [];
    const credential = { getToken: async (s: string | string[]) => (scopes.push(s), staticCredential.getToken()) };
    const { names, warnings } = await lookupEntraNames([GROUP, USER.toUpperCase(), SP, MI, UNKNOWN, GROUP, 'devs', 'alice@contoso.com'], options(graph, { credential }));
    expect(Object.fromEntries(names)).toEqual({
      [GROUP]: 'aks-admins',
      // Graph answers in lower case; the name goes to the id as it was asked.
      [USER.toUpperCase()]: 'Alice Martin <alice@contoso.com>',
      [SP]: 'github-deployer',
      [MI]: 'managed identity id-shop-reports',
    });
    expect(warnings).toEqual([]);
    expect(scopes).toEqual(['https://graph.microsoft.com/.default']);
    expect(graph.requests).toHaveLength(1);
    expect(graph.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1.0/directoryObjects/getByIds',
      headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
      body: { ids: [GROUP, USER, SP, MI, UNKNOWN], types: ['user', 'group', 'servicePrincipal'] },
    });
  });

  it('asks at most a thousand ids a call', async () => {
    const graph = await fake({ objects: [graphGroup(guids(1500)[1400]!, 'late group')] });
    const { names, warnings } = await lookupEntraNames(guids(1500), options(graph));
    expect(warnings).toEqual([]);
    expect(graph.requests.map((r) => (r.body as { ids: string[] }).ids.length)).toEqual([1000, 500]);
    expect(names.get(guids(1500)[1400]!)).toBe('late group');
  });

  it('asks nothing, not even a token, without an Entra object id', async () => {
    const graph = await fake();
    let asked = false;
    const credential = { getToken: async () => ((asked = true), staticCredential.getToken()) };
    const { names, warnings } = await lookupEntraNames(['devs', 'system:masters', 'alice@contoso.com'], options(graph, { credential }));
    expect([names.size, warnings, graph.requests.length, asked]).toEqual([0, [], 0, false]);
  });

  it('403 Authorization_RequestDenied: a warning naming the permission, no further call', async () => {
    const graph = await fake({ objects: DIRECTORY, intercept: () => DENIED });
    const { names, warnings } = await lookupEntraNames(guids(1200), options(graph));
    expect(names.size).toBe(0);
    expect(warnings).toEqual([
      `Microsoft Graph: getByIds for 1000 object ids: the signed-in identity needs ${GRAPH_PERMISSION} on Microsoft Graph (403 Authorization_RequestDenied: Insufficient privileges to complete the operation.) — shown without names`,
    ]);
    expect(GRAPH_PERMISSION).toContain('Directory.Read.All');
    expect(graph.requests).toHaveLength(1);
  });

  it('401: the same warning, with Graph\'s reason', async () => {
    const graph = await fake({ objects: DIRECTORY, intercept: () => graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.') });
    const { warnings } = await lookupEntraNames([GROUP], options(graph));
    expect(warnings[0]).toContain('the signed-in identity needs Directory.Read.All');
    expect(warnings[0]).toContain('(401 InvalidAuthenticationToken: Access token validation failure. Invalid audience.)');
  });

  it('retries a throttled call after Retry-After', async () => {
    const graph = await fake({
      objects: DIRECTORY,
      intercept: (_req, count) => (count === 1 ? { ...graphError(429, 'TooManyRequests', 'Too many requests.'), headers: { 'retry-after': '0' } } : undefined),
    });
    const { names, warnings } = await lookupEntraNames([GROUP], options(graph));
    expect([names.get(GROUP), warnings, graph.requests.length]).toEqual(['aks-admins', [], 2]);
  });

  it('says when Graph returns objects without names (limited information for a type it may not read)', async () => {
    const limited = { '@odata.type': '#microsoft.graph.user', id: USER, displayName: null, userPrincipalName: null };
    const graph = await fake({ objects: [graphGroup(GROUP, 'aks-admins'), limited] });
    const { names, warnings } = await lookupEntraNames([GROUP, USER], options(graph));
    expect(Object.fromEntries(names)).toEqual({ [GROUP]: 'aks-admins' });
    expect(warnings).toEqual([`Microsoft Graph returned 1 object without a name: the signed-in identity may lack ${GRAPH_PERMISSION}`]);
  });

  it('an answer that is not JSON, a credential that gives no token, an endpoint out of reach: warnings, never a throw', async () => {
    const graph = await fake({ objects: DIRECTORY, intercept: () => ({ status: 200, raw: '<html>proxy login</html>', headers: { 'content-type': 'text/html' } }) });
    expect((await lookupEntraNames([GROUP], options(graph))).warnings).toEqual(['Microsoft Graph: getByIds for 1 object id: the answer is not JSON — shown without names']);

    const noToken = { getToken: async () => Promise.reject(Object.assign(new Error('Please run az login to set up an account'), { name: 'CredentialUnavailableError' })) };
    const signedOut = await lookupEntraNames([GROUP], options(graph, { credential: noToken }));
    expect(signedOut.warnings[0]).toMatch(/^Microsoft Graph: no Azure credential could get a token \(Please run az login to set up an account\)/);

    const port = await closedPort();
    const away = await lookupEntraNames([GROUP], { credential: staticCredential, endpoint: `https://127.0.0.1:${port}` });
    expect(away.warnings).toEqual([`Microsoft Graph: getByIds for 1 object id: cannot reach https://127.0.0.1:${port} (ECONNREFUSED) — shown without names`]);
  });

  it('with Node\'s fetch, an untrusted certificate says how to trust it', async () => {
    const graph = await fake();
    const { warnings } = await lookupEntraNames([GROUP], { credential: staticCredential, endpoint: graph.endpoint });
    expect(warnings[0]).toContain('is not trusted');
    expect(warnings[0]).toContain('NODE_EXTRA_CA_CERTS');
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
