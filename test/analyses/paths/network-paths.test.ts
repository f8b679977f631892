import { describe, expect, it } from 'vitest';
import { renderPaths, type PathsReport } from '../../../src/analyses/paths/index.js';
import { CLUSTER_ID } from '../rbac/azure-fixtures.js';
import { pathsOf, route } from './estate.js';
import { internetFacingPrivileged } from './estates.js';

/** The AKS cluster document, with the network profile given. */
const aks = (networkProfile: Record<string, unknown> | undefined) =>
  `\n---\n${JSON.stringify({ id: CLUSTER_ID, name: 'aks1', type: 'Microsoft.ContainerService/ManagedClusters', location: 'westeurope', kubernetesVersion: '1.34.1', enableRbac: true, agentPoolProfiles: [], ...(networkProfile ? { networkProfile } : {}) })}\n`;

const policy = (name: string, ns: string, spec: string) => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: ${ns} }
spec:
${spec}
`;

/** A privileged Deployment `name` of namespace `ns` listening on 8080, with no public Service. */
const privileged = (name: string, ns: string, labels = `app: ${name}`) => `
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { ${labels} } }
    spec:
      containers: [{ name: app, image: registry.example.com/${name}:1, ports: [{ name: http, containerPort: 8080 }], securityContext: { privileged: true } }]
`;

const DENY_ALL = '  podSelector: {}\n  policyTypes: [Ingress]';
const fromEntry = (text: string, entry: string) => pathsOf(text).paths.filter((p) => p.entryPoint === entry);

/** The steps from a pod of another namespace into workloads (paths fold them into the pods' own footholds). */
function otherNamespaceSteps(text: string) {
  const { graph } = pathsOf(text);
  const others = graph.find('other-namespaces');
  return graph.edges.filter((e) => e.from === others).map((e) => ({ to: graph.nodes[e.to]!.id, ...e.step }));
}

describe('NetworkPolicies the cluster does not enforce', () => {
  const isolated = privileged('api', 'shop') + policy('deny', 'shop', DENY_ALL);

  it('isolate no pod when the cluster document says no engine enforces them (networkPolicy none, or not set without Cilium)', () => {
    expect(otherNamespaceSteps(isolated)).toEqual([]);
    for (const profile of [{ networkPolicy: 'none', networkPlugin: 'azure' }, { networkPlugin: 'kubenet' }]) {
      const steps = otherNamespaceSteps(isolated + aks(profile));
      expect(steps.map((s) => s.to)).toEqual(['workload:shop/api[Deployment]']);
      expect(steps[0]).toMatchObject({ rule: 'aks/network-policies-not-enforced', resource: { name: 'aks1' } });
      expect(steps[0]!.findings).toHaveLength(1);
      expect(steps[0]!.text).toMatch(/^connects to Deployment shop\/api: the NetworkPolicies that select it are not enforced, as cluster aks1 has no network policy engine/);
      expect(steps[0]!.fixes.map((f) => f.key)).toEqual(['engine:aks1']);
    }
  });

  it('are trusted where an engine or the Cilium dataplane enforces them', () => {
    expect(otherNamespaceSteps(isolated + aks({ networkPolicy: 'calico' }))).toEqual([]);
    expect(otherNamespaceSteps(isolated + aks({ networkPlugin: 'azure', networkPluginMode: 'overlay', networkDataplane: 'cilium' }))).toEqual([]);
  });

  it('do not stop the internet behind an Ingress or a public load balancer', () => {
    const ingress = `
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: api, namespace: shop }
spec: { rules: [{ http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }] } }] }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ port: 80, targetPort: 8080 }] }
`;
    expect(fromEntry(isolated + ingress, 'internet')).toEqual([]);
    expect(fromEntry(isolated + ingress + aks({ networkPolicy: 'none' }), 'internet').map(route)).toEqual(['internet: internet → ingress:shop/api → workload:shop/api[Deployment] → node']);
  });
});

describe('a public load balancer in front of pods whose policies admit nothing', () => {
  const narrow = internetFacingPrivileged.replace(/namespace: shop/g, 'namespace: app').replace(/\bweb\b(?!:)/g, 'narrow');

  it('is no way in, whatever the source address', () => {
    expect(fromEntry(narrow, 'internet').map(route)).toEqual(['internet: internet → service:app/narrow → workload:app/narrow[Deployment] → node']);
    expect(fromEntry(narrow + policy('deny', 'app', DENY_ALL), 'internet')).toEqual([]);
  });

  it('still is one when a policy admits some addresses: the load balancer may translate them to the node', () => {
    expect(fromEntry(narrow + policy('some', 'app', '  podSelector: {}\n  ingress: [{ from: [{ ipBlock: { cidr: 10.0.0.0/8 } }] }]'), 'internet')).toHaveLength(1);
  });
});

describe('the other-namespaces step', () => {
  it('takes a namespaceSelector that leaves only named namespaces out as every namespace, and names them', () => {
    const notIn = privileged('api', 'shop') + policy('api', 'shop', '  podSelector: {}\n  ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: kubernetes.io/metadata.name, operator: NotIn, values: [sandbox] }] } }] }]');
    const steps = otherNamespaceSteps(notIn);
    expect(steps.map((s) => s.to)).toEqual(['workload:shop/api[Deployment]']);
    expect(steps[0]!.text).toMatch(/^connects to Deployment shop\/api, which admits every namespace but sandbox \(ingress rule shop\/api spec.ingress\[0\]\)/);
    expect(steps[0]).toMatchObject({ rule: 'network/reachable-from-all-namespaces', resource: { kind: 'NetworkPolicy', name: 'api' }, field: 'spec.ingress[0]' });
    expect(steps[0]!.findings).toHaveLength(1);
  });

  it('says which ports every namespace reaches and which all but some namespaces reach', () => {
    const notIn = (ns: string) => `{ namespaceSelector: { matchExpressions: [{ key: kubernetes.io/metadata.name, operator: NotIn, values: [${ns}] }] } }`;
    const rules = (a: string, b: string) => `  podSelector: {}\n  ingress: [{ from: [${a}], ports: [{ port: 80 }] }, { from: [${b}], ports: [{ port: 443 }] }]`;
    const text = (spec: string) => otherNamespaceSteps(privileged('api', 'shop') + policy('api', 'shop', spec))[0]?.text ?? '';
    expect(text(rules('{ namespaceSelector: {} }', notIn('sandbox')))).toMatch(/which admits every namespace on TCP 80, and every namespace but sandbox on TCP 443 \(/);
    expect(text(rules(notIn('a'), notIn('b')))).toMatch(/which admits every namespace but \(depending on the port\) a, b on TCP 80,443 \(/);
  });

  it('cites the admitting policy when it opens only some ports, and asks to narrow it rather than add one', () => {
    const named = privileged('api', 'shop') + policy('wide', 'shop', '  podSelector: {}\n  ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: http }] }]');
    const steps = otherNamespaceSteps(named);
    expect(steps).toHaveLength(1);
    const step = steps[0]!;
    expect(step).toMatchObject({ resource: { kind: 'NetworkPolicy', namespace: 'shop', name: 'wide' }, field: 'spec.ingress[0]' });
    expect(step.text).toMatch(/which admits every namespace on TCP 8080 \(ingress rule shop\/wide spec.ingress\[0\]\)/);
    expect(step.fixes.map((f) => f.text)).toEqual(['narrow NetworkPolicy shop/wide (spec.ingress[0]) to the namespaces and pods that are clients of Deployment shop/api']);
  });

  it("cites the namespace's default-deny finding when no policy selects the workload", () => {
    const step = otherNamespaceSteps(privileged('api', 'shop'))[0]!;
    expect(step.text).toMatch(/^connects to Deployment shop\/api, which admits every namespace: no ingress NetworkPolicy selects it/);
    expect(step.rule).toBe('network/namespace-without-default-deny-ingress');
    expect(step.findings).toHaveLength(1);
    expect(step.fixes.map((f) => f.text)).toEqual(['add a NetworkPolicy that selects Deployment shop/api and admits only its clients']);
  });
});

describe('drawings', () => {
  it('draws every entry point round, compromised pods included', () => {
    const analysis = pathsOf(privileged('api', 'shop') + policy('deny', 'shop', DENY_ALL));
    expect(analysis.paths.map(route)).toEqual(['pod: workload:shop/api[Deployment] → node']);
    const report: PathsReport = { schema: 'palisade.paths/v1', summary: { paths: 1, bySeverity: {}, providerManaged: 0, nodes: 0, edges: 0 }, paths: analysis.paths, fixes: analysis.fixes, errors: [], notes: [] };
    const mermaid = renderPaths('mermaid', report);
    expect(mermaid).toContain('n0(["Deployment shop/api"])');
    expect(renderPaths('dot', report)).toMatch(/n0 \[label="Deployment shop\/api", shape=ellipse\]/);
  });
});

describe('escapes of unprivileged node agents', () => {
  // A node-exporter as its chart writes it: hostPID and read-only host mounts, as nobody, with no capability.
  const agent = (securityContext: string, readOnly = 'true') => `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: node-exporter, namespace: mon }
spec:
  selector: { matchLabels: { app: node-exporter } }
  template:
    metadata: { labels: { app: node-exporter } }
    spec:
      hostPID: true
      automountServiceAccountToken: false
      containers:
        - name: exporter
          image: quay.io/prometheus/node-exporter:v1.8.2
          securityContext: ${securityContext}
          volumeMounts: [{ name: sys, mountPath: /host/sys, readOnly: ${readOnly} }]
      volumes: [{ name: sys, hostPath: { path: /sys } }]
`;
  const NOBODY = '{ runAsUser: 65534, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }';
  const toNode = (text: string) => {
    const step = pathsOf(text).paths.find((p) => p.target.id === 'node')?.steps.find((s) => s.to === 'node');
    return step;
  };

  it('are hardly a way to the node for a non-root user without capabilities on read-only mounts', () => {
    const unprivileged = pathsOf(agent(NOBODY)).paths.filter((p) => p.target.id === 'node');
    const asRoot = pathsOf(agent('{ runAsUser: 0 }')).paths.filter((p) => p.target.id === 'node');
    expect(asRoot[0]?.score).toBeGreaterThan(unprivileged[0]?.score ?? 0);
    expect(toNode(agent('{ runAsUser: 0 }'))).toBeDefined();
  });

  it('still are one where the mount is writable or a capability is added', () => {
    const writable = pathsOf(agent(NOBODY, 'false')).paths.filter((p) => p.target.id === 'node');
    const unprivileged = pathsOf(agent(NOBODY)).paths.filter((p) => p.target.id === 'node');
    expect(writable[0]?.score).toBeGreaterThan(unprivileged[0]?.score ?? 0);
    const withCap = pathsOf(agent('{ runAsUser: 65534, capabilities: { add: [SYS_PTRACE] } }')).paths.filter((p) => p.target.id === 'node');
    expect(withCap[0]?.score).toBeGreaterThan(unprivileged[0]?.score ?? 0);
  });
});

describe('paths made only of AKS-managed components', () => {
  const amaLogs = `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: ama-logs, namespace: kube-system }
spec:
  selector: { matchLabels: { component: ama-logs-agent } }
  template:
    metadata: { labels: { component: ama-logs-agent } }
    spec:
      serviceAccountName: ama-logs
      containers:
        - name: ama-logs
          image: mcr.microsoft.com/azuremonitor/containerinsights/ciprod:3.1.24
          securityContext: { privileged: true }
          ports: [{ containerPort: 25225 }]
`;

  it('are marked, since no change on them is for the cluster owner to make, and others are not', () => {
    const managed = pathsOf(amaLogs).paths.filter((p) => p.entryPoint === 'other-namespaces');
    expect(managed.length).toBeGreaterThan(0);
    expect(managed.every((p) => p.providerManaged === true)).toBe(true);
    const mine = pathsOf(amaLogs.replace(/ama-logs/g, 'log-agent').replace('mcr.microsoft.com/azuremonitor/containerinsights/ciprod', 'registry.example.com/log-agent'));
    expect(mine.paths.filter((p) => p.entryPoint === 'other-namespaces').map((p) => p.providerManaged)).toEqual([undefined]);
  });
});

describe('a way in through a Service', () => {
  const service = (type: string, targetPort: string) => `
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { type: ${type}, selector: { app: api }, ports: [{ port: 80, targetPort: ${targetPort} }] }
`;
  const ingress = `
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: api, namespace: shop }
spec: { rules: [{ http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 80 } } } }] } }] }
`;
  const admits = (from: string, port: string) => policy('api', 'shop', `  podSelector: { matchLabels: { app: api } }\n  ingress: [{ from: [${from}], ports: [{ port: ${port} }] }]`);

  it('is none when the policies admit nothing on its target ports (LoadBalancer, NodePort)', () => {
    // What the Service node leads to: a NodePort's way is less likely than a compromised pod's, so no path shows it.
    const servedBy = (text: string) => {
      const { graph } = pathsOf(text);
      const svc = graph.find('service:shop/api');
      return graph.edges.filter((e) => e.from === svc).map((e) => graph.nodes[e.to]!.id);
    };
    for (const type of ['LoadBalancer', 'NodePort']) {
      const open = privileged('api', 'shop') + service(type, '8080');
      expect(servedBy(open + admits('{ podSelector: { matchLabels: { app: other } } }', '9999'))).toEqual([]);
      expect(new Set(servedBy(open + admits('{ podSelector: { matchLabels: { app: other } } }', '8080')))).toEqual(new Set(['workload:shop/api[Deployment]']));
    }
  });

  it("names the step's findings in the fix that removes it", () => {
    const { graph, fixes } = pathsOf(privileged('api', 'shop') + service('LoadBalancer', '8080'));
    const step = graph.edges.find((e) => graph.nodes[e.from]!.id === 'internet')!.step;
    expect(step.rule).toBe('network/load-balancer-without-source-ranges');
    expect(step.findings).toHaveLength(1);
    expect(step.fixes.map((f) => f.findings)).toEqual([step.findings]);
    expect(fixes.find((f) => f.text.startsWith('restrict Service shop/api'))?.findings).toEqual(step.findings);
  });

  it('is none through an Ingress whose controller is not in the input when no rule admits another namespace on the target ports', () => {
    const routed = privileged('api', 'shop') + service('ClusterIP', 'http') + ingress;
    expect(fromEntry(routed + admits('{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } } }', '9090'), 'internet')).toEqual([]);
    expect(fromEntry(routed + admits('{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } } }', 'http'), 'internet').map(route)).toEqual([
      'internet: internet → ingress:shop/api → workload:shop/api[Deployment] → node',
    ]);
  });
});

describe('an ipBlock that holds every pod address', () => {
  const wide = privileged('api', 'shop') + policy('api', 'shop', '  podSelector: {}\n  ingress: [{ from: [{ ipBlock: { cidr: 0.0.0.0/0 } }], ports: [{ port: 8080 }] }]');

  it('admits a pod of another namespace unless the cluster runs Cilium', () => {
    for (const text of [wide, wide + aks({ networkPolicy: 'calico', podCidr: '10.244.0.0/16' }), wide + aks({ networkPolicy: 'azure' })]) {
      const steps = otherNamespaceSteps(text);
      expect(steps.map((s) => s.to)).toEqual(['workload:shop/api[Deployment]']);
      expect(steps[0]!.text).toMatch(/which admits every namespace on TCP 8080 \(ingress rule shop\/api spec.ingress\[0\]\)/);
    }
    expect(otherNamespaceSteps(wide + aks({ networkPlugin: 'azure', networkDataplane: 'cilium', networkPolicy: 'cilium' }))).toEqual([]);
  });
});
