import { describe, expect, it } from 'vitest';
import { Inventory } from '../../../src/core/inventory.js';
import { ExposureAnalysis } from '../../../src/analyses/network/exposure.js';
import { parseCidr } from '../../../src/analyses/network/ip.js';
import { reachabilityModelOf } from '../../../src/analyses/network/reachability-model.js';
import { conn, connlist, cronJob, deployment, modelOf, namespace, netpol, pod, resource, workload } from './fixtures.js';

const ALL = 'All Connections';
const web = deployment('shop', 'web', { app: 'web' }, [{ name: 'http', containerPort: 8080 }]);
const api = deployment('shop', 'api', { app: 'api' }, [{ name: 'http', containerPort: 9090 }]);
const db = deployment('shop', 'db', { app: 'db', tier: 'data' });

describe('ReachabilityModel: isolation and defaults', () => {
  it('allows everything in both directions when no policy selects a pod', () => {
    const m = modelOf(web, api);
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
    expect(conn(m, '*', 'shop/web[Deployment]')).toBe(ALL);
    expect(conn(m, 'shop/web[Deployment]', '*')).toBe(ALL);
    expect(m.externalSources.map((x) => x.label)).toEqual(['0.0.0.0-255.255.255.255[External]']);
  });

  it('a policy without policyTypes isolates ingress, and leaves egress open when it has no egress rules', () => {
    const m = modelOf(web, api, netpol('shop', 'deny', { podSelector: { matchLabels: { app: 'api' } } }));
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('');
    expect(conn(m, '*', 'shop/api[Deployment]')).toBe('');
    expect(conn(m, 'shop/api[Deployment]', 'shop/web[Deployment]')).toBe(ALL);
    expect(conn(m, 'shop/api[Deployment]', '*')).toBe(ALL);
  });

  it('a policy without policyTypes isolates egress too when it has egress rules', () => {
    const m = modelOf(web, api, db, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }] }));
    expect(conn(m, 'shop/api[Deployment]', 'shop/db[Deployment]')).toBe(ALL);
    expect(conn(m, 'shop/api[Deployment]', 'shop/web[Deployment]')).toBe('');
    // Ingress is isolated as well (Ingress is always implied), with no rule allowing anything.
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('');
  });

  it('policyTypes [Egress] with no egress rules denies all egress and leaves ingress open', () => {
    const m = modelOf(web, api, netpol('shop', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] }));
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('');
    expect(conn(m, 'shop/web[Deployment]', '*')).toBe('');
    expect(conn(m, '*', 'shop/web[Deployment]')).toBe(ALL);
  });

  it('an empty policyTypes list is defaulted like an absent one', () => {
    const m = modelOf(web, api, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: [] }));
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('');
    expect(conn(m, 'shop/api[Deployment]', 'shop/web[Deployment]')).toBe(ALL);
  });

  it('an absent podSelector selects every pod of the namespace, like an empty one', () => {
    const m = modelOf(web, api, netpol('shop', 'deny', { policyTypes: ['Ingress'] }));
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('');
    expect(conn(m, 'shop/api[Deployment]', 'shop/web[Deployment]')).toBe('');
  });

  it('a policy selects pods of its own namespace only', () => {
    const other = deployment('blog', 'web', { app: 'web' });
    const m = modelOf(web, other, netpol('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }));
    expect(conn(m, 'shop/web[Deployment]', 'blog/web[Deployment]')).toBe(ALL);
    expect(conn(m, 'blog/web[Deployment]', 'shop/web[Deployment]')).toBe('');
  });

  it('a policy without a namespace applies in default', () => {
    const a = deployment('default', 'a', { app: 'a' });
    const b = deployment('default', 'b', { app: 'b' });
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny' }, spec: { podSelector: {} } };
    const m = modelOf(a, b, policy);
    expect(conn(m, 'default/a[Deployment]', 'default/b[Deployment]')).toBe('');
  });

  it('the allowed traffic is the union of every selecting policy', () => {
    const m = modelOf(
      web,
      api,
      db,
      netpol('shop', 'from-web', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] }),
      netpol('shop', 'from-api', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432 }] }, { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 6432 }] }] }),
    );
    expect(conn(m, 'shop/web[Deployment]', 'shop/db[Deployment]')).toBe('TCP 5432,6432');
    expect(conn(m, 'shop/api[Deployment]', 'shop/db[Deployment]')).toBe('TCP 5432');
  });

  it('a connection needs both the source egress and the destination ingress: their intersection', () => {
    const m = modelOf(
      web,
      api,
      netpol('shop', 'web-out', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 80 }, { port: 443 }] }] }),
      netpol('shop', 'api-in', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports: [{ port: 443 }, { port: 8443 }] }] }),
    );
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('TCP 443');
    expect(conn(m, 'shop/web[Deployment]', '*')).toBe('TCP 80,443');
    expect(conn(m, '*', 'shop/api[Deployment]')).toBe('TCP 443,8443');
  });
});

describe('ReachabilityModel: rules and peers', () => {
  it('no ingress rules deny all ingress; one empty rule ({}) allows all, the internet included', () => {
    const denied = modelOf(web, api, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [] }));
    expect(conn(denied, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('');
    const allowed = modelOf(web, api, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{}] }));
    expect(conn(allowed, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
    expect(conn(allowed, '*', 'shop/api[Deployment]')).toBe(ALL);
  });

  it('an empty from list is absent from: every source, the internet included', () => {
    const m = modelOf(web, api, deployment('blog', 'x', { app: 'x' }), netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [], ports: [{ port: 9090 }] }] }));
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('TCP 9090');
    expect(conn(m, 'blog/x[Deployment]', 'shop/api[Deployment]')).toBe('TCP 9090');
    expect(conn(m, '*', 'shop/api[Deployment]')).toBe('TCP 9090');
  });

  it('an absent to on egress allows every destination, the internet included', () => {
    const m = modelOf(web, api, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }));
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('UDP 53');
    expect(conn(m, 'shop/web[Deployment]', '*')).toBe('UDP 53');
  });

  it('podSelector alone selects pods of the policy namespace only', () => {
    const other = deployment('blog', 'web', { app: 'web' });
    const m = modelOf(web, api, other, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }));
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
    expect(conn(m, 'blog/web[Deployment]', 'shop/api[Deployment]')).toBe('');
    expect(conn(m, '*', 'shop/api[Deployment]')).toBe('');
  });

  it('namespaceSelector alone selects every pod of the matching namespaces, and no address', () => {
    const m = modelOf(
      namespace('blog', { team: 'content' }),
      namespace('ops', { team: 'platform' }),
      api,
      deployment('blog', 'x', { app: 'x' }),
      deployment('ops', 'y', { app: 'y' }),
      netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'content' } } }] }] }),
    );
    expect(conn(m, 'blog/x[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
    expect(conn(m, 'ops/y[Deployment]', 'shop/api[Deployment]')).toBe('');
    expect(conn(m, '*', 'shop/api[Deployment]')).toBe('');
  });

  it('an empty namespaceSelector selects every pod of every namespace but not the internet', () => {
    const m = modelOf(api, deployment('blog', 'x', { app: 'x' }), netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] }));
    expect(conn(m, 'blog/x[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
    expect(conn(m, '*', 'shop/api[Deployment]')).toBe('');
  });

  it('namespaceSelector and podSelector in one peer select pods matching both (AND)', () => {
    const m = modelOf(
      namespace('blog', { team: 'content' }),
      api,
      web,
      deployment('blog', 'web', { app: 'web' }),
      deployment('blog', 'cms', { app: 'cms' }),
      netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'content' } }, podSelector: { matchLabels: { app: 'web' } } }] }] }),
    );
    expect(conn(m, 'blog/web[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
    expect(conn(m, 'blog/cms[Deployment]', 'shop/api[Deployment]')).toBe('');
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('');
  });

  it('two peers in one from list select pods matching either (OR)', () => {
    const m = modelOf(
      namespace('blog', { team: 'content' }),
      api,
      web,
      deployment('blog', 'cms', { app: 'cms' }),
      netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'content' } } }, { podSelector: { matchLabels: { app: 'web' } } }] }] }),
    );
    expect(conn(m, 'blog/cms[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
  });

  it('matchExpressions: In, NotIn (an absent key matches), Exists, DoesNotExist', () => {
    const a = deployment('shop', 'a', { app: 'a', env: 'prod' });
    const b = deployment('shop', 'b', { app: 'b', env: 'dev', canary: 'yes' });
    const c = deployment('shop', 'c', { app: 'c' });
    const rule = (expr: Record<string, unknown>) =>
      modelOf(a, b, c, api, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [expr] } }] }] }));
    const from = (m: ReturnType<typeof rule>) => ['a', 'b', 'c'].filter((x) => conn(m, `shop/${x}[Deployment]`, 'shop/api[Deployment]') === ALL);
    expect(from(rule({ key: 'env', operator: 'In', values: ['prod', 'staging'] }))).toEqual(['a']);
    expect(from(rule({ key: 'env', operator: 'NotIn', values: ['prod'] }))).toEqual(['b', 'c']);
    expect(from(rule({ key: 'canary', operator: 'Exists' }))).toEqual(['b']);
    expect(from(rule({ key: 'env', operator: 'DoesNotExist' }))).toEqual(['c']);
  });

  it('matchExpressions select namespaces too', () => {
    const m = modelOf(
      namespace('prod-a', { env: 'prod' }),
      namespace('dev-a', { env: 'dev' }),
      api,
      deployment('prod-a', 'x', { app: 'x' }),
      deployment('dev-a', 'y', { app: 'y' }),
      netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] } }] }] }),
    );
    expect(conn(m, 'prod-a/x[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
    expect(conn(m, 'dev-a/y[Deployment]', 'shop/api[Deployment]')).toBe('');
  });
});

describe('ReachabilityModel: namespaces', () => {
  it('matches namespaces by kubernetes.io/metadata.name, set on every namespace', () => {
    const m = modelOf(
      namespace('blog', {}),
      api,
      deployment('blog', 'x', { app: 'x' }),
      netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'blog' } } }] }] }),
    );
    expect(conn(m, 'blog/x[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
  });

  it('a namespace without a Namespace object still exists, with only its name label', () => {
    const m = modelOf(
      api,
      deployment('blog', 'x', { app: 'x' }),
      netpol('shop', 'by-name', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'blog' } } }] }] }),
      netpol('shop', 'by-team', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'content' } } }], ports: [{ port: 1 }] }] }),
    );
    expect(conn(m, 'blog/x[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
    const byTeam = modelOf(api, deployment('blog', 'x', { app: 'x' }), netpol('shop', 'by-team', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'content' } } }] }] }));
    expect(conn(byTeam, 'blog/x[Deployment]', 'shop/api[Deployment]')).toBe('');
  });

  it('the name label cannot be spoofed by a Namespace object labelling itself otherwise', () => {
    const m = modelOf(
      namespace('blog', { 'kubernetes.io/metadata.name': 'shop' }),
      api,
      deployment('blog', 'x', { app: 'x' }),
      netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }] }] }),
    );
    expect(conn(m, 'blog/x[Deployment]', 'shop/api[Deployment]')).toBe('');
  });
});

describe('ReachabilityModel: ipBlock', () => {
  const policy = netpol('shop', 'p', {
    podSelector: { matchLabels: { app: 'api' } },
    ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 443 }] }],
  });

  it('splits the address space at every cidr and except into external peers', () => {
    const m = modelOf(web, api, policy);
    expect(m.externalSources.map((x) => x.label)).toEqual([
      '0.0.0.0-9.255.255.255[External]',
      '10.0.0.0-10.0.255.255[External]',
      '10.1.0.0-10.1.255.255[External]',
      '10.2.0.0-10.255.255.255[External]',
      '11.0.0.0-255.255.255.255[External]',
    ]);
    // Egress has no ipBlock: destinations stay one range.
    expect(m.externalDestinations.map((x) => x.label)).toEqual(['0.0.0.0-255.255.255.255[External]']);
  });

  it('allows the cidr minus its except, and nothing else', () => {
    const m = modelOf(web, api, policy);
    expect(conn(m, '10.0.0.0-10.0.255.255[External]', 'shop/api[Deployment]')).toBe('TCP 443');
    expect(conn(m, '10.2.0.0-10.255.255.255[External]', 'shop/api[Deployment]')).toBe('TCP 443');
    expect(conn(m, '10.1.0.0-10.1.255.255[External]', 'shop/api[Deployment]')).toBe('');
    expect(conn(m, '11.0.0.0-255.255.255.255[External]', 'shop/api[Deployment]')).toBe('');
    // An unisolated pod is reachable from every range.
    expect(conn(m, '10.1.0.0-10.1.255.255[External]', 'shop/web[Deployment]')).toBe(ALL);
  });

  it('never matches pods, even a pod whose IP is inside the block', () => {
    const m = modelOf(pod('shop', 'client', { app: 'client' }, { podIP: '10.2.3.4' }), api, policy);
    expect(conn(m, 'shop/client[Pod]', 'shop/api[Deployment]')).toBe('');
  });

  it('egress ipBlocks split the destinations, and a named port never matches an address', () => {
    const m = modelOf(
      web,
      netpol('shop', 'out', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }, { port: 'http' }] }],
      }),
    );
    expect(m.externalDestinations.map((x) => x.label)).toEqual(['0.0.0.0-9.255.255.255[External]', '10.0.0.0-10.255.255.255[External]', '11.0.0.0-255.255.255.255[External]']);
    expect(conn(m, 'shop/web[Deployment]', '0.0.0.0-9.255.255.255[External]')).toBe('TCP 443');
    expect(conn(m, 'shop/web[Deployment]', '10.0.0.0-10.255.255.255[External]')).toBe('');
    expect(m.externalSources.map((x) => x.label)).toEqual(['0.0.0.0-255.255.255.255[External]']);
  });

  it('an IPv6 block adds the IPv6 address space, split the same way', () => {
    const m = modelOf(api, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ ipBlock: { cidr: '2001:db8::/32' } }] }] }));
    expect(m.externalSources.map((x) => x.label)).toEqual([
      '0.0.0.0-255.255.255.255[External]',
      '::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff[External]',
      '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff[External]',
      '2001:db9::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff[External]',
    ]);
    expect(conn(m, '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff[External]', 'shop/api[Deployment]')).toBe(ALL);
    expect(conn(m, '0.0.0.0-255.255.255.255[External]', 'shop/api[Deployment]')).toBe('');
  });

  it('a CIDR with host bits set covers its whole network', () => {
    const m = modelOf(api, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ ipBlock: { cidr: '192.168.1.77/24' } }] }] }));
    expect(conn(m, '192.168.1.0-192.168.1.255[External]', 'shop/api[Deployment]')).toBe(ALL);
  });
});

describe('ReachabilityModel: ports and protocols', () => {
  const to = (ports: unknown[], dst = api) => modelOf(web, dst, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports }] }));

  it('a port without protocol is TCP; UDP and SCTP are their own', () => {
    expect(conn(to([{ port: 80 }]), 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('TCP 80');
    expect(conn(to([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]), 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('TCP 53,UDP 53');
    expect(conn(to([{ port: 3868, protocol: 'SCTP' }]), 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('SCTP 3868');
  });

  it('a protocol without port allows every port of that protocol', () => {
    expect(conn(to([{ protocol: 'UDP' }]), 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('UDP 1-65535');
  });

  it('endPort makes a range from port to endPort', () => {
    expect(conn(to([{ port: 32000, endPort: 32768 }, { port: 8080 }]), 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('TCP 8080,32000-32768');
  });

  it('a named port resolves against each destination pod, by name and protocol', () => {
    const m = modelOf(
      web,
      api,
      deployment('shop', 'legacy', { app: 'legacy' }, [{ name: 'http', containerPort: 80 }]),
      netpol('shop', 'p', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'http' }] }] }),
    );
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('TCP 9090');
    expect(conn(m, 'shop/api[Deployment]', 'shop/web[Deployment]')).toBe('TCP 8080');
    expect(conn(m, 'shop/api[Deployment]', 'shop/legacy[Deployment]')).toBe('TCP 80');
    expect(conn(m, '*', 'shop/legacy[Deployment]')).toBe('TCP 80');
  });

  it('a named port with another protocol than the container port, or no such name, allows nothing', () => {
    expect(conn(to([{ port: 'http', protocol: 'UDP' }]), 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('');
    expect(conn(to([{ port: 'grpc' }]), 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('');
  });

  it('egress named ports resolve against the destination, not the source', () => {
    const m = modelOf(
      web,
      api,
      netpol('shop', 'p', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: {} }], ports: [{ port: 'http' }] }] }),
    );
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('TCP 9090');
  });

  it('the first container port of a name wins, across containers', () => {
    const two = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'two', namespace: 'shop' },
      spec: { template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'a', ports: [{ name: 'http', containerPort: 81 }] }, { name: 'b', ports: [{ name: 'http', containerPort: 82 }] }] } } },
    };
    expect(conn(to([{ port: 'http' }], two), 'shop/web[Deployment]', 'shop/two[Deployment]')).toBe('TCP 81');
  });

  it('prints every protocol fully open as All Connections, and a fully open one among others as 1-65535', () => {
    expect(conn(to([{ protocol: 'TCP' }, { protocol: 'UDP' }, { protocol: 'SCTP' }]), 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
    expect(conn(to([{ protocol: 'TCP' }, { protocol: 'UDP', port: 53 }]), 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('TCP 1-65535,UDP 53');
  });
});

describe('ReachabilityModel: workloads', () => {
  it('reads workloads of every kind, each peer named ns/name[Kind]', () => {
    const kinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController'];
    const m = modelOf(...kinds.map((k) => workload(k, 'shop', k.toLowerCase(), { kind: k })), cronJob('shop', 'nightly', { app: 'nightly' }), pod('shop', 'debug', { app: 'debug' }));
    expect(m.workloads.map((w) => w.label)).toEqual([
      'shop/daemonset[DaemonSet]',
      'shop/debug[Pod]',
      'shop/deployment[Deployment]',
      'shop/job[Job]',
      'shop/nightly[CronJob]',
      'shop/replicaset[ReplicaSet]',
      'shop/replicationcontroller[ReplicationController]',
      'shop/statefulset[StatefulSet]',
    ]);
  });

  it('folds pods into their direct controller when it is not in the input', () => {
    const owner = (kind: string, name: string) => ({ apiVersion: 'apps/v1', kind, name, controller: true });
    const m = modelOf(
      pod('shop', 'web-7d9f-a', { app: 'web' }, { owner: owner('ReplicaSet', 'web-7d9f') }),
      pod('shop', 'web-7d9f-b', { app: 'web' }, { owner: owner('ReplicaSet', 'web-7d9f') }),
      pod('shop', 'db-0', { app: 'db' }, { owner: owner('StatefulSet', 'db') }),
      pod('shop', 'kube-proxy-x', { app: 'proxy' }, { owner: { apiVersion: 'v1', kind: 'Node', name: 'node-1', controller: true } }),
      pod('shop', 'owned-not-controlled', { app: 'x' }, { owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs' } }),
    );
    expect(m.workloads.map((w) => w.label)).toEqual(['shop/db[StatefulSet]', 'shop/kube-proxy-x[Pod]', 'shop/owned-not-controlled[Pod]', 'shop/web-7d9f[ReplicaSet]']);
    expect(m.workload('shop/web-7d9f[ReplicaSet]')!.resources).toHaveLength(2);
  });

  it('folds pods and ReplicaSets into the controller present in the input', () => {
    const dep = { ...deployment('shop', 'web', { app: 'web' }), metadata: { name: 'web', namespace: 'shop', uid: 'u-dep' } };
    const rs = {
      ...workload('ReplicaSet', 'shop', 'web-7d9f', { app: 'web', 'pod-template-hash': '7d9f' }),
      metadata: { name: 'web-7d9f', namespace: 'shop', uid: 'u-rs', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u-dep', controller: true }] },
    };
    const p = pod('shop', 'web-7d9f-a', { app: 'web', 'pod-template-hash': '7d9f' }, { owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f', uid: 'u-rs', controller: true } });
    const m = modelOf(dep, rs, p);
    expect(m.workloads.map((w) => w.label)).toEqual(['shop/web[Deployment]']);
    expect(m.workloads[0]!.resources.map((r) => r.kind).sort()).toEqual(['Deployment', 'Pod', 'ReplicaSet']);
  });

  it('groups pods by namespace, labels and named ports, so replicas cost one group', () => {
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', controller: true };
    const pods = Array.from({ length: 50 }, (_, i) => pod('shop', `web-1-${i}`, { app: 'web' }, { owner }));
    const m = modelOf(...pods, deployment('shop', 'twin', { app: 'web' }), deployment('blog', 'twin', { app: 'web' }));
    expect(m.workloads).toHaveLength(3);
    // shop's replicas and the twin Deployment share labels and namespace: one group; blog's is another.
    expect(m.groups).toHaveLength(2);
  });

  it('a workload whose pods differ in labels reaches what any of them reaches', () => {
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'mixed', controller: true };
    const m = modelOf(
      pod('shop', 'mixed-a', { app: 'mixed', role: 'reader' }, { owner }),
      pod('shop', 'mixed-b', { app: 'mixed', role: 'writer' }, { owner }),
      db,
      netpol('shop', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'writer' } } }], ports: [{ port: 5432 }] }] }),
    );
    expect(m.groups).toHaveLength(3);
    expect(conn(m, 'shop/mixed[ReplicaSet]', 'shop/db[Deployment]')).toBe('TCP 5432');
  });
});

describe('ReachabilityModel: the connection list', () => {
  it('lists every allowed pair sorted by source then destination, never a workload to itself', () => {
    const m = modelOf(
      web,
      api,
      netpol('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      netpol('shop', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 8080 }] }], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 9090 }] }] }),
      netpol('shop', 'api', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090 }] }] }),
    );
    expect(connlist(m)).toEqual([
      '0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : TCP 8080',
      'shop/web[Deployment] => shop/api[Deployment] : TCP 9090',
    ]);
  });

  it('sorts in byte order: digits before letters, - before [', () => {
    const m = modelOf(deployment('a', 'x-y', { app: 'xy' }), deployment('a', 'x', { app: 'x' }));
    expect(connlist(m)).toEqual([
      '0.0.0.0-255.255.255.255[External] => a/x-y[Deployment] : All Connections',
      '0.0.0.0-255.255.255.255[External] => a/x[Deployment] : All Connections',
      'a/x-y[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'a/x-y[Deployment] => a/x[Deployment] : All Connections',
      'a/x[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'a/x[Deployment] => a/x-y[Deployment] : All Connections',
    ]);
  });

  it('filters by source and destination workload and restricts to a port', () => {
    const m = modelOf(web, api, db, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 5432 }, { port: 53, protocol: 'UDP' }] }] }));
    expect(connlist(m, { from: { workload: 'shop/web' }, to: { workload: 'shop/db[Deployment]' } })).toEqual(['shop/web[Deployment] => shop/db[Deployment] : TCP 5432,UDP 53']);
    expect(connlist(m, { from: { workload: 'shop/web' }, port: { protocol: 'UDP', start: 53, end: 53 } })).toEqual([
      'shop/web[Deployment] => 0.0.0.0-255.255.255.255[External] : UDP 53',
      'shop/web[Deployment] => shop/api[Deployment] : UDP 53',
      'shop/web[Deployment] => shop/db[Deployment] : UDP 53',
    ]);
    expect(connlist(m, { to: { workload: 'shop/db' }, port: { protocol: 'TCP', start: 80, end: 80 } })).toEqual([]);
  });

  it('cuts the external ranges to a queried CIDR', () => {
    const m = modelOf(
      web,
      netpol('shop', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] }] }),
    );
    expect(connlist(m, { to: { range: parseCidr('8.0.0.0/6')! } })).toEqual([
      'shop/web[Deployment] => 11.0.0.0-11.255.255.255[External] : TCP 443',
      'shop/web[Deployment] => 8.0.0.0-9.255.255.255[External] : TCP 443',
    ]);
    expect(connlist(m, { to: { range: parseCidr('10.1.2.3/32')! } })).toEqual([]);
  });

  it('reports what it could not read in a policy and evaluates the rest', () => {
    const m = modelOf(
      web,
      api,
      netpol('shop', 'p', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{}], ports: [{ port: 80 }] }, { from: [{ ipBlock: { cidr: 'not-a-cidr' } }] }, { from: [{ podSelector: {}, ipBlock: { cidr: '10.0.0.0/8' } }] }, { ports: [{ port: 1, protocol: 'ICMP' }, { port: 443 }] }],
      }),
    );
    expect(m.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('spec.ingress[0].from[0]: a peer needs podSelector, namespaceSelector or ipBlock'),
      expect.stringContaining('spec.ingress[1].from[0].ipBlock: cidr "not-a-cidr" is not a CIDR'),
      expect.stringContaining('spec.ingress[2].from[0]: ipBlock cannot be combined'),
      expect.stringContaining('spec.ingress[3].ports[0]: protocol "ICMP" is not TCP, UDP or SCTP'),
    ]);
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('TCP 443');
  });

  it('says that a port number written as a string names no port', () => {
    const m = modelOf(web, api, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports: [{ port: '8080' }, { port: 'http' }] }] }));
    expect(m.problems.map((p) => p.message)).toEqual(['spec.ingress[0].ports[0].port: "8080" is a number written as a string; the API server refuses it, and it names no port here']);
  });

  it('reads a from written as a mapping, not a list, as allowing nothing, and says so', () => {
    const m = modelOf(web, api, netpol('shop', 'p', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: { podSelector: { matchLabels: { app: 'web' } } } }, 'oops'] }));
    expect(m.problems.map((p) => p.message)).toEqual(['spec.ingress[0].from is not a list; the rule allows nothing', 'spec.ingress[1] is not a mapping; the rule allows nothing']);
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe('');
    expect(conn(m, '*', 'shop/api[Deployment]')).toBe('');
  });

  it('reads Kubernetes NetworkPolicies only, not a network plugin kind of the same name', () => {
    const calico = { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { selector: 'all()', types: ['Ingress'] } };
    const m = modelOf(web, api, calico);
    expect(m.policies).toEqual([]);
    expect(conn(m, 'shop/web[Deployment]', 'shop/api[Deployment]')).toBe(ALL);
  });

  it('answers which policies select a workload and which workloads a policy selects', () => {
    const m = modelOf(web, api, netpol('shop', 'api-in', { podSelector: { matchLabels: { app: 'api' } } }), netpol('shop', 'nothing', { podSelector: { matchLabels: { app: 'gone' } } }));
    const apiW = m.workload('shop/api[Deployment]')!;
    expect(m.isolated(apiW, 'ingress')).toBe(true);
    expect(m.isolated(apiW, 'egress')).toBe(false);
    expect(m.policiesSelecting(apiW, 'ingress').map((p) => p.name)).toEqual(['api-in']);
    expect(m.workloadsSelectedBy(m.policies[1]!, 'ingress')).toEqual([]);
  });

  it('is built once per inventory', () => {
    const inventory = new Inventory([resource(web)]);
    expect(reachabilityModelOf(inventory)).toBe(reachabilityModelOf(inventory));
  });
});

describe('ReachabilityModel: labels controllers add to pods', () => {
  const migrate = workload('Job', 'data', 'migrate', { app: 'migrate' });
  const client = deployment('data', 'client', { app: 'client' });
  const kafka = workload('StatefulSet', 'data', 'kafka', { app: 'kafka' });
  (kafka.spec as Record<string, unknown>).replicas = 2;

  it('a Job\'s pods carry job-name: a policy can select them by it, and name them as peers', () => {
    const m = modelOf(
      migrate,
      client,
      netpol('data', 'migrate-egress', { podSelector: { matchLabels: { 'batch.kubernetes.io/job-name': 'migrate' } }, policyTypes: ['Egress'] }),
      netpol('data', 'client-from-migrate', { podSelector: { matchLabels: { app: 'client' } }, ingress: [{ from: [{ podSelector: { matchLabels: { 'job-name': 'migrate' } } }] }] }),
    );
    expect(conn(m, 'data/migrate[Job]', '*')).toBe('');
    expect(conn(m, 'data/client[Deployment]', '*')).toBe(ALL);
    expect(conn(m, '*', 'data/client[Deployment]')).toBe('');
  });

  it('each StatefulSet replica carries its own name: isolating one leaves the workload reachable through the others', () => {
    const one = modelOf(kafka, client, netpol('data', 'kafka-0', { podSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': 'kafka-0' } } }));
    expect(conn(one, 'data/client[Deployment]', 'data/kafka[StatefulSet]')).toBe(ALL);
    const both = modelOf(kafka, client, netpol('data', 'kafka', { podSelector: { matchExpressions: [{ key: 'apps.kubernetes.io/pod-index', operator: 'In', values: ['0', '1'] }] } }));
    expect(conn(both, 'data/client[Deployment]', 'data/kafka[StatefulSet]')).toBe('');
  });
});


describe('ReachabilityModel: host-network pods', () => {
  it('policies apply to them as netpol-analyzer applies them; the exposure analysis knows them as host-network workloads', () => {
    const exporter = workload('DaemonSet', 'monitoring', 'node-exporter', { app: 'node-exporter' });
    ((exporter.spec as { template: { spec: Record<string, unknown> } }).template.spec).hostNetwork = true;
    const m = modelOf(exporter, netpol('monitoring', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    expect(conn(m, '*', 'monitoring/node-exporter[DaemonSet]')).toBe('');
    expect(ExposureAnalysis.onHostNetwork(m.workload('monitoring/node-exporter[DaemonSet]')!)).toBe(true);
  });
});
