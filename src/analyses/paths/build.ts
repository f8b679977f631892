import type { Finding } from '../../core/finding.js';
import type { Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, refOf, type Resource, type ResourceRef } from '../../core/resource.js';
import { podOf, type PodView } from '../../core/workload.js';
import { aksClusterOf, CLUSTER_KINDS } from '../aks/index.js';
import { IMAGE_KIND, imageReportOf } from '../images/image-resource.js';
import { usersOfImage } from '../images/image-users.js';
import { admittedPorts, exposureOf, everyNamespaceText, listSome, nearlyAllNamespaces, ruleName, type OwnedRule, type WorkloadExposure } from '../network/exposure.js';
import { publicGatewayRoutes } from '../network/gateway-routes.js';
import { ingressControllerOf } from '../network/ingress-controllers.js';
import { openLoadBalancers, publicLoadBalancer, targetPorts } from '../network/load-balancers.js';
import type { ConnectionSet } from '../network/ports.js';
import { reachabilityModelOf } from '../network/reachability-model.js';
import { selectedBy, type Workload } from '../network/workloads.js';
import { principalSubject, ROLE_ASSIGNMENT_KIND, roleAssignmentOf } from '../rbac/azure-access.js';
import { BUILTIN_AZURE_ROLES } from '../rbac/azure-roles.js';
import { boundSubjects, CLUSTER_ADMIN, escalationGraph, namespaceAdminKey, nodeText, reasonText, workloadIdentityAccount, workloadIdentityKey, WORKLOAD_CONTROLLERS, type StepReason } from '../rbac/escalation.js';
import { holdsExchangeableToken, identityOf, parseSubject, permissionIndexOf, subjectLabel, type Grant, type PermissionIndex, type PolicyRule, type RoleRef, type Subject } from '../rbac/permission-index.js';
import { DEFAULT_CLUSTER_ROLES } from '../rbac/default-roles.js';
import { FindingIndex } from './findings.js';
import { AttackGraph, type Step, type StepFix } from './graph.js';
import { azureScopeText } from '../rbac/azure-scope.js';

/** Node ids of the entry points and crown jewels. */
export const INTERNET = 'internet';
export const API_SERVER = 'api-server';
export const OTHER_NAMESPACES = 'other-namespaces';
export const NODE = 'node';
export const KUBE_SYSTEM_SECRETS = 'secrets:kube-system';

/** How likely the attacker holds each entry point to begin with. */
const PRIOR = { internet: 1, 'api-server': 1, 'other-namespaces': 0.5, pod: 0.2, identity: 0.3 } as const;

/**
 * A Helm hook's pods run only while Helm runs the hook (an install, an upgrade) and are gone after:
 * taking one, as a foothold or over the network, is a quarter as likely as taking a standing pod.
 */
const HOOK_FACTOR = 0.25;

/** The Helm hooks an object is (`pre-install,pre-upgrade`), if it is one. */
function helmHook(r: Resource): string | undefined {
  return asString(asObj(asObj(r.object.metadata)?.annotations)?.['helm.sh/hook']) || undefined;
}

/** ` (Helm hook pre-install, pre-upgrade: runs only while Helm runs it, deleted once it succeeds)`, or ''. */
function hookText(r: Resource): string {
  const hook = helmHook(r);
  if (!hook) return '';
  const policy = asString(asObj(asObj(r.object.metadata)?.annotations)?.['helm.sh/hook-delete-policy']) ?? '';
  const deleted = policy.split(',').some((p) => p.trim() === 'hook-succeeded') ? ', deleted once it succeeds' : '';
  return ` (Helm hook ${hook.split(',').map((h) => h.trim()).join(', ')}: not standing, runs only while Helm runs it${deleted})`;
}
/** What each crown jewel is worth: everything, a node, the secrets the control plane keeps. */
const IMPACT = { clusterAdmin: 1, azure: 1, secrets: 0.9, node: 0.8 } as const;

/** Likelihood of exploiting a workload with no known vulnerability: some application flaw is assumed, rarely. */
const UNKNOWN_FLAW = 0.3;

/** The name of the pod volume a finding's field points into (`...volumes[2].hostPath.path`), if any. */
function findingVolume(f: Finding, pod: PodView): string | undefined {
  return asString(asObj(asArray(pod.spec.volumes)[Number(/\.volumes\[(\d+)\]/.exec(f.field ?? '')?.[1] ?? -1)])?.name);
}

/** The containers that run while the application does: not init containers, which have finished. */
function runningContainers(pod: PodView): Array<Record<string, unknown>> {
  return [...asArray(pod.spec.containers), ...asArray(pod.spec.ephemeralContainers)].map(asObj).filter((c): c is Record<string, unknown> => c !== undefined);
}

/** A container's mounts of one volume. */
function mountsOf(container: Record<string, unknown>, volume: string | undefined): Array<Record<string, unknown>> {
  return asArray(container.volumeMounts).map(asObj).filter((m): m is Record<string, unknown> => m !== undefined && volume !== undefined && m.name === volume);
}

/**
 * Whether the finding is a way out for an attacker inside the running pod: not a capability that is no
 * escape on its own (NET_ADMIN, NET_RAW, SYS_TIME...), not what only an init container holds (it has
 * finished when the application is exploited), not a hostPath volume no running container mounts, nor
 * /var/log mounted read-only (its planted-link trick needs writing).
 */
function escapesFromRunningContainer(f: Finding, workload: Resource): boolean {
  if (f.rule === 'workload/dangerous-capability-added' && f.evidence.escapesToNode === false) return false;
  if (f.field?.includes('.initContainers[')) return false;
  const mountedBy = f.evidence.mountedBy;
  if (!Array.isArray(mountedBy)) return true;
  const pod = podOf(workload);
  if (!pod) return true;
  const volume = findingVolume(f, pod);
  const mounts = runningContainers(pod).flatMap((c) => mountsOf(c, volume));
  if (mounts.length === 0) return false;
  const logs = /^\/var\/log(\/|$)/.test(String(f.evidence.normalized ?? f.evidence.observed ?? ''));
  return !logs || mounts.some((m) => m.readOnly !== true);
}

/**
 * Whether every running container that could use the finding runs as a non-root user with no added
 * capability: the containers mounting its volume, or all of them (hostPID). Such a process cannot write
 * a read-only mount, ptrace or signal another user's processes, or read root-only files such as the
 * pods' tokens under /var/lib/kubelet: a read-only host mount or the host's PID namespace is then
 * hardly a way to the node.
 */
function onlyUnprivilegedUsers(f: Finding, workload: Resource): boolean {
  const pod = podOf(workload);
  if (!pod) return false;
  const podContext = asObj(pod.spec.securityContext) ?? {};
  const running = runningContainers(pod);
  const volume = findingVolume(f, pod);
  const using = volume === undefined ? running : running.filter((c) => mountsOf(c, volume).length > 0);
  if (using.length === 0) return false;
  return using.every((c) => {
    const sc = asObj(c.securityContext) ?? {};
    if (sc.privileged === true || asArray(asObj(sc.capabilities)?.add).length > 0) return false;
    if (mountsOf(c, volume).some((m) => m.readOnly !== true)) return false;
    const user = typeof sc.runAsUser === 'number' ? sc.runAsUser : podContext.runAsUser;
    if (typeof user === 'number') return user > 0;
    return (sc.runAsNonRoot ?? podContext.runAsNonRoot) === true;
  });
}

/** Container escapes: the rules that report them and how surely each one reaches the node. */
// `unprivileged`: the likelihood where only non-root users without added capabilities could use it.
const ESCAPES: ReadonlyArray<{ rule: string; likelihood: number; unprivileged?: number; only?: RegExp }> = [
  { rule: 'workload/privileged-container', likelihood: 0.9 },
  { rule: 'workload/windows-host-process', likelihood: 0.9 },
  { rule: 'workload/sensitive-host-path', likelihood: 0.8, unprivileged: 0.1 },
  { rule: 'workload/host-namespace', likelihood: 0.8, unprivileged: 0.1, only: /hostPID$/ },
  { rule: 'workload/host-namespace', likelihood: 0.3, only: /hostIPC$/ },
  { rule: 'workload/writable-host-path', likelihood: 0.6 },
  { rule: 'workload/dangerous-capability-added', likelihood: 0.6 },
];

// The escalation rule reports the first step of a chain where the per-permission rules do not (Azure role assignments).
const RBAC_RULES = {
  star: ['rbac/cluster-admin-bound', 'rbac/wildcard-permission', 'rbac/escalation-path-to-cluster-admin'],
  pods: ['rbac/can-create-pods', 'rbac/escalation-path-to-cluster-admin'],
  token: ['rbac/can-create-service-account-tokens', 'rbac/escalation-path-to-cluster-admin'],
  impersonate: ['rbac/can-impersonate', 'rbac/escalation-path-to-cluster-admin'],
  bind: ['rbac/can-escalate-or-bind', 'rbac/escalation-path-to-cluster-admin'],
  secrets: ['rbac/can-read-secrets'],
  exec: ['rbac/can-exec-into-pods'],
};

const short = (w: Workload) => `${w.namespace}/${w.name}`;

/**
 * Builds the attack graph of an inventory from the analyses (reachability, load balancers, the
 * permission index and its escalation graph, image users) and the findings of PATH_RULE_IDS, which
 * name what makes each step possible.
 */
export function buildAttackGraph(inventory: Inventory, findings: readonly Finding[]): AttackGraph {
  const graph = new AttackGraph();
  const index = new FindingIndex(findings);
  const model = reachabilityModelOf(inventory);
  const byResource = new Map<string, Workload>();
  const resKey = (r: Pick<ResourceRef, 'kind' | 'namespace' | 'name'>) => `${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;
  for (const w of model.workloads) for (const r of w.resources) byResource.set(resKey(r), w);
  const workloadOfRef = (r: ResourceRef) => byResource.get(resKey(r)) ?? (r.namespace === null ? undefined : byResource.get(resKey({ ...r, namespace: null })));
  const workloadNode = (w: Workload) => graph.node(`workload:${w.label}`, 'workload', `${w.kind} ${short(w)}${hookText(primary(w))}`, primary(w));
  const inNamespace = new Map<string, Workload[]>();
  for (const w of model.workloads) {
    const list = inNamespace.get(w.namespace);
    if (list) list.push(w);
    else inNamespace.set(w.namespace, [w]);
  }
  const primary = (w: Workload): Resource => w.resources.find((r) => r.kind === w.kind && r.name === w.name) ?? w.resources[0]!;

  // What exploiting each workload takes: its images' best exploitable vulnerability, else an unknown flaw.
  const exploit = exploitsOf(inventory, index, workloadOfRef);
  const standing = (w: Workload) => (helmHook(primary(w)) ? HOOK_FACTOR : 1);
  const compromise = (w: Workload, before?: Partial<Step>, known = true): Step => {
    const step = compromiseStep(w, before, known);
    return { ...step, likelihood: step.likelihood * standing(w) };
  };
  const compromiseStep = (w: Workload, before?: Partial<Step>, known = true): Step => {
    const v = known ? exploit.get(w) : undefined;
    const fixes = [...(before?.fixes ?? []), ...(v ? [v.fix] : [])];
    const prefix = before?.text ? `${before.text}, and ` : '';
    const cited = before?.resource ? { resource: before.resource, ...(before.field !== undefined ? { field: before.field } : {}) } : {};
    if (!v) return { text: `${prefix}exploits a flaw in ${w.kind} ${short(w)} (no known vulnerability in its images)`, findings: before?.findings ?? [], likelihood: UNKNOWN_FLAW, fixes, ...(before?.rule ? { rule: before.rule } : {}), ...cited };
    return { text: `${prefix}${v.text}`, rule: 'image/vulnerable-package', findings: [...(before?.findings ?? []), v.finding.id], resource: v.finding.resource, likelihood: v.likelihood, fixes };
  };

  // An exploit edge goes with the unknown-flaw one beside it: upgrading the image does not close the way in.
  const exploitEdges = (from: number, w: Workload, before?: Partial<Step>) => {
    const step = compromise(w, before);
    graph.edge(from, workloadNode(w), step);
    if (exploit.has(w)) graph.edge(from, workloadNode(w), compromise(w, before, false));
  };

  // The cluster document says no engine enforces the NetworkPolicies (the finding of the aks rule, its
  // decision): whatever they say, they isolate no pod.
  const unenforced = index.ofRule('aks/network-policies-not-enforced')[0];
  const exposure = exposureOf(inventory);
  // A connection through a Service reaches the pods on its target ports only: policies that admit
  // nothing on those ports stop it, whatever the source address (translated to a node's or not) is.
  // Whether connections admitted to the workload hold one of the Service's target ports; undefined where
  // no policy stops anything: none is enforced, or the workload runs on the host network, where none
  // applies, however the model reads the policies that select it.
  const onTargetPorts = (w: Workload, svc: Resource): ((admitted: ConnectionSet) => boolean) | undefined => {
    if (unenforced || exposure.of(w).hostNetwork) return undefined;
    const ports = targetPorts(asObj(svc.object.spec)?.ports, w.groups);
    // A target port named on no pod of the input is not known: any port the rules admit may be it.
    return (admitted) => !(ports.isEmpty() ? admitted : admitted.intersect(ports)).isEmpty();
  };
  // `fromOutsideNamespace`: the sender runs outside the workload's namespace (an Ingress controller).
  const admitsOnTargetPorts = (w: Workload, svc: Resource, fromOutsideNamespace = false): boolean => {
    const reaches = onTargetPorts(w, svc);
    return !reaches || reaches(admittedPorts(exposure.of(w).ingress, w.groups, fromOutsideNamespace));
  };

  // The internet: public load balancers, node ports, Ingress routes and routes of public Gateways.
  const internet = graph.node(INTERNET, 'internet', 'the internet');
  const lbs = openLoadBalancers(inventory);
  for (const svc of inventory.byKind('Service')) {
    const spec = asObj(svc.object.spec) ?? {};
    const ref = refOf(svc);
    const name = `${svc.namespace ?? 'default'}/${svc.name}`;
    const lb = publicLoadBalancer(svc);
    if (lb?.open) {
      const n = graph.node(`service:${name}`, 'service', `Service ${name} (LoadBalancer)`);
      const opening = lb.clients.find((c) => c.admitsAll !== undefined);
      graph.edge(internet, n, {
        text: `connects to the public load balancer of Service ${name}, open to every address`,
        rule: 'network/load-balancer-without-source-ranges',
        findings: index.ids(['network/load-balancer-without-source-ranges'], ref),
        resource: ref,
        field: opening?.field ?? 'spec.type',
        likelihood: 1,
        fixes: [{ key: `service:${name}`, text: `restrict Service ${name} to its clients (spec.loadBalancerSourceRanges) or make it internal`, cost: 1, resource: ref }],
      });
      for (const t of lbs.targetsOf(svc)) if (admitsOnTargetPorts(t.workload, svc)) exploitEdges(n, t.workload);
    } else if (spec.type === 'NodePort') {
      const n = graph.node(`service:${name}`, 'service', `Service ${name} (NodePort)`);
      graph.edge(internet, n, {
        text: `connects to node port of Service ${name} (open where the nodes have public addresses or a firewall admits it)`,
        rule: 'network/nodeport-service',
        findings: index.ids(['network/nodeport-service'], ref),
        resource: ref,
        field: 'spec.type',
        likelihood: 0.5,
        fixes: [{ key: `service:${name}`, text: `make Service ${name} a ClusterIP Service behind an Ingress or an internal load balancer`, cost: 1, resource: ref }],
      });
      for (const w of selected(svc, inNamespace)) if (admitsOnTargetPorts(w, svc)) exploitEdges(n, w);
    }
  }
  // Requests reach the pods from the controller or the Gateway, not from the Service. Where the input holds
  // the controller's pods, the model says whether they may connect to the Service's ports; else policies
  // that admit no one outside the namespace stop them, the controller running elsewhere.
  const admitsRequests = (w: Workload, svc: Resource, controllers: readonly Workload[]): boolean => {
    if (controllers.length === 0) return admitsOnTargetPorts(w, svc, true);
    const reaches = onTargetPorts(w, svc);
    return !reaches || controllers.some((c) => reaches(model.connection(c, w)));
  };
  const routedTo = (services: readonly Resource[], controllers: readonly Workload[] = []): Set<Workload> => {
    const targets = new Set<Workload>();
    for (const svc of services) for (const w of selected(svc, inNamespace)) if (admitsRequests(w, svc, controllers)) targets.add(w);
    return targets;
  };
  for (const ing of inventory.byKind('Ingress')) {
    if (!ing.apiVersion.startsWith('networking.k8s.io/') && !ing.apiVersion.startsWith('extensions/')) continue;
    const ns = ing.namespace ?? 'default';
    const name = `${ns}/${ing.name}`;
    const ref = refOf(ing);
    const controller = ingressControllerOf(inventory, ing);
    // A controller the internet cannot reach (internal load balancers only) takes no request from it.
    if (controller.internalOnly) continue;
    const backends = ingressBackends(ing).flatMap((b) => inventory.get('Service', ns, b) ?? []);
    const targets = routedTo(backends, controller.workloads);
    if (targets.size === 0) continue;
    const n = graph.node(`ingress:${name}`, 'ingress', `Ingress ${name}`);
    graph.edge(internet, n, { text: `sends requests through Ingress ${name}`, findings: [], resource: ref, field: 'spec.rules', likelihood: 1, fixes: [{ key: `ingress:${name}`, text: `put authentication in front of Ingress ${name} or remove the route`, cost: 3, resource: ref }] });
    for (const w of targets) exploitEdges(n, w);
  }
  for (const { route, gateways, services } of publicGatewayRoutes(inventory)) {
    const name = `${route.namespace ?? 'default'}/${route.name}`;
    const ref = refOf(route);
    const targets = routedTo(services, gateways.flatMap((g) => gatewayWorkloads(model.workloads, g)));
    if (targets.size === 0) continue;
    const n = graph.node(`${route.kind.toLowerCase()}:${name}`, 'ingress', `${route.kind} ${name}`);
    const through = gateways.map((g) => `${g.namespace ?? 'default'}/${g.name}`).join(', ');
    graph.edge(internet, n, {
      text: `sends requests through Gateway ${through} and ${route.kind} ${name}`,
      findings: [],
      resource: ref,
      field: 'spec.rules',
      likelihood: 1,
      fixes: [{ key: `${route.kind.toLowerCase()}:${name}`, text: `put authentication in front of ${route.kind} ${name} or detach it from public Gateways`, cost: 3, resource: ref }],
    });
    for (const w of targets) exploitEdges(n, w);
  }

  // Other namespaces: a pod elsewhere that the workload's NetworkPolicies (or their absence) let in.
  const others = graph.node(OTHER_NAMESPACES, 'other-namespaces', 'a pod of another namespace');
  for (const w of model.workloads) {
    const step = fromOtherNamespaces(w, exposure.of(w), refOf(primary(w)), index, unenforced);
    if (step) exploitEdges(others, w, step);
  }

  graph.entryEdges(internet, 'internet', PRIOR.internet);
  graph.entryEdges(others, 'other-namespaces', PRIOR['other-namespaces']);

  // Container escapes to the node, from the findings that report them.
  const node = graph.node(NODE, 'node', 'a node of the cluster');
  graph.target(node, IMPACT.node);
  const seen = new Set<string>();
  for (const esc of ESCAPES) {
    for (const f of index.ofRule(esc.rule)) {
      if (f.severity === 'info' || (esc.only && !esc.only.test(f.field ?? ''))) continue;
      const w = workloadOfRef(f.resource);
      if (!w || !escapesFromRunningContainer(f, primary(w))) continue;
      const key = `${w.label}\u0000${f.rule}\u0000${f.container ?? ''}\u0000${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      graph.edge(workloadNode(w), node, {
        text: `escapes to the node: ${f.message}`,
        rule: f.rule,
        findings: [f.id],
        resource: f.resource,
        ...(f.field !== undefined ? { field: f.field } : {}),
        likelihood: esc.unprivileged !== undefined && onlyUnprivilegedUsers(f, primary(w)) ? esc.unprivileged : esc.likelihood,
        fixes: [
          { key: `finding:${f.id}`, text: escapeFix(f, w), cost: 1, resource: f.resource, findings: [f.id] },
          // With several escapes, no one of them closes the way to the node: all of them do.
          { key: `escapes:${w.label}`, text: `remove every way out of ${w.kind} ${short(w)} to its node (privileged, host namespaces, hostPath mounts, added capabilities)`, cost: 2, resource: refOf(primary(w)) },
        ],
      });
    }
  }

  // Pods: each workload is a foothold of its own, and holds its service account's token.
  const accounts = new Set<string>();
  // The service accounts whose pods carry the workload identity webhook's token, on some node.
  const labelledAccounts = new Set<string>();
  const permissions = permissionIndexOf(inventory);
  // A workload whose account a RoleBinding or ClusterRoleBinding names calls the API server with its token
  // (a controller, an operator): taking the token away breaks it, so the fix is narrowing its grants.
  const workloadAccounts = new Set(permissions.podRunners.map((r) => subjectLabel({ kind: 'ServiceAccount', namespace: r.namespace, name: r.serviceAccount })));
  const boundAccounts = new Set(boundSubjects(inventory).flatMap((s) => (s.kind === 'ServiceAccount' ? [subjectLabel(s)] : [])));
  const callsApi = (key: string) => workloadAccounts.has(key) && boundAccounts.has(key);
  const federated = new Map<string, (typeof permissions.identityLinks)[number]>();
  for (const link of permissions.identityLinks) if (link.principal) federated.set(subjectLabel(link.serviceAccount), link);
  for (const w of model.workloads) {
    const n = workloadNode(w);
    // The cluster's own components are not footholds anyone can act on (they stay steps of other paths).
    if (w.namespace !== 'kube-system') graph.entry(n, 'pod', PRIOR.pod * standing(w));
    const r = primary(w);
    const pod = podOf(r);
    if (!pod) continue;
    const account = asString(pod.spec.serviceAccountName) || asString(pod.spec.serviceAccount) || 'default';
    const sa = inventory.get('ServiceAccount', w.namespace, account);
    const mounted = pod.spec.automountServiceAccountToken ?? sa?.object.automountServiceAccountToken;
    const key = subjectLabel({ kind: 'ServiceAccount', namespace: w.namespace, name: account });
    // The workload identity webhook projects its own token (audience api://AzureADTokenExchange) into pods
    // labelled for it, whatever automountServiceAccountToken says, and a pod may project one itself: the
    // pod holds the Azure identity.
    const link = federated.get(key);
    if (link?.principal && holdsExchangeableToken(pod)) {
      labelledAccounts.add(key);
      const to = subjectLabel(link.principal);
      const ref = refOf(r);
      graph.edge(n, graph.node(to, 'identity', nodeText(to, permissions.displayNames)), {
        text: `exchanges the workload identity token in its pods for Azure identity ${link.identityName ?? link.clientId} (client id ${link.clientId})`,
        findings: [],
        resource: ref,
        field: `${pod.metaPath}.labels`,
        likelihood: 1,
        // The same change as the grant fix of the account's own step, so keyed alike.
        fixes: [{ key: `workload-identity:${nodeText(key)}`, text: `remove the workload identity of ${nodeText(key)} (annotation azure.workload.identity/client-id) or the federated credential that trusts it`, cost: 2 }],
      });
    }
    const ref = refOf(r);
    if (mounted === false) {
      // A projected token without an audience is an API server token, automount or not.
      const projected = apiTokenVolume(pod.spec);
      if (!projected) continue;
      accounts.add(key);
      graph.edge(n, graph.node(key, 'identity', nodeText(key)), {
        text: `reads the token of ServiceAccount ${w.namespace}/${account} projected into its pods (volume ${projected.name})`,
        findings: [],
        resource: ref,
        field: `${pod.specPath}.volumes[${projected.index}]`,
        likelihood: 1,
        fixes: [{ key: `projected:${w.label}`, text: `remove projected volume ${projected.name} of ${w.kind} ${short(w)}, or give its token an audience other than the API server`, cost: 1, resource: ref }],
      });
      continue;
    }
    accounts.add(key);
    graph.edge(n, graph.node(key, 'identity', nodeText(key)), {
      text: `reads the token of ServiceAccount ${w.namespace}/${account} mounted in its pods`,
      rule: 'workload/service-account-token-with-permissions',
      findings: index.ids(['workload/service-account-token-with-permissions', 'workload/automount-service-account-token'], ref),
      resource: ref,
      field: `${pod.specPath}.automountServiceAccountToken`,
      likelihood: 1,
      fixes: callsApi(key) ? [] : [{ key: `automount:${w.label}`, text: `set automountServiceAccountToken: false in ${w.kind} ${short(w)} (when it does not call the API server)`, cost: 1, resource: ref }],
    });
  }
  // On a node, the tokens of the pods that run there are files the attacker reads.
  for (const key of [...accounts].sort())
    graph.edge(node, graph.node(key, 'identity', nodeText(key)), { text: `reads the token of ${nodeText(key)} from a pod scheduled on the node`, findings: [], likelihood: 0.5, fixes: [] });

  addAccess(graph, inventory, index, model.workloads, inNamespace, workloadNode, labelledAccounts, callsApi);
  citeStepFindings(graph);
  return graph;
}

/**
 * The step from a pod of another namespace into a workload, with what makes it possible, or undefined
 * when nothing admits such a pod: the host network, NetworkPolicies the cluster does not enforce, no
 * policy selecting the workload, or rules that admit (nearly) every namespace.
 */
function fromOtherNamespaces(w: Workload, e: WorkloadExposure, ref: ResourceRef, index: FindingIndex, unenforced: Finding | undefined): Partial<Step> | undefined {
  const name = `${w.kind} ${short(w)}`;
  if (e.hostNetwork) {
    return {
      text: `connects to ${name}, which listens on the node's network`,
      rule: 'network/host-network-bypasses-policies',
      findings: index.ids(['network/host-network-bypasses-policies'], ref),
      // On the node's network no NetworkPolicy applies: the way to close it is to leave the host network.
      fixes: [{ key: `hostnet:${w.label}`, text: `run ${name} on the pod network (hostNetwork: false), where NetworkPolicies apply`, cost: 2, resource: ref }],
    };
  }
  if (unenforced && e.ingress.isolated) {
    const cluster = unenforced.resource.name;
    return {
      text: `connects to ${name}: the NetworkPolicies that select it are not enforced, as cluster ${cluster} has no network policy engine`,
      rule: unenforced.rule,
      findings: [unenforced.id],
      resource: unenforced.resource,
      ...(unenforced.field !== undefined ? { field: unenforced.field } : {}),
      fixes: [{ key: `engine:${cluster}`, text: `enable a network policy engine on cluster ${cluster} (networkProfile.networkPolicy azure, calico or cilium, or the Cilium dataplane)`, cost: 2, resource: unenforced.resource, findings: [unenforced.id] }],
    };
  }
  const reachable = nearlyAllNamespaces(e.ingress);
  if (reachable.isEmpty()) return undefined;
  const workloadFindings = index.ids(['network/reachable-from-all-namespaces'], ref);
  if (!e.ingress.isolated) {
    // The namespace's default-deny finding stands for the workloads no policy selects there.
    const namespaceFindings = index.ofRule('network/namespace-without-default-deny-ingress').filter((f) => (f.resource.kind === 'Namespace' ? f.resource.name : f.resource.namespace) === w.namespace);
    const findings = workloadFindings.length ? workloadFindings : namespaceFindings.map((f) => f.id);
    return {
      text: `connects to ${name}, which admits every namespace: no ingress NetworkPolicy selects it`,
      ...(findings.length ? { rule: workloadFindings.length ? 'network/reachable-from-all-namespaces' : 'network/namespace-without-default-deny-ingress' } : {}),
      findings,
      resource: !workloadFindings.length && namespaceFindings[0] ? namespaceFindings[0].resource : ref,
      fixes: [{ key: `netpol:${w.label}`, text: `add a NetworkPolicy that selects ${name} and admits only its clients`, cost: 1, resource: ref }],
    };
  }
  const rules: OwnedRule[] = [...e.ingress.allNamespacesRules, ...(e.ingress.allNamespacesBut?.rules ?? [])];
  const first = rules[0]!;
  const policies = [...new Set(rules.map((r) => `${r.policy.namespace}/${r.policy.name}`))];
  return {
    text: `connects to ${name}, which admits ${everyNamespaceText(e.ingress)} (${rules.length === 1 ? 'ingress rule' : 'ingress rules'} ${listSome(rules.map(ruleName))})`,
    ...(workloadFindings.length ? { rule: 'network/reachable-from-all-namespaces' } : {}),
    findings: workloadFindings,
    resource: refOf(first.policy.resource),
    field: `spec.ingress[${first.rule.index}]`,
    fixes: [
      {
        key: `netpol-rules:${w.label}`,
        text: `narrow NetworkPolicy ${listSome(policies)} (${rules.map((r) => `spec.ingress[${r.rule.index}]`).join(', ')}) to the namespaces and pods that are clients of ${name}`,
        cost: 1,
        resource: refOf(first.policy.resource),
      },
    ],
  };
}

/**
 * A projected volume with a serviceAccountToken source and no audience: the token's audience is then
 * the API server's own, so it is as good as the automounted one.
 */
function apiTokenVolume(spec: Record<string, unknown>): { name: string; index: number } | undefined {
  const volumes = asArray(spec.volumes);
  for (let index = 0; index < volumes.length; index++) {
    const v = asObj(volumes[index]);
    const sources = asArray(asObj(v?.projected)?.sources);
    const apiToken = sources.some((src) => {
      const token = asObj(asObj(src)?.serviceAccountToken);
      return token !== undefined && (token.audience === undefined || token.audience === '');
    });
    if (v && apiToken) return { name: asString(v.name) ?? `#${index}`, index };
  }
  return undefined;
}

/** The change that removes one container escape, in words. */
function escapeFix(f: Finding, w: Workload): string {
  const where = `${w.kind} ${short(w)}`;
  const container = f.container !== undefined ? `container ${f.container} of ${where}` : where;
  switch (f.rule) {
    case 'workload/privileged-container':
      return `stop running ${container} privileged`;
    case 'workload/host-namespace':
      return `turn off ${(f.field ?? '').split('.').pop() ?? 'the host namespace'} in ${where}`;
    case 'workload/windows-host-process':
      return `run ${container} as a normal Windows container, not a HostProcess one`;
    case 'workload/dangerous-capability-added':
      return `drop the added capability from ${container} (${f.message})`;
    default:
      return `remove the hostPath mount from ${where} (${f.message})`;
  }
}

/** Per workload, the exploitable vulnerability an attacker would use first. */
function exploitsOf(inventory: Inventory, index: FindingIndex, workloadOf: (r: ResourceRef) => Workload | undefined) {
  const out = new Map<Workload, { finding: Finding; likelihood: number; text: string; fix: StepFix }>();
  for (const f of index.ofRule('image/vulnerable-package')) {
    if (f.severity !== 'critical' && f.severity !== 'high') continue;
    const fixed = asArray(f.evidence.fixedVersions).filter((v): v is string => typeof v === 'string');
    const vector = asString(asObj(f.evidence.cvss)?.vector) ?? '';
    const network = /AV:N/.test(vector);
    // Exploitable: a fix is published (so the flaw is public and understood) or it is reachable over the network.
    if (fixed.length === 0 && !network) continue;
    const likelihood = (f.severity === 'critical' ? 0.9 : 0.6) * (network || vector === '' ? 1 : 0.8);
    const id = asString(f.evidence.vulnerability) ?? f.message.split(' ')[0] ?? f.id;
    const pkg = asObj(f.evidence.package);
    const pkgText = `${asString(pkg?.name) ?? 'a package'} ${asString(pkg?.version) ?? ''}`.trim();
    const text = `exploits ${id} (${f.severity}${fixed.length ? `, fixed in ${fixed.join(', ')}` : ''}) in ${pkgText} of image ${f.resource.name}`;
    // The report knows the image's other names (its digest, its tags): a workload that pins the digest runs it too.
    const image = inventory.get(IMAGE_KIND, null, f.resource.name);
    for (const u of usersOfImage(inventory, (image && imageReportOf(image)) ?? f.resource.name)) {
      const w = workloadOf(refOf(u.resource));
      if (!w) continue;
      const best = out.get(w);
      if (best && best.likelihood >= likelihood) continue;
      out.set(w, {
        finding: f,
        likelihood,
        text,
        fix: { key: `finding:${f.id}`, text: fixed.length ? `upgrade ${pkgText.split(' ')[0]} to ${fixed[0]} in image ${f.resource.name} and roll it out` : f.remediation, cost: 2, resource: f.resource, findings: [f.id] },
      });
    }
  }
  return out;
}

/** The workloads whose pods a Service selects in its namespace; none for a Service without a selector. */
function selected(svc: Resource, byNamespace: ReadonlyMap<string, readonly Workload[]>): Workload[] {
  return (selectedBy(svc, byNamespace.get(svc.namespace ?? 'default') ?? []) ?? []).map((s) => s.workload);
}

/**
 * The pods of a Gateway where its implementation runs them in the cluster, labelled with the Gateway's
 * name (`gateway.networking.k8s.io/gateway-name`: the Istio add-on, application routing's Gateway API):
 * in the Gateway's namespace, so a policy admitting them is what lets requests in. None for
 * Application Gateway for Containers, whose proxies run outside the cluster.
 */
function gatewayWorkloads(workloads: readonly Workload[], gateway: Resource): Workload[] {
  const ns = gateway.namespace ?? 'default';
  return workloads.filter((w) => w.namespace === ns && w.groups.some((g) => g.labels[GATEWAY_NAME_LABEL] === gateway.name));
}
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** The Service names an Ingress routes to (networking.k8s.io/v1 and the older serviceName form). */
function ingressBackends(ing: Resource): string[] {
  const spec = asObj(ing.object.spec) ?? {};
  const names = new Set<string>();
  const add = (b: unknown) => {
    const o = asObj(b);
    const name = asString(asObj(o?.service)?.name) ?? asString(o?.serviceName);
    if (name) names.add(name);
  };
  add(spec.defaultBackend);
  add(spec.backend);
  for (const rule of asArray(spec.rules)) for (const p of asArray(asObj(asObj(rule)?.http)?.paths)) add(asObj(p)?.backend);
  return [...names];
}

/** The subject keys whose grants an identity holds: itself and its groups, implicit ones included. */
function applicableKeys(s: Subject): string[] {
  const self = subjectLabel(s);
  return [self, ...identityOf(s).groups.map((g) => `Group:${g}`).filter((g) => g !== self)];
}

/**
 * A change that removes a step resolves what makes the step possible: a fix that names no findings of
 * its own takes its step's, so that a report of fixes says which findings each one closes. Done once
 * the graph is whole, before anything reads it; a step shared by several edges is rewritten once.
 */
function citeStepFindings(graph: AttackGraph): void {
  const done = new Set<Step>();
  for (const { step } of graph.edges) {
    if (done.has(step)) continue;
    done.add(step);
    if (step.findings.length === 0 || step.fixes.every((f) => f.findings?.length)) continue;
    step.fixes = step.fixes.map((f) => (f.findings?.length ? f : { ...f, findings: step.findings }));
  }
}

function rbacRules(r: StepReason): string[] {
  if (r.verb === '*') return RBAC_RULES.star;
  if (r.resource === 'serviceaccounts/token') return RBAC_RULES.token;
  if (r.verb === 'impersonate') return RBAC_RULES.impersonate;
  if (r.verb === 'bind' || r.verb === 'escalate') return RBAC_RULES.bind;
  if (r.resource === 'secrets') return RBAC_RULES.secrets;
  // A shell in a running pod (exec, attach, an ephemeral container) is its own rule's, whatever verb grants it.
  if (EXEC_SUBRESOURCES.has(r.resource)) return RBAC_RULES.exec;
  if (POD_RUNNERS.has(`${r.verb} ${r.resource}`)) return RBAC_RULES.pods;
  return [];
}

const EXEC_SUBRESOURCES: ReadonlySet<string> = new Set(['pods/exec', 'pods/attach', 'pods/ephemeralcontainers']);

/** What rbac/can-create-pods reports: create on pods, create, patch or update on a workload controller. */
const POD_RUNNERS: ReadonlySet<string> = new Set(['create pods', ...['create', 'patch', 'update'].flatMap((verb) => WORKLOAD_CONTROLLERS.map((c) => `${verb} ${c.resource}`))]);

function rbacLikelihood(r: StepReason): number {
  if (r.identity || r.verb === '*' || r.verb === 'impersonate' || r.resource === 'serviceaccounts/token' || r.resource === 'secrets') return 1;
  if (r.resource === 'managedClusters') return 0.8;
  return 0.9;
}

/** The resource a grant is written in: a binding, or an Azure role assignment. */
function bindingResource(b: NonNullable<StepReason['binding']>): ResourceRef | undefined {
  if (b.kind === 'RoleBinding' || b.kind === 'ClusterRoleBinding') return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: b.kind, namespace: b.namespace, name: b.name };
  if (b.kind === 'AzureRoleAssignment' || b.kind === 'AksLocalAdminCredential') return { apiVersion: 'Microsoft.Authorization', kind: ROLE_ASSIGNMENT_KIND, namespace: null, name: b.name };
  return undefined;
}

/** Azure grants and workload identities: the assignment or the federation is the change. */
function azureGrantFix(subject: string, r: StepReason): StepFix[] {
  if (r.identity) return [{ key: `workload-identity:${subject}`, text: `remove the workload identity of ${subject} (annotation azure.workload.identity/client-id) or the federated credential that trusts it`, cost: 2 }];
  const b = r.binding;
  if (!b || b.kind === 'AksAdminGroups') return [];
  const resource = bindingResource(b);
  const where = `Azure role assignment ${b.name} (${r.role?.name ?? ''} at ${azureScopeText(b.scope)})`;
  return [{ key: `grant:${b.kind}/${b.namespace ?? ''}/${b.name}`, text: `remove ${where}, or narrow its role ${r.role?.name ?? ''} to what its subjects need`.replace(/ +,/g, ','), cost: 2, ...(resource ? { resource } : {}) }];
}

/** Pod-creating permissions: create on pods and workload controllers, patch and update on controllers (their pod template). */
const POD_CREATING: ReadonlyArray<{ resource: string; apiGroup: string; verbs: readonly string[] }> = [
  { resource: 'pods', apiGroup: '', verbs: ['create'] },
  ...WORKLOAD_CONTROLLERS.map((c) => ({ resource: c.resource, apiGroup: c.apiGroup, verbs: ['create', 'patch', 'update'] })),
];

const has = (xs: readonly string[], v: string) => xs.includes('*') || xs.includes(v);

/** `create jobs; patch deployments, statefulsets`: the pod-creating permissions the rules hold, each verb once. */
function podCreatingText(rules: readonly PolicyRule[]): string | undefined {
  const byVerb = new Map<string, string[]>();
  for (const p of POD_CREATING) {
    for (const verb of p.verbs) {
      if (!rules.some((r) => has(r.verbs, verb) && has(r.apiGroups, p.apiGroup) && has(r.resources, p.resource))) continue;
      const list = byVerb.get(verb);
      if (list) list.push(p.resource);
      else byVerb.set(verb, [p.resource]);
    }
  }
  if (byVerb.size === 0) return undefined;
  const byResources = new Map<string, string[]>();
  for (const verb of ['create', 'patch', 'update']) {
    const resources = byVerb.get(verb)?.join(', ');
    if (resources === undefined) continue;
    const verbs = byResources.get(resources);
    if (verbs) verbs.push(verb);
    else byResources.set(resources, [verb]);
  }
  return [...byResources].map(([resources, verbs]) => `${verbs.join(', ')} ${resources}`).join('; ');
}

/** What kind of permission a step uses: steps of one kind through one role go together when the role is narrowed. */
function permissionKind(r: StepReason): string {
  if (r.verb === '*' && r.resource === '*') return '*';
  if (POD_CREATING.some((p) => p.resource === r.resource && p.verbs.includes(r.verb))) return 'pods';
  if (r.resource === 'secrets' && r.verb !== 'create') return 'read secrets';
  return `${r.verb} ${r.resource}`;
}

/**
 * The roles every cluster shares (cluster-admin, admin, edit, view, the system: ones): narrowing one
 * changes every binding of it, so the fix is binding the subject to a narrower role instead.
 */
function isSharedRole(role: RoleRef): boolean {
  return role.kind === 'ClusterRole' && (role.builtin === true || DEFAULT_CLUSTER_ROLES.has(role.name) || role.name === CLUSTER_ADMIN || role.name.startsWith('system:'));
}

/** Looks up what a grant's role holds, and whether a subject is a workload's own account. */
interface GrantContext {
  rulesOf(role: RoleRef, namespace: string | null): readonly PolicyRule[];
  /** The service account some workload of the input runs as, bound to roles it uses: a controller calling the API. */
  isWorkloadAccount(key: string): boolean;
  findings(rules: readonly string[], resource: ResourceRef): string[];
}

/**
 * The changes that remove an RBAC step: narrowing the rule of the role that grants it (the permission
 * the step uses, and every other of its kind in that role, which would take the same step), or, for a
 * role the cluster shares, binding the subject to a narrower one. Removing the whole binding is offered
 * only for people and groups: a controller's binding is what it runs on, and removing it stops the
 * controller rather than the step.
 */
function grantFixes(from: string, r: StepReason, ctx: GrantContext): StepFix[] {
  const subject = nodeText(workloadIdentityAccount(from) ?? from);
  const b = r.binding;
  if (!b || r.identity || (b.kind !== 'RoleBinding' && b.kind !== 'ClusterRoleBinding') || !r.role) return azureGrantFix(subject, r);
  const bindingRef = bindingResource(b)!;
  const where = b.kind === 'RoleBinding' ? `RoleBinding ${b.namespace}/${b.name}` : `ClusterRoleBinding ${b.name}`;
  const role = `${r.role.kind} ${r.role.name}`;
  const kind = permissionKind(r);
  const rules = ctx.rulesOf(r.role, b.namespace);
  const held = kind === 'pods' ? (podCreatingText(rules) ?? `${r.verb} ${r.resource}`) : kind === 'read secrets' ? 'get, list and watch on secrets' : kind === '*' ? '* on *' : kind;
  const findings = ctx.findings(rbacRules(r), bindingRef);
  const out: StepFix[] = [];
  if (isSharedRole(r.role)) {
    out.push({ key: `rebind:${b.kind}/${b.namespace ?? ''}/${b.name}:${kind}`, text: `bind ${subject} to a role without ${held} instead of ${role} (${where})`, cost: 2, resource: bindingRef, findings });
  } else {
    const roleRef: ResourceRef = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: r.role.kind, namespace: r.role.kind === 'Role' ? b.namespace : null, name: r.role.name };
    const text =
      kind === '*'
        ? `narrow ${role} (${where}) from * on * to the verbs and resources its subjects use`
        : kind === 'read secrets' && r.namespace !== null && b.kind === 'ClusterRoleBinding'
          ? `narrow ${role} (${where}) so it reads no Secret of ${r.namespace}: grant get, list and watch on secrets through RoleBindings in the namespaces it needs, or by resourceNames`
          : `remove ${held} from ${role} (${where})`;
    out.push({ key: `narrow:${roleRef.kind}/${roleRef.namespace ?? ''}/${r.role.name}:${kind}`, text, cost: 2, resource: roleRef, findings });
  }
  if (!ctx.isWorkloadAccount(from)) out.push({ key: `grant:${b.kind}/${b.namespace ?? ''}/${b.name}`, text: `remove ${where}`, cost: 3, resource: bindingRef });
  return out;
}

/** Access: the escalation graph of the permission index, reading secrets and exec, Azure identities and the API server. */
function addAccess(
  graph: AttackGraph,
  inventory: Inventory,
  index: FindingIndex,
  workloads: readonly Workload[],
  byNamespace: ReadonlyMap<string, readonly Workload[]>,
  workloadNode: (w: Workload) => number,
  labelledAccounts: ReadonlySet<string>,
  callsApi: (key: string) => boolean,
): void {
  const permissions = permissionIndexOf(inventory);
  // The escalation rule has usually built this graph already: the same one, shared.
  const escalation = escalationGraph(permissions, boundSubjects(inventory));
  const names = permissions.displayNames;
  const roles = new Map<string, readonly PolicyRule[]>();
  const grantContext: GrantContext = {
    rulesOf: (role, namespace) => {
      const key = `${role.kind}/${namespace ?? ''}/${role.name}`;
      let rules = roles.get(key);
      if (!rules) roles.set(key, (rules = roleRules(inventory, permissions, role, namespace)));
      return rules;
    },
    isWorkloadAccount: (key) => callsApi(key),
    findings: (rules, resource) => index.ids(rules, resource),
  };
  const identity = (key: string) => graph.find(key) ?? graph.node(key, key === CLUSTER_ADMIN ? 'cluster-admin' : key.startsWith('namespace-admin:') ? 'namespace-admin' : 'identity', nodeText(key, names));
  // One subject's grant used in many places (create pods cluster-wide: an edge to every service
  // account of every namespace) is one step per namespace, shared by its edges rather than rebuilt
  // for each. The key holds every field of the reason the step reads; bindings and roles by identity,
  // as the grants hand the same objects to every reason made from them.
  const steps = new Map<string, Step>();
  const refIds = new Map<object, number>();
  const refId = (o: object | null) => {
    if (o === null) return -1;
    let id = refIds.get(o);
    if (id === undefined) refIds.set(o, (id = refIds.size));
    return id;
  };
  const step = (from: string, r: StepReason): Step => {
    const key = [from, r.verb, r.resource, r.apiGroup, r.namespace ?? '\u0001', refId(r.binding), refId(r.role), r.through ? subjectLabel(r.through) : '', r.identity ? `${r.identity.clientId}\u0001${r.identity.name ?? ''}` : ''].join('\u0000');
    let s = steps.get(key);
    if (!s) steps.set(key, (s = makeStep(from, r)));
    return s;
  };
  const makeStep = (from: string, r: StepReason): Step => {
    const resource = r.binding ? bindingResource(r.binding) : undefined;
    const rules = rbacRules(r);
    const through = r.through ? ` through ${nodeText(subjectLabel(r.through))}` : '';
    const b = r.binding;
    const granted = b && (b.kind === 'RoleBinding' || b.kind === 'ClusterRoleBinding') ? ` (${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}${through})` : through ? ` (${through.trim()})` : '';
    const findings = resource ? index.ids(rules, resource) : [];
    // A step no rule reports (an admin group, a grant of an Azure role) names its fact, not a rule.
    const rule = findings.length ? rules.find((id) => index.ids([id], resource!).length > 0) : undefined;
    return {
      text: `${reasonText(r)}${granted}`,
      ...(rule ? { rule } : {}),
      findings,
      ...(resource ? { resource } : {}),
      ...(r.binding?.field ? { field: r.binding.field } : {}),
      likelihood: rbacLikelihood(r),
      fixes: grantFixes(from, r, grantContext),
    };
  };
  // Entra exchanges only a token for api://AzureADTokenExchange, never the API server token a pod
  // automounts: the escalation graph hangs the Azure identity of a federated account off a node of its
  // own (workloadIdentityKey), which those who mint the account's tokens reach, and its holders do not;
  // pods labelled for workload identity and nodes reach it here.
  const federatedAccounts = new Set<string>();
  for (const from of escalation.edges.keys()) {
    const account = workloadIdentityAccount(from);
    if (account !== undefined) federatedAccounts.add(account);
  }
  const exchangeable = (account: string) => identity(workloadIdentityKey(account));
  let admins = false;
  for (const [from, edges] of escalation.edges) {
    for (const e of edges) {
      if (e.to === CLUSTER_ADMIN) admins = true;
      graph.edge(identity(from), identity(e.to), step(from, e.because));
    }
  }
  if (admins) graph.target(identity(CLUSTER_ADMIN), IMPACT.clusterAdmin);
  // A node holds the projected azure-identity-token of each labelled pod it runs; where they run is not known, so any node.
  const onNode = graph.find(NODE);
  if (onNode !== undefined) {
    for (const account of [...labelledAccounts].sort()) {
      if (!federatedAccounts.has(account)) continue;
      graph.edge(onNode, exchangeable(account), { text: `reads the workload identity token (azure-identity-token) of a pod of ${nodeText(account)} scheduled on the node`, findings: [], likelihood: 0.5, fixes: [] });
    }
  }

  // Subjects by the keys they hold grants under, to hand each grant to everyone it applies to.
  const holders = new Map<string, string[]>();
  for (const [key, s] of escalation.subjects) {
    for (const k of applicableKeys(s)) {
      const list = holders.get(k);
      if (list) list.push(key);
      else holders.set(k, [key]);
    }
  }
  const holding = (grants: readonly Grant[]) => {
    const out = new Map<string, Grant>();
    for (const g of grants) {
      const sub = g.subject.kind === 'User' && g.subject.name.startsWith('system:serviceaccount:') ? (parseSubject(g.subject.name) ?? g.subject) : g.subject;
      for (const key of holders.get(subjectLabel(sub.kind === 'ServiceAccount' ? { ...sub, namespace: sub.namespace ?? 'default' } : sub)) ?? []) if (!out.has(key)) out.set(key, g);
    }
    return out;
  };
  const reasonOf = (key: string, g: Grant, verb: string, resource: string, namespace: string | null): StepReason => ({
    verb,
    resource,
    apiGroup: '',
    namespace,
    binding: g.via.binding,
    role: g.via.role,
    ...(subjectLabel(g.subject) !== key ? { through: g.subject } : {}),
  });

  // Secrets of kube-system: service account tokens, bootstrap tokens and the credentials of the add-ons.
  // watch streams each Secret whole, as list does.
  const secretGrants = holding(['get', 'list', 'watch'].flatMap((verb) => permissions.whoCan({ verb, resource: 'secrets', namespace: 'kube-system' })));
  const nsAdmin = graph.find(namespaceAdminKey('kube-system'));
  if (secretGrants.size || nsAdmin !== undefined) {
    const secrets = graph.node(KUBE_SYSTEM_SECRETS, 'secrets', 'the secrets of kube-system');
    graph.target(secrets, IMPACT.secrets);
    for (const [key, g] of secretGrants) {
      if (escalation.adminGrant(key)) continue;
      const r = reasonOf(key, g, g.via.role.kind === 'AzureRole' ? 'read' : 'get', 'secrets', 'kube-system');
      const s = step(key, r);
      const found = s.resource ? index.ids(RBAC_RULES.secrets, s.resource) : [];
      // Holding get, list or watch on them is reading them: nothing is left to chance once the grant is held.
      graph.edge(identity(key), secrets, { ...s, text: `reads secrets in kube-system (${roleText(g)})${r.through ? ` (through ${nodeText(subjectLabel(r.through))})` : ''}`, ...(found.length ? { rule: 'rbac/can-read-secrets' } : {}), findings: found, likelihood: 1 });
    }
    if (nsAdmin !== undefined) graph.edge(nsAdmin, secrets, { text: 'reads secrets in kube-system as its admin', findings: [], likelihood: 1, fixes: [] });
  }

  // Exec into the pods of a namespace (or of every one): its workloads, and what they hold. Grants are
  // handed to their holders once per scope, not once per namespace they cover.
  const execGrants = new Map<string, Grant[]>();
  for (const g of permissions.whoCan({ verb: 'create', resource: 'pods', subresource: 'exec' })) {
    if (g.scope !== 'cluster' && !byNamespace.has(g.scope)) continue;
    const list = execGrants.get(g.scope);
    if (list) list.push(g);
    else execGrants.set(g.scope, [g]);
  }
  // A workload reached from several scopes (its namespace and every namespace) takes the same step from each.
  const shells = new Map<Workload, Step>();
  const shell = (w: Workload): Step => {
    let s = shells.get(w);
    if (!s) shells.set(w, (s = { text: `runs commands in ${w.kind} ${short(w)}`, findings: [], likelihood: 1, fixes: [] }));
    return s;
  };
  const execNode = (scope: string): number => {
    const id = `exec:${scope === 'cluster' ? '*' : scope}`;
    const known = graph.find(id);
    if (known !== undefined) return known;
    const n = graph.node(id, 'exec', scope === 'cluster' ? 'a shell in any pod' : `a shell in any pod of ${scope}`);
    const targets = scope === 'cluster' ? workloads : (byNamespace.get(scope) ?? []);
    for (const w of targets) graph.edge(n, workloadNode(w), shell(w));
    return n;
  };
  for (const scope of [...execGrants.keys()].sort()) {
    const where = scope === 'cluster' ? 'every namespace' : scope;
    for (const [key, g] of holding(execGrants.get(scope)!)) {
      if (escalation.adminGrant(key)) continue;
      const r = reasonOf(key, g, 'create', 'pods/exec', scope === 'cluster' ? null : scope);
      const s = step(key, r);
      const found = s.resource ? index.ids(RBAC_RULES.exec, s.resource) : [];
      graph.edge(identity(key), execNode(scope), { ...s, text: `execs into pods in ${where} (${roleText(g)})${r.through ? ` (through ${nodeText(subjectLabel(r.through))})` : ''}`, ...(found.length ? { rule: 'rbac/can-exec-into-pods' } : {}), findings: found, likelihood: 0.9 });
    }
  }

  // Azure identities whose role assignments reach a whole subscription (or more).
  const servicePrincipals = new Set<string>(permissions.identityLinks.flatMap((l) => (l.principal ? [subjectLabel(l.principal)] : [])));
  const node = graph.find(NODE);
  for (const c of CLUSTER_KINDS.flatMap((k) => inventory.byKind(k))) {
    const cluster = aksClusterOf(c, inventory);
    if (!cluster) continue;
    const profile = cluster.get('identityProfile');
    const kubelet = asObj(asObj(profile.known ? profile.value : undefined)?.kubeletidentity);
    const objectId = asString(kubelet?.objectId);
    if (node !== undefined && objectId) {
      const key = subjectLabel({ kind: 'User', name: objectId });
      servicePrincipals.add(key);
      graph.edge(node, graph.node(key, 'identity', `kubelet identity of ${cluster.name} (${objectId})`), {
        text: `takes a token of the kubelet identity from the instance metadata service`,
        resource: refOf(c),
        field: profile.field,
        findings: [],
        likelihood: 1,
        fixes: [],
      });
    }
    const findings = index.ids(['aks/api-server-publicly-reachable'], refOf(c), (f) => f.severity !== 'info');
    if (findings.length) {
      const api = graph.node(API_SERVER, 'api-server', `the public API server of ${cluster.name}`);
      for (const [key, s] of escalation.subjects) {
        if (!isHumanEntry(s, servicePrincipals) || (graph.find(key) === undefined && !escalation.edges.get(key)?.length)) continue;
        graph.edge(api, identity(key), {
          text: 'signs in to the public API server with a stolen credential',
          rule: 'aks/api-server-publicly-reachable',
          findings,
          resource: refOf(c),
          likelihood: 0.5,
          fixes: [{ key: `api-server:${cluster.name}`, text: `make ${cluster.name} a private cluster or set authorized IP ranges on its API server`, cost: 2, resource: refOf(c) }],
        });
      }
    }
  }
  for (const r of inventory.byKind(ROLE_ASSIGNMENT_KIND)) {
    const a = roleAssignmentOf(r);
    if (!a || !/^\/subscriptions\/[^/]+\/?$|^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+\/?$|^\/$/i.test(a.scope)) continue;
    const key = subjectLabel(principalSubject(a));
    if (a.principalType.toLowerCase() === 'serviceprincipal') servicePrincipals.add(key);
    if (!servicePrincipals.has(key)) continue;
    const from = graph.find(key);
    if (from === undefined) continue;
    const label = names.get(a.principalId) ?? a.principalName ?? a.principalId;
    const jewel = graph.node(`azure:${a.principalId}`, 'azure-identity', `Azure identity ${label} with roles on ${azureScopeText(a.scope)}`);
    graph.target(jewel, IMPACT.azure);
    const guid = (a.roleDefinitionId.split('/').pop() ?? '').toLowerCase();
    const role = a.roleName ?? BUILTIN_AZURE_ROLES.get(guid)?.name ?? guid;
    graph.edge(from, jewel, {
      text: `holds Azure role ${role} at ${azureScopeText(a.scope)}`,
      resource: refOf(r),
      findings: [],
      likelihood: 1,
      fixes: [{ key: `grant:AzureRoleAssignment//${a.name}`, text: `remove Azure role assignment ${a.name} (${role} at ${azureScopeText(a.scope)}) or narrow it to a resource group`, cost: 2, resource: refOf(r) }],
    });
  }

  const api = graph.find(API_SERVER);
  if (api !== undefined) graph.entryEdges(api, 'api-server', PRIOR['api-server']);

  // Compromised identities: people and groups (not the control plane's own, not Azure services).
  for (const [key, s] of escalation.subjects) {
    const n = graph.find(key);
    if (n === undefined || !isHumanEntry(s, servicePrincipals)) continue;
    graph.entry(n, 'identity', PRIOR.identity);
  }
}

/** `ClusterRole view`, `Azure role Azure Kubernetes Service RBAC Admin`. */
function roleText(g: Grant): string {
  return g.via.role.kind === 'AzureRole' ? `Azure role ${g.via.role.name}` : `${g.via.role.kind} ${g.via.role.name}`;
}

function isHumanEntry(s: Subject, servicePrincipals: ReadonlySet<string>): boolean {
  if (s.kind === 'ServiceAccount' || s.name.startsWith('system:')) return false;
  return !servicePrincipals.has(subjectLabel(s));
}

/**
 * The rules of a role as the index reads them: a ClusterRole's from the index (aggregation included,
 * a default role's bootstrap rules when the input binds it without defining it), or a Role's in its
 * namespace, read from the Role itself as the index keeps no Role's rules apart from its bindings.
 */
function roleRules(inventory: Inventory, permissions: PermissionIndex, role: RoleRef, namespace: string | null): readonly PolicyRule[] {
  if (role.kind === 'ClusterRole') return permissions.clusterRoleRules(role.name) ?? [];
  const raw = inventory.get('Role', namespace, role.name);
  return asArray(raw?.object.rules).flatMap((x) => {
    const o = asObj(x);
    if (!o) return [];
    const list = (v: unknown) => asArray(v).filter((e): e is string => typeof e === 'string');
    return [{ verbs: list(o.verbs), apiGroups: list(o.apiGroups), resources: list(o.resources), resourceNames: list(o.resourceNames), nonResourceURLs: list(o.nonResourceURLs) }];
  });
}
