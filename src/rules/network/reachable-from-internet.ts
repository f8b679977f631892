import { exposureOf, internetRules, listSome, ruleName, type WorkloadExposure } from '../../analyses/network/exposure.js';
import { ConnectionSet, isProtocol } from '../../analyses/network/ports.js';
import { selectorMatches, type Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, stringMap, type Resource } from '../../core/resource.js';
import { defineRule, shellQuote } from '../../core/rule.js';

const INTERNAL = 'service.beta.kubernetes.io/azure-load-balancer-internal';
/** Annotations and fields through which a Service names its clients (see network/load-balancer-without-source-ranges). */
const RANGE_ANNOTATIONS = ['service.beta.kubernetes.io/azure-allowed-ip-ranges', 'service.beta.kubernetes.io/load-balancer-source-ranges'];
const TAGS_ANNOTATION = 'service.beta.kubernetes.io/azure-allowed-service-tags';

const split = (value: string | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/**
 * A Service of type LoadBalancer that AKS puts on a public IP open to every address: not internal,
 * no other load balancer class, and no client list (or one admitting 0.0.0.0/0, ::/0 or the
 * Internet tag).
 */
function isOpenPublicLoadBalancer(svc: Resource): boolean {
  const spec = asObj(svc.object.spec) ?? {};
  if (spec.type !== 'LoadBalancer' || asString(spec.loadBalancerClass) !== undefined) return false;
  const annotations = stringMap(asObj(svc.object.metadata)?.annotations);
  if (annotations[INTERNAL]?.trim().toLowerCase() === 'true') return false;
  const ranges = [...asArray(spec.loadBalancerSourceRanges).filter((r): r is string => typeof r === 'string' && r.trim() !== ''), ...RANGE_ANNOTATIONS.flatMap((k) => split(annotations[k]))];
  const tags = split(annotations[TAGS_ANNOTATION]);
  if (ranges.length === 0 && tags.length === 0) return true;
  return ranges.some((r) => /\/0$/.test(r.trim())) || tags.some((t) => t === '*' || t.toLowerCase() === 'internet');
}

// The open public load balancers of a scan by namespace, looked up once per inventory.
const OPEN_LBS = new WeakMap<Inventory, Map<string, Resource[]>>();

function openLoadBalancers(inventory: Inventory, namespace: string): readonly Resource[] {
  let byNamespace = OPEN_LBS.get(inventory);
  if (!byNamespace) {
    byNamespace = new Map();
    for (const svc of inventory.byKind('Service')) {
      if (!isOpenPublicLoadBalancer(svc)) continue;
      const ns = svc.namespace ?? 'default';
      let list = byNamespace.get(ns);
      if (!list) byNamespace.set(ns, (list = []));
      list.push(svc);
    }
    OPEN_LBS.set(inventory, byNamespace);
  }
  return byNamespace.get(namespace) ?? [];
}

/** The open public load balancers that send traffic to the workload's pods, with the pod ports they reach. */
function loadBalancersOf(inventory: Inventory, e: WorkloadExposure): Array<{ service: Resource; ports: ConnectionSet }> {
  const w = e.workload;
  const out: Array<{ service: Resource; ports: ConnectionSet }> = [];
  for (const svc of openLoadBalancers(inventory, w.namespace)) {
    const spec = asObj(svc.object.spec) ?? {};
    const selector = stringMap(spec.selector);
    // A Service without a selector has its endpoints written by hand: which pods they are is not in the manifests.
    if (Object.keys(selector).length === 0) continue;
    const groups = w.groups.filter((g) => selectorMatches({ matchLabels: selector }, g.labels));
    if (groups.length === 0) continue;
    let ports = ConnectionSet.NONE;
    for (const raw of asArray(spec.ports)) {
      const p = asObj(raw) ?? {};
      const protocol = p.protocol ?? 'TCP';
      if (!isProtocol(protocol)) continue;
      const target = p.targetPort ?? p.port;
      if (typeof target === 'number') ports = ports.union(ConnectionSet.of(protocol, target));
      else if (typeof target === 'string') {
        // A named target port is resolved on each pod: the port of that name and protocol.
        for (const g of groups) {
          const named = g.namedPorts.find((n) => n.name === target && n.protocol === protocol);
          if (named) ports = ports.union(ConnectionSet.of(protocol, named.port));
        }
      }
    }
    out.push({ service: svc, ports });
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'network/reachable-from-internet',
    title: 'Workload accepts connections from the whole internet',
    severity: 'high',
    pillar: 'network',
    frameworks: [
      { framework: 'kubescape', id: 'C-0256' },
      { framework: 'mitre', id: 'T1190' },
    ],
    description:
      'Any address on the internet may connect to the workload. Two cases are reported. A public load balancer: a Service ' +
      'of type LoadBalancer that AKS gives a public IP (not annotated azure-load-balancer-internal) with no source ranges, ' +
      'selecting the workload\'s pods, while no ingress NetworkPolicy isolates them — nothing between the internet and the ' +
      'pods then narrows who connects (high). Or an ingress NetworkPolicy that selects the pods and admits every internet ' +
      'address (an ipBlock such as 0.0.0.0/0, with or without private ranges excepted, or a rule without from) on all ' +
      'ports: whatever later carries internet traffic to the pods — a load balancer, a node port, an ingress controller — ' +
      'passes it (medium; high when an open public load balancer serves the pods). When policies isolate the pods but admit ' +
      'less, whether a load balancer\'s traffic passes depends on the source address the pods see (the node\'s with ' +
      'externalTrafficPolicy: Cluster): the Service itself is reported by network/load-balancer-without-source-ranges. ' +
      'Ingress controllers are not modelled; workloads on the host network are left to network/host-network-bypasses-policies.',
    remediation:
      'Give the Service the client networks (spec.loadBalancerSourceRanges) or make it internal and publish it through ' +
      'Application Gateway, Front Door or an ingress controller; select the pods with an ingress NetworkPolicy that admits ' +
      'the load balancer\'s or the ingress controller\'s sources on the served ports only, never 0.0.0.0/0 on every port.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#ipblock',
      'https://learn.microsoft.com/azure/aks/load-balancer-standard',
      'https://learn.microsoft.com/azure/aks/network-policy-best-practices',
    ],
  },
  target: { pods: true },
  check(ctx) {
    const e = exposureOf(ctx.inventory).forResource(ctx.resource);
    if (!e || e.hostNetwork) return;
    const { workload: w, ingress } = e;
    const pod = ctx.pod();
    const field = pod ? `${pod.metaPath}.labels` : undefined;
    const lbs = loadBalancersOf(ctx.inventory, e);
    const lbNames = lbs.map((lb) => `${lb.service.namespace ?? 'default'}/${lb.service.name}`);
    if (!ingress.isolated) {
      if (lbs.length === 0) return;
      const ports = lbs.reduce((acc, lb) => acc.union(lb.ports), ConnectionSet.NONE);
      ctx.report({
        ...(field ? { field } : {}),
        message:
          `${lbs.length === 1 ? 'Service' : 'Services'} ${listSome(lbNames)} ${lbs.length === 1 ? 'is a public load balancer' : 'are public load balancers'} open to every address ` +
          `and no ingress NetworkPolicy isolates the pods: any address on the internet can connect${ports.isEmpty() ? '' : ` (${ports.toString()})`}`,
        evidence: {
          observed: { loadBalancers: lbNames, ports: ports.isEmpty() ? null : ports.toString(), ingressPolicies: ingress.policies.map((p) => p.name) },
          expected: 'source ranges on the Service, or an ingress NetworkPolicy that selects the pods',
        },
        verify: `kubectl get service -n ${shellQuote(w.namespace)} -o custom-columns=NAME:.metadata.name,TYPE:.spec.type,SELECTOR:.spec.selector,SOURCE-RANGES:.spec.loadBalancerSourceRanges`,
      });
      return;
    }
    if (!ingress.internet.isAll()) return;
    const rules = internetRules(ingress.policies, 'ingress').map(ruleName);
    ctx.report({
      ...(field ? { field } : {}),
      ...(lbs.length ? {} : { severity: 'medium' as const }),
      message:
        `${rules.length === 1 ? 'ingress rule' : 'ingress rules'} ${listSome(rules)} ${rules.length === 1 ? 'admits' : 'admit'} every internet address on all ports` +
        (lbs.length ? `, and ${listSome(lbNames)} ${lbs.length === 1 ? 'is a public load balancer' : 'are public load balancers'} open to every address in front of it` : ''),
      evidence: {
        observed: { rules, internet: ingress.internet.toString(), ...(lbs.length ? { loadBalancers: lbNames } : {}) },
        expected: 'ipBlocks naming the client networks, on the ports the workload serves',
      },
      verify: `kubectl get networkpolicy -n ${shellQuote(w.namespace)} -o custom-columns=NAME:.metadata.name,POD-SELECTOR:.spec.podSelector,INGRESS:.spec.ingress`,
    });
  },
});
