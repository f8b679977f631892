import { admitsInternet, admitsNothing, exposureOf, listSome } from '../../analyses/network/exposure.js';
import { ALLOWED_IP_RANGES_ANNOTATION, INTERNAL_ANNOTATION, openLoadBalancers, publicLoadBalancer } from '../../analyses/network/load-balancers.js';
import { ConnectionSet } from '../../analyses/network/ports.js';
import { appRoutingController } from '../../core/aks-managed.js';
import type { Inventory } from '../../core/inventory.js';
import { asObj, type Resource } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { servicePorts } from './lib/service.js';

/**
 * The workloads behind an open public load balancer that no ingress NetworkPolicy stands in front of
 * (none isolates their pods, or they run on the host network, where policies do not apply), with the
 * pod ports the Service forwards to them.
 */
function unguardedTargets(inventory: Inventory, svc: Resource): { workloads: string[]; ports: ConnectionSet } {
  const exposure = exposureOf(inventory);
  const targets = openLoadBalancers(inventory).targetsOf(svc).filter((t) => !exposure.of(t.workload).ingress.isolated);
  return {
    workloads: targets.map((t) => `${t.workload.kind}/${t.workload.name}`),
    ports: targets.reduce((acc, t) => acc.union(t.ports), ConnectionSet.NONE),
  };
}

interface PolicyGuard {
  policies: string[];
  ranges: string[];
  /** The ports the ranges' rules open. */
  ports: ConnectionSet;
  /** No policy admits any ingress. */
  nothing: boolean;
}

/**
 * What the ingress policies of the pods behind the Service admit, when every workload behind it is
 * isolated and none of them admits every internet address on the ports the Service forwards to:
 * the policies, and the ipBlock ranges of their rules (empty when they admit no internet address, or
 * nothing at all). Undefined when the Service serves no workload here, or one whose policies leave
 * the internet in.
 */
function policyGuard(inventory: Inventory, svc: Resource): PolicyGuard | undefined {
  const exposure = exposureOf(inventory);
  const targets = openLoadBalancers(inventory).targetsOf(svc);
  if (targets.length === 0) return undefined;
  const policies = new Set<string>();
  const ranges = new Set<string>();
  let ports = ConnectionSet.NONE;
  let nothing = true;
  for (const t of targets) {
    const { ingress } = exposure.of(t.workload);
    if (!ingress.isolated) return undefined;
    const open = t.ports.isEmpty() ? ingress.internet : ingress.internet.intersect(t.ports);
    if (!open.isEmpty()) return undefined;
    if (!admitsNothing(ingress)) nothing = false;
    for (const policy of ingress.policies) {
      policies.add(policy.name);
      for (const rule of policy.ingress) {
        if (rule.peers === 'any' || !admitsInternet(rule)) continue;
        for (const peer of rule.peers) if (peer.kind === 'ipBlock') ranges.add(peer.cidr);
        ports = ports.union(rule.ports.fixed);
      }
    }
  }
  return { policies: [...policies].sort(), ranges: [...ranges].sort(), ports, nothing };
}

/**
 * What follows "the load balancer admits every address" when policies stand behind it. With
 * externalTrafficPolicy: Local the client's address reaches the pods unchanged, so their ipBlocks
 * decide who gets in (low; info when no internet address gets in). With Cluster the node's address
 * replaces it: the policies still decide, but not by the client's address (the severity stays).
 */
function guardedText(svc: Resource, guard: PolicyGuard): { text: string; severity?: 'low' | 'info' } {
  const names = listSome(guard.policies);
  if (asObj(svc.object.spec)?.externalTrafficPolicy === 'Local') {
    const admitted = guard.nothing ? 'no connection at all' : guard.ranges.length ? `only ${listSome(guard.ranges)}${guard.ports.isAll() || guard.ports.isEmpty() ? '' : ` (${guard.ports.toString()})`}` : 'no internet address';
    return {
      text: `the load balancer admits every address, but with externalTrafficPolicy: Local the client's address reaches the pods, and their ingress policies (${names}) admit ${admitted}`,
      severity: guard.ranges.length ? 'low' : 'info',
    };
  }
  if (guard.nothing) return { text: `the load balancer admits every address and the pods' policies decide the rest: ${names} ${guard.policies.length === 1 ? 'admits' : 'admit'} no ingress at all` };
  return { text: 'any address on the internet can connect' };
}

/**
 * Where the fix is made when the application routing add-on writes the Service: its operator overwrites
 * changes to the Service, and takes the annotations from the NginxIngressController, which the user
 * created (or accepted when enabling the add-on, for the default one).
 */
function appRoutingFix(svc: Resource): { clause: string; evidence: { nginxIngressController: string } } | undefined {
  const controller = appRoutingController(svc);
  if (controller === undefined) return undefined;
  return {
    clause: `; the application routing add-on runs it for NginxIngressController ${controller}: set its spec.loadBalancerAnnotations ` +
      `(${INTERNAL_ANNOTATION}: "true", or ${ALLOWED_IP_RANGES_ANNOTATION}), as the operator overwrites changes made to the Service`,
    evidence: { nginxIngressController: controller },
  };
}

export default defineRule({
  meta: {
    id: 'network/load-balancer-without-source-ranges',
    title: 'Public load balancer accepts connections from any address',
    severity: 'medium',
    maxSeverity: 'high',
    pillar: 'network',
    frameworks: [{ framework: 'kubescape', id: 'C-0256' }],
    description:
      'A Service of type LoadBalancer on AKS gets a public IP on the cluster\'s Azure load balancer unless it ' +
      'is annotated service.beta.kubernetes.io/azure-load-balancer-internal: "true". The network security group ' +
      'rule AKS writes for it admits the internet unless the Service names its clients: spec.loadBalancerSourceRanges, ' +
      'the annotations service.beta.kubernetes.io/azure-allowed-ip-ranges or load-balancer-source-ranges, or ' +
      'azure-allowed-service-tags. A range of 0.0.0.0/0 or ::/0, ranges that together cover an address family ' +
      '(0.0.0.0/1 and 128.0.0.0/1), or the Internet tag admit everyone. The AzureCloud tag admits every public ' +
      'address of Azure, any tenant\'s virtual machines included: it is reported low. The finding ' +
      'is high when the Service sends connections to pods that no ingress NetworkPolicy isolates, or that run on the ' +
      'host network: nothing in the cluster then narrows who connects. Policies that isolate the pods are no ' +
      'substitute for source ranges: the connections arrive through the node, usually from its address ' +
      '(externalTrafficPolicy: Cluster), so whether they pass depends on that address. With externalTrafficPolicy: ' +
      'Local the client\'s address reaches the pods: when every pod behind the Service is isolated and its ingress ' +
      'policies admit only some ipBlock ranges, the finding is low and names them (info when they admit no internet ' +
      'address at all). This is the one finding for ' +
      'a public load balancer, however many workloads it serves; network/reachable-from-internet speaks of a ' +
      'workload behind it only when the workload\'s own ingress policy admits the whole internet. The load balancers ' +
      'the application routing add-on writes for its NGINX controllers are reported too, even under the aks-managed ' +
      'profile: the NginxIngressController that asks for them, the add-on\'s default one included, is the user\'s, and ' +
      'the finding names it.',
    remediation:
      'List the client networks in spec.loadBalancerSourceRanges (or the azure-allowed-ip-ranges annotation; not ' +
      'both), or make the Service internal (service.beta.kubernetes.io/azure-load-balancer-internal: "true") and ' +
      'publish it through Application Gateway, Front Door or an ingress controller with a web application firewall. ' +
      'For the application routing add-on, set these annotations in the NginxIngressController\'s ' +
      'spec.loadBalancerAnnotations (the add-on\'s default controller is the NginxIngressController named default).',
    references: [
      'https://learn.microsoft.com/azure/aks/load-balancer-standard',
      'https://kubernetes-sigs.github.io/cloud-provider-azure/topics/loadbalancer/',
    ],
  },
  target: { kinds: ['Service'] },
  // One exposure, one finding: an open public load balancer is reported here, on the Service, because the
  // fix (source ranges, or an internal load balancer) is made there, for every workload behind it at once.
  // The reachability model only raises the severity when no policy stands behind the Service; the
  // workloads are named in the message rather than each given a finding of their own.
  check(ctx) {
    const svc = ctx.resource;
    const lb = publicLoadBalancer(svc);
    if (!lb) return;
    const name = `${svc.namespace ? `${svc.namespace}/` : ''}${svc.name}`;
    const ports = servicePorts(asObj(svc.object.spec) ?? {});
    if (!lb.open) {
      // AzureCloud is no client list: it is every Azure datacenter address, anyone's virtual machines included.
      const cloud = lb.azureCloud;
      if (cloud) {
        ctx.report({
          severity: 'low',
          field: cloud.field,
          message: `Service ${name} is a public load balancer${ports ? ` on ${ports}` : ''} that admits the ${cloud.tag} service tag: every public address of Azure, any tenant's virtual machines and functions included, can connect`,
          evidence: { observed: cloud.tag, expected: 'the tags or ranges of the actual clients (AzureFrontDoor.Backend, the addresses of your own services), not AzureCloud' },
        });
      }
      return;
    }
    // What the reachability model adds: whether anything in the cluster still narrows who reaches the pods.
    const unguarded = unguardedTargets(ctx.inventory, svc);
    const high = unguarded.workloads.length > 0;
    const behind = high
      ? `, and no ingress NetworkPolicy stands between it and the pods of ${listSome(unguarded.workloads)}${unguarded.ports.isEmpty() ? '' : ` (${unguarded.ports.toString()})`}`
      : '';
    // Policies behind the load balancer that keep the internet out, as far as the client's address allows.
    const guard = high ? undefined : policyGuard(ctx.inventory, svc);
    const guarded = guard ? guardedText(svc, guard) : { text: 'any address on the internet can connect' };
    const more = high ? { severity: 'high' as const } : guarded.severity ? { severity: guarded.severity } : {};
    const guardEvidence = guard && guarded.severity ? { policies: guard.policies, admittedRanges: guard.ranges } : {};
    const routing = appRoutingFix(svc);
    const fix = routing?.clause ?? '';
    const opening = lb.clients.find((c) => c.admitsAll !== undefined);
    if (opening) {
      const entry = opening.admitsAll as string;
      ctx.report({
        ...more,
        field: opening.field,
        message: `Service ${name} is a public load balancer${ports ? ` on ${ports}` : ''} that admits ${entry}: ${guarded.text}${behind}${fix}`,
        evidence: {
          observed: entry,
          expected: 'the client networks only, never 0.0.0.0/0, ::/0 or the Internet tag',
          ...(high ? { unguardedWorkloads: unguarded.workloads } : {}),
          ...guardEvidence,
          ...routing?.evidence,
        },
      });
      return;
    }
    ctx.report({
      ...more,
      field: 'spec.type',
      message: `Service ${name} is a public load balancer${ports ? ` on ${ports}` : ''} with no loadBalancerSourceRanges or allowed-ranges annotation: ${guarded.text}${behind}${fix}`,
      evidence: {
        observed: { type: 'LoadBalancer', internal: false, loadBalancerSourceRanges: [] },
        expected: `loadBalancerSourceRanges (or ${ALLOWED_IP_RANGES_ANNOTATION}) naming the clients, or ${INTERNAL_ANNOTATION}: "true"`,
        ...(high ? { unguardedWorkloads: unguarded.workloads } : {}),
        ...guardEvidence,
        ...routing?.evidence,
      },
    });
  },
});
