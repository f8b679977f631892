import { describe, expect, it } from 'vitest';
import { ROLE_ASSIGNMENT_KIND } from '../../../src/analyses/rbac/azure-access.js';
import { assignment, cluster, federatedServiceAccount, identity, ROLES, SUB } from '../rbac/azure-fixtures.js';
import { CRITICAL_CVE, pathsOf, route } from './estate.js';
import { GROUP, groupClusterAdmin, hardened, internetFacingPrivileged, internetFacingWorkload, podCreatorToSecretReader, WEB_IMAGE } from './estates.js';

describe('attack paths of the hand-built estates', () => {
  it('internet → LoadBalancer → workload with a critical CVE → privileged container → node', () => {
    const { paths } = pathsOf(internetFacingPrivileged);
    expect(paths.map(route)).toEqual(['internet: internet → service:shop/web → workload:shop/web[Deployment] → node']);
    const [p] = paths;
    expect(p?.severity).toBe('critical');
    expect(p?.steps.map((s) => s.rule)).toEqual(['network/load-balancer-without-source-ranges', 'image/vulnerable-package', 'workload/privileged-container']);
    expect(p?.steps[1]?.text).toBe(`exploits CVE-2026-1000 (critical, fixed in 3.0.13-1) in openssl 3.0.11-1 of image ${WEB_IMAGE}`);
    expect(p?.steps[2]?.text).toBe('escapes to the node: container app sets privileged: true');
    for (const s of p?.steps ?? []) expect(s.findings).toHaveLength(1);
    // Removing privileged closes this path and every other way to the node through the workload.
    expect(p?.fix).toMatchObject({ closes: 1, text: expect.stringMatching(/privileged/) });
  });

  it('joins an image report to a workload that pins the image by its digest', () => {
    const DIGEST = `sha256:${'ab'.repeat(32)}`;
    const pinned = internetFacingPrivileged
      .replace(`image: ${WEB_IMAGE}`, `image: registry.example.com/shop/web@${DIGEST}`)
      .replace(`source: palisade`, `source: palisade\ndigest: ${DIGEST}\nrefs: ["registry.example.com/shop/web@${DIGEST}"]`);
    expect(pinned).toContain(`web@${DIGEST}`);
    const { paths } = pathsOf(pinned);
    expect(paths[0]?.steps.map((s) => s.rule)).toEqual(['network/load-balancer-without-source-ranges', 'image/vulnerable-package', 'workload/privileged-container']);
  });

  it("a projected token without an audience is the API server's, automount or not; one for another audience is not", () => {
    const projected = (audience: string) =>
      podCreatorToSecretReader.replace(
        '      serviceAccountName: ci\n',
        `      serviceAccountName: ci\n      automountServiceAccountToken: false\n      volumes: [{ name: kube-api, projected: { sources: [{ serviceAccountToken: { path: token${audience} } }] } }]\n`,
      );
    expect(projected('')).toContain('kube-api');
    const { paths } = pathsOf(projected(''));
    expect(paths.map(route)).toEqual(['pod: workload:build/ci-runner[Deployment] → ServiceAccount:build/ci → ServiceAccount:ops/backup → secrets:kube-system']);
    expect(paths[0]?.steps[0]?.text).toBe('reads the token of ServiceAccount build/ci projected into its pods (volume kube-api)');
    expect(pathsOf(projected(', audience: vault')).paths).toEqual([]);
  });

  it('a pod → service account that can create pods → service account that reads secrets in kube-system', () => {
    const { paths } = pathsOf(podCreatorToSecretReader);
    expect(paths.map(route)).toEqual(['pod: workload:build/ci-runner[Deployment] → ServiceAccount:build/ci → ServiceAccount:ops/backup → secrets:kube-system']);
    const steps = paths[0]!.steps;
    expect(steps.map((s) => s.text)).toEqual([
      'reads the token of ServiceAccount build/ci mounted in its pods',
      'create pods in ops (RoleBinding ops/ci-creates-pods)',
      'reads secrets in kube-system (ClusterRole secret-reader)',
    ]);
    expect(steps[1]).toMatchObject({ rule: 'rbac/can-create-pods', resource: { kind: 'RoleBinding', namespace: 'ops', name: 'ci-creates-pods' } });
    expect(steps[1]!.findings.length).toBeGreaterThan(0);
    expect(steps[2]).toMatchObject({ rule: 'rbac/can-read-secrets', resource: { kind: 'RoleBinding', namespace: 'kube-system', name: 'backup-reads-secrets' } });
    expect(steps[2]!.findings.length).toBeGreaterThan(0);
    // Stolen token 1, pod creation 0.9, reading what the grant allows 1.
    expect(steps.map((s) => s.likelihood)).toEqual([1, 0.9, 1]);
  });

  it('an Entra group holding Azure RBAC Cluster Admin is no path by itself: that is what the admin group is for', () => {
    expect(pathsOf(groupClusterAdmin).paths).toEqual([]);
  });

  it('through a public API server, the same group is a stolen credential away', () => {
    const { paths } = pathsOf(cluster() + groupClusterAdmin);
    expect(paths.map(route)).toEqual([`api-server: api-server → Group:${GROUP} → cluster-admin`]);
    expect(paths[0]!.steps[0]!.rule).toBe('aks/api-server-publicly-reachable');
    const step = paths[0]!.steps[1]!;
    expect(step.text).toBe(`holds Azure role Azure Kubernetes Service RBAC Cluster Admin at cluster aks1`);
    expect(step.resource).toMatchObject({ kind: ROLE_ASSIGNMENT_KIND, name: 'bbbbbbbb-0000-0000-0000-000000000001' });
  });
});

describe('reading secrets', () => {
  it('watch on the secrets of kube-system streams them whole, as get and list do', () => {
    const watching = podCreatorToSecretReader.replace('verbs: [get, list]', 'verbs: [watch]');
    expect(watching).toContain('verbs: [watch]');
    const { paths } = pathsOf(watching);
    expect(paths.map(route)).toEqual(['pod: workload:build/ci-runner[Deployment] → ServiceAccount:build/ci → ServiceAccount:ops/backup → secrets:kube-system']);
    expect(paths[0]!.steps[2]).toMatchObject({ text: 'reads secrets in kube-system (ClusterRole secret-reader)', rule: 'rbac/can-read-secrets' });
  });
});

describe('quiet estates', () => {
  it('a hardened estate has no paths', () => {
    const { paths, fixes } = pathsOf(hardened);
    expect(paths).toEqual([]);
    expect(fixes).toEqual([]);
  });

  it('an empty input has no paths', () => {
    expect(pathsOf('').paths).toEqual([]);
  });

  it('a privileged workload nobody reaches is still a compromised pod away from its node, and nothing more', () => {
    const { paths } = pathsOf(hardened.replace('capabilities: { drop: [ALL] }', 'privileged: true'));
    expect(paths.map(route)).toEqual(['pod: workload:shop/web[Deployment] → node']);
  });

  it('only what a running container holds is a way out: not capabilities that are no escape, init containers, unmounted or read-only log volumes', () => {
    const notEscapes = hardened
      .replace('capabilities: { drop: [ALL] } }', 'capabilities: { drop: [ALL], add: [NET_ADMIN, NET_RAW] }, volumeMounts: [{ name: logs, mountPath: /host/log, readOnly: true }] }')
      .replace(
        '      containers:\n',
        '      initContainers: [{ name: init, image: busybox, securityContext: { privileged: true, capabilities: { add: [SYS_ADMIN] } } }]\n      volumes: [{ name: kube, hostPath: { path: /etc/kubernetes } }, { name: logs, hostPath: { path: /var/log } }]\n      containers:\n',
      );
    expect(pathsOf(notEscapes).paths).toEqual([]);
    const escape = hardened.replace('capabilities: { drop: [ALL] } }', 'capabilities: { drop: [ALL], add: [SYS_ADMIN] } }');
    expect(pathsOf(escape).paths.map(route)).toEqual(['pod: workload:shop/web[Deployment] → node']);
  });

  it('a host-network workload that every namespace reaches is closed by leaving the host network, not by a NetworkPolicy', () => {
    const host = hardened.replace('capabilities: { drop: [ALL] } }', 'privileged: true }').replace('      containers:\n', '      hostNetwork: true\n      containers:\n');
    const { graph } = pathsOf(host);
    const steps = graph.edges.map((e) => e.step).filter((step) => step.text.startsWith('connects to Deployment shop/web'));
    expect(steps.map((step) => step.text)).toEqual([expect.stringMatching(/^connects to Deployment shop\/web, which listens on the node's network/)]);
    expect(steps[0]!.fixes.map((f) => f.text)).toEqual(['run Deployment shop/web on the pod network (hostNetwork: false), where NetworkPolicies apply']);
  });

  it('a LoadBalancer limited to known clients is no way in from the internet', () => {
    const restricted = internetFacingPrivileged.replace('type: LoadBalancer,', 'type: LoadBalancer, loadBalancerSourceRanges: [203.0.113.0/24],');
    expect(pathsOf(restricted).paths.every((p) => p.entryPoint !== 'internet')).toBe(true);
  });

  it('a vulnerability without a fix or a network vector is not an exploit step', () => {
    const local = CRITICAL_CVE.replace('fixedVersions: [3.0.13-1]', 'fixedVersions: []').replace('AV:N', 'AV:L');
    const { paths } = pathsOf(internetFacingPrivileged.replace(CRITICAL_CVE, local));
    expect(paths[0]?.steps[1]?.rule).toBeUndefined();
    expect(paths[0]?.steps[1]?.text).toMatch(/no known vulnerability/);
  });
});

describe('ranking, folding and fixes', () => {
  const twoExposed = `${internetFacingPrivileged}
---${internetFacingWorkload(WEB_IMAGE, 'api')}`;

  it('folds footholds that reach the target the same way into one path', () => {
    const { paths } = pathsOf(twoExposed);
    expect(paths).toHaveLength(1);
    // The workload with the critical vulnerability is the likelier way in; the other one reaches the node the same way.
    expect(paths[0]?.nodes[2]?.id).toBe('workload:shop/web[Deployment]');
    expect(paths[0]?.alsoFrom).toEqual(['Deployment shop/api']);
  });

  const deployerAdmin = `${internetFacingPrivileged.replace('      containers:', '      serviceAccountName: deployer\n      containers:')}
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: deployer, namespace: shop }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: deployer-admin }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin }
subjects: [{ kind: ServiceAccount, name: deployer, namespace: shop }]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: release, namespace: shop }
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: deployer
          containers: [{ name: release, image: registry.example.com/shop/release:1 }]
`;

  it('ranks by likelihood × impact and names the change that closes the most paths', () => {
    const { paths, fixes } = pathsOf(deployerAdmin);
    expect(paths.map(route)).toEqual([
      'internet: internet → service:shop/web → workload:shop/web[Deployment] → ServiceAccount:shop/deployer → cluster-admin',
      'internet: internet → service:shop/web → workload:shop/web[Deployment] → node',
      'pod: workload:shop/release[CronJob] → ServiceAccount:shop/deployer → cluster-admin',
    ]);
    expect(paths.map((p) => p.severity)).toEqual(['critical', 'critical', 'medium']);
    for (let i = 1; i < paths.length; i++) expect(paths[i - 1]!.score).toBeGreaterThanOrEqual(paths[i]!.score);
    // Both close two paths; the load balancer is the cheaper change.
    expect(fixes.slice(0, 2).map((f) => [f.closes, f.resource?.kind, f.resource?.name])).toEqual([
      [2, 'Service', 'web'],
      [2, 'ClusterRoleBinding', 'deployer-admin'],
    ]);
    // The deployer runs a CronJob: it is bound to a narrower role, not stripped of its binding.
    expect(paths[2]?.fix?.text).toBe('bind ServiceAccount shop/deployer to a role without * on * instead of ClusterRole cluster-admin (ClusterRoleBinding deployer-admin)');
    expect(paths[0]?.steps[2]?.findings.length).toBeGreaterThan(0);
  });

  it('keeps path ids stable across runs', () => {
    expect(pathsOf(deployerAdmin).paths.map((p) => p.id)).toEqual(pathsOf(deployerAdmin).paths.map((p) => p.id));
  });
});

/** An Ingress routing to Service shop/web, written before the Deployment of the estate. */
const withIngress = (estate: string) => estate.replace('apiVersion: apps/v1', `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 443 } } } }] }
---
apiVersion: apps/v1`);

describe('more ways in and crown jewels', () => {
  it('an Ingress route is a way in from the internet', () => {
    const viaIngress = withIngress(internetFacingPrivileged.replace('type: LoadBalancer, ', ''));
    expect(pathsOf(viaIngress).paths.map(route)).toEqual(['internet: internet → ingress:shop/web → workload:shop/web[Deployment] → node']);
  });

  it('an Ingress route does not reach pods whose NetworkPolicies admit no one from outside their namespace', () => {
    const viaIngress = withIngress(internetFacingPrivileged.replace('type: LoadBalancer, ', ''));
    const policy = (ingress: string) => `${viaIngress}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress: ${ingress}
`;
    // Only the namespace's own pods: the ingress controller lives elsewhere.
    const fromInternet = (estate: string) => pathsOf(estate).paths.map(route).filter((r) => r.startsWith('internet'));
    expect(fromInternet(policy('[{ from: [{ podSelector: { matchLabels: { app: shop-frontend } } }] }]'))).toEqual([]);
    expect(fromInternet(policy('[]'))).toEqual([]);
    // The controller's namespace, or Application Gateway's subnet, is let in.
    const toController = '[{ from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: app-routing-system } } }] }]';
    expect(fromInternet(policy(toController))).toEqual(['internet: internet → ingress:shop/web → workload:shop/web[Deployment] → node']);
    expect(fromInternet(policy('[{ from: [{ ipBlock: { cidr: 10.225.0.0/24 } }] }]'))).toEqual(['internet: internet → ingress:shop/web → workload:shop/web[Deployment] → node']);
  });

  describe('Gateway API routes', () => {
    const gateway = (extra = '', listener = '{ name: https, port: 443, protocol: HTTPS }') => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: public, namespace: gateways }
spec:
  gatewayClassName: approuting-istio
  listeners: [${listener}]${extra}
---
`;
    const httpRoute = (spec: string, ns = 'shop') => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: ${ns} }
spec:
${spec}
---
`;
    const toWeb = (parentExtra = '', backendNs = '') => `  parentRefs: [{ name: public, namespace: gateways${parentExtra} }]
  rules: [{ backendRefs: [{ name: web, port: 443${backendNs} }] }]`;
    const allNamespaces = '{ name: https, port: 443, protocol: HTTPS, allowedRoutes: { namespaces: { from: All } } }';
    const estate = (prefix: string) => internetFacingPrivileged.replace('type: LoadBalancer, ', '').replace('apiVersion: apps/v1', `${prefix}apiVersion: apps/v1`);
    const fromInternet = (text: string) => pathsOf(text).paths.map(route).filter((r) => r.startsWith('internet'));
    const VIA_ROUTE = 'internet: internet → httproute:shop/web → workload:shop/web[Deployment] → node';

    it('a route attached to a public Gateway that admits its namespace is a way in', () => {
      const { paths } = pathsOf(estate(gateway('', allNamespaces) + httpRoute(toWeb())));
      expect(paths.map(route)).toEqual([VIA_ROUTE]);
      expect(paths[0]?.steps[0]?.text).toBe('sends requests through Gateway gateways/public and HTTPRoute shop/web');
    });

    it('a listener admits routes of its own namespace only, unless allowedRoutes says otherwise', () => {
      expect(fromInternet(estate(gateway() + httpRoute(toWeb())))).toEqual([]);
      const selector = '{ name: https, port: 443, protocol: HTTPS, allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { kubernetes.io/metadata.name: shop } } } } }';
      expect(fromInternet(estate(gateway('', selector) + httpRoute(toWeb())))).toEqual([VIA_ROUTE]);
      const otherKind = '{ name: tls, port: 443, protocol: TLS, allowedRoutes: { namespaces: { from: All } } }';
      expect(fromInternet(estate(gateway('', otherKind) + httpRoute(toWeb())))).toEqual([]);
      // sectionName picks the listener.
      const two = `${allNamespaces}, { name: internal-only, port: 8443, protocol: HTTPS }`;
      expect(fromInternet(estate(gateway('', two) + httpRoute(toWeb(', sectionName: internal-only'))))).toEqual([]);
      expect(fromInternet(estate(gateway('', two) + httpRoute(toWeb(', sectionName: https'))))).toEqual([VIA_ROUTE]);
    });

    it('a route attaches only to listeners whose hostname intersects its hostnames', () => {
      const listener = (host: string) => `{ name: https, port: 443, protocol: HTTPS, hostname: "${host}", allowedRoutes: { namespaces: { from: All } } }`;
      const withHosts = (hosts: string) => httpRoute(`  hostnames: [${hosts}]\n${toWeb()}`);
      expect(fromInternet(estate(gateway('', listener('*.shop.example.com')) + withHosts('admin.corp.example.org')))).toEqual([]);
      expect(fromInternet(estate(gateway('', listener('*.shop.example.com')) + withHosts('www.shop.example.com')))).toEqual([VIA_ROUTE]);
      expect(fromInternet(estate(gateway('', listener('www.shop.example.com')) + withHosts('"*.example.com"')))).toEqual([VIA_ROUTE]);
      expect(fromInternet(estate(gateway('', listener('www.shop.example.com')) + httpRoute(toWeb())))).toEqual([VIA_ROUTE]);
    });

    it("follows requests from a Gateway's own pods (the Istio add-on runs them in the Gateway's namespace) through the backend's policies", () => {
      const sameNs = (policyFrom: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: web, namespace: shop }
spec:
  gatewayClassName: istio
  listeners: [{ name: http, port: 80, protocol: HTTP }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: shop }
spec:
  parentRefs: [{ name: web }]
  rules: [{ backendRefs: [{ name: web, port: 443 }] }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web-istio, namespace: shop }
spec:
  selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: web } }
  template:
    metadata: { labels: { gateway.networking.k8s.io/gateway-name: web } }
    spec: { containers: [{ name: istio-proxy, image: mcr.microsoft.com/oss/istio/proxyv2:1.24.3 }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress: [{ from: [${policyFrom}] }]
---
`;
      const VIA_GATEWAY = 'internet: internet → httproute:shop/web → workload:shop/web[Deployment] → node';
      expect(fromInternet(estate(sameNs('{ podSelector: { matchLabels: { gateway.networking.k8s.io/gateway-name: web } } }')))).toEqual([VIA_GATEWAY]);
      expect(fromInternet(estate(sameNs('{ podSelector: { matchLabels: { app: shop-frontend } } }')))).toEqual([]);
    });

    it('an internal Gateway is no way in from the internet', () => {
      const internal = `
  infrastructure:
    annotations: { service.beta.kubernetes.io/azure-load-balancer-internal: "true" }`;
      expect(fromInternet(estate(gateway(internal, allNamespaces) + httpRoute(toWeb())))).toEqual([]);
    });

    it('a backend in another namespace is reached only where a ReferenceGrant there allows the route', () => {
      const crossNs = httpRoute(toWeb('', ', namespace: shop'), 'edge');
      expect(fromInternet(estate(gateway('', allNamespaces) + crossNs))).toEqual([]);
      const grant = (fromNs: string) => `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: { name: from-edge, namespace: shop }
spec:
  from: [{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ${fromNs} }]
  to: [{ group: "", kind: Service }]
---
`;
      expect(fromInternet(estate(gateway('', allNamespaces) + crossNs + grant('elsewhere')))).toEqual([]);
      expect(fromInternet(estate(gateway('', allNamespaces) + crossNs + grant('edge')))).toEqual(['internet: internet → httproute:edge/web → workload:shop/web[Deployment] → node']);
    });
  });

  it('restricting the load balancer does not close a path the internet still takes through an Ingress to the same workload', () => {
    const both = withIngress(internetFacingPrivileged);
    const { paths, fixes } = pathsOf(both);
    expect(paths.map((p) => p.entryPoint)).toEqual(['internet']);
    expect(fixes.map((f) => f.text).filter((t) => /Service shop\/web|Ingress shop\/web/.test(t))).toEqual([]);
    expect(fixes[0]?.text).toBe('stop running container app of Deployment shop/web privileged');
  });

  it('a workload identity with a role on the whole subscription is a crown jewel', () => {
    const CLIENT = '44444444-4444-4444-4444-444444444444';
    const PRINCIPAL = '55555555-5555-5555-5555-555555555555';
    const estate = `${identity('id-reports', CLIENT, PRINCIPAL)}${federatedServiceAccount('shop', 'reports', CLIENT)}${assignment({ role: ROLES.reader, scope: SUB, principalId: PRINCIPAL, principalType: 'ServicePrincipal', name: 'cccccccc-0000-0000-0000-000000000001' })}
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: report, namespace: shop }
spec:
  selector: { matchLabels: { app: report } }
  template:
    metadata: { labels: { app: report } }
    spec:
      serviceAccountName: reports
      containers: [{ name: report, image: registry.example.com/shop/report:1 }]
`;
    // The automounted token's audience is the API server: Entra exchanges only the webhook's token, which unlabelled pods lack.
    expect(pathsOf(estate).paths).toEqual([]);

    // Labelled for workload identity, the pods get the webhook's own token whatever automount says.
    const labelled = estate
      .replace('metadata: { labels: { app: report } }', "metadata: { labels: { app: report, azure.workload.identity/use: 'true' } }")
      .replace('serviceAccountName: reports', 'serviceAccountName: reports\n      automountServiceAccountToken: false');
    const wi = pathsOf(labelled).paths;
    expect(wi.map(route)).toEqual([`pod: workload:shop/report[Deployment] → User:${PRINCIPAL} → azure:${PRINCIPAL}`]);
    expect(wi[0]!.target.label).toBe(`Azure identity managed identity id-reports with roles on subscription 00000000-0000-0000-0000-00000000000a`);
    expect(wi[0]!.steps.at(-1)!.text).toBe(`holds Azure role Azure Kubernetes Service RBAC Reader at subscription 00000000-0000-0000-0000-00000000000a`);
    expect(wi[0]!.steps[0]!.text).toBe(`exchanges the workload identity token in its pods for Azure identity id-reports (client id ${CLIENT})`);
    // Not automount, which the webhook's token does not follow.
    expect(wi[0]!.fix?.text).toMatch(/^remove Azure role assignment cccccccc-0000-0000-0000-000000000001/);
  });
});
