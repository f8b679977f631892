import { listSome } from '../../../analyses/network/exposure.js';
import { otherPoliciesIn, otherPolicyLabel, type OtherPolicyInNamespace } from '../../../analyses/network/other-policies.js';
import { parseCidr, parseIp, rangesContain } from '../../../analyses/network/ip.js';
import { ConnectionSet } from '../../../analyses/network/ports.js';
import { allowsEverything, isDefaultDeny, selectsEveryPod, type Direction, type NetworkPolicyModel, type PolicyRule } from '../../../analyses/network/policy.js';
import { aksManagedReason } from '../../../core/aks-managed.js';
import { asArray, asObj, asString } from '../../../core/resource.js';
import type { FrameworkRef } from '../../../core/frameworks.js';
import type { Inventory } from '../../../core/inventory.js';
import type { Resource } from '../../../core/resource.js';
import { Memo } from '../../../core/memo.js';
import { defineRule, type Rule, type RuleContext } from '../../../core/rule.js';
import type { RuleSettings } from '../../../core/settings.js';
import type { Severity } from '../../../core/severity.js';
import { POD_BEARING_KINDS, type PodView } from '../../../core/workload.js';
import { namespaceGroups, namespaceKey, openPodReasons, selectsAnyPod, selectsPod, workloadName, type NamespaceGroup } from './namespace-groups.js';
import { policiesVerify } from './workload-exposure.js';

// kube-system runs AKS's own components, which AKS reconciles: a default deny there is AKS's decision
// and would cut off CoreDNS, konnectivity and the add-ons. kube-public and kube-node-lease hold no pods.
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

const WORDS: Record<Direction, { type: string; open(n: number): string }> = {
  ingress: { type: 'Ingress', open: (n) => `${n === 1 ? 'accepts' : 'accept'} connections from any pod in the cluster` },
  egress: { type: 'Egress', open: () => 'can connect to any address, in the cluster or outside it' },
};

// One finding stands for the whole namespace, so it names a few more workloads than a workload's own finding does.
const LISTED = 5;

export interface DefaultDenyRuleDefinition {
  direction: Direction;
  id: string;
  title: string;
  description: string;
  remediation: string;
  frameworks: FrameworkRef[];
  /** Whether the settings ask for this check. */
  enabled(settings: RuleSettings): boolean;
}

/** The namespace's pods on the pod network and its policies in `direction`. */
interface LackingDefaultDeny {
  pods: readonly PodView[];
  policies: NetworkPolicyModel[];
}

/**
 * A value of the namespace `key` in `direction`, made once per scan: every workload of a namespace asks
 * the same questions, and answering them anew for each is quadratic in the namespace's pods.
 */
function perNamespace<V>(memo: Memo<Inventory, Map<string, V>>, inventory: Inventory, key: string, direction: Direction, make: () => V): V {
  const values = memo.of(inventory, () => new Map());
  const k = `${direction}\u0000${key}`;
  if (values.has(k)) return values.get(k) as V;
  const value = make();
  values.set(k, value);
  return value;
}

const LACKING = new Memo<Inventory, Map<string, LackingDefaultDeny | undefined>>();

/**
 * The namespace's pods on the pod network and its policies in `direction`, when it has pods there and no
 * default deny in that direction; undefined when there is nothing to report: kube-system and the other
 * system namespaces, a namespace without such pods, or holding only AKS's own components.
 */
function lacksDefaultDeny(inventory: Inventory, key: string, direction: Direction): LackingDefaultDeny | undefined {
  return perNamespace(LACKING, inventory, key, direction, () => findLackOfDefaultDeny(inventory, key, direction));
}

function findLackOfDefaultDeny(inventory: Inventory, key: string, direction: Direction): LackingDefaultDeny | undefined {
  if (SYSTEM_NAMESPACES.has(key)) return undefined;
  const group = namespaceGroups(inventory).get(key);
  // Host-network pods are outside every NetworkPolicy: a default deny would not change them.
  const pods = group?.podNetwork ?? [];
  if (!group || pods.length === 0) return undefined;
  // An add-on namespace (gatekeeper-system, app-routing-system, ...) holding only AKS's own components.
  if (pods.every((p) => aksManagedReason(p.resource) !== undefined)) return undefined;
  const policies = group.policies.filter((p) => p.affects[direction]);
  return policies.some((p) => deniesByDefault(p, direction)) ? undefined : { pods, policies };
}

const DNS = ConnectionSet.of('UDP', 53).union(ConnectionSet.of('TCP', 53));

/**
 * A default deny; for egress also one that allows DNS alone (port 53, UDP or TCP), the common
 * `default-deny-allow-dns` policy: pods cannot resolve names without it, and it is what the fix asks for.
 */
function deniesByDefault(policy: NetworkPolicyModel, direction: Direction): boolean {
  if (isDefaultDeny(policy, direction)) return true;
  if (direction !== 'egress' || !policy.affects.egress || !selectsEveryPod(policy)) return false;
  return policy.egress.every((r) => r.ports.named.length === 0 && !r.ports.fixed.isEmpty() && r.ports.fixed.union(DNS).key() === DNS.key());
}

// Azure's instance metadata service: it hands out the node's managed identity tokens.
const METADATA_ENDPOINT = parseIp('169.254.169.254')!;
const LINK_LOCAL = parseCidr('169.254.0.0/16')!;

/** An egress rule to link-local ipBlocks that hold the metadata endpoint, and nothing else. */
function opensMetadataEndpointOnly(rule: PolicyRule): boolean {
  if (rule.peers === 'any' || rule.peers.length === 0) return false;
  return rule.peers.every(
    (p) =>
      p.kind === 'ipBlock' &&
      rangesContain(p.ranges, METADATA_ENDPOINT.family, METADATA_ENDPOINT.value) &&
      p.ranges.every((r) => r.family === LINK_LOCAL.family && r.start >= LINK_LOCAL.start && r.end <= LINK_LOCAL.end),
  );
}

/**
 * The policies of the namespace that would be its egress default deny but for rules that open the metadata
 * endpoint: why they do not count is worth saying, as the endpoint is what a compromised pod asks first.
 */
function metadataEndpointOpeners(policies: readonly NetworkPolicyModel[], direction: Direction): NetworkPolicyModel[] {
  if (direction !== 'egress') return [];
  return policies.filter(
    (p) => p.egress.some(opensMetadataEndpointOnly) && deniesByDefault({ ...p, egress: p.egress.filter((r) => !opensMetadataEndpointOnly(r)) }, direction),
  );
}

/** A default deny without a namespace is applied wherever its manifest is: it may well cover any namespace. */
function floatingDefaultDeny(inventory: Inventory, direction: Direction): NetworkPolicyModel | undefined {
  return namespaceGroups(inventory).get('')?.policies.find((p) => deniesByDefault(p, direction));
}

/**
 * Whether the default-deny rule of `direction` reports the namespace as medium, naming its open workloads:
 * a workload rule finding one of them open leaves it to that finding when the rule runs.
 */
export function namespaceNamesOpenWorkloads(inventory: Inventory, key: string, direction: Direction): boolean {
  return perNamespace(
    NAMES_OPEN,
    inventory,
    key,
    direction,
    () =>
      key !== '' &&
      lacksDefaultDeny(inventory, key, direction) !== undefined &&
      floatingDefaultDeny(inventory, direction) === undefined &&
      otherPoliciesIn(inventory, key, direction).length === 0,
  );
}

const NAMES_OPEN = new Memo<Inventory, Map<string, boolean>>();

/**
 * Whether the default-deny rule of `direction` reports the namespace as medium and names this workload
 * among its open ones (no policy selects it, or one opens it entirely).
 */
export function namespaceNamesOpenWorkload(inventory: Inventory, key: string, direction: Direction, workload: Resource): boolean {
  return namespaceNamesOpenWorkloads(inventory, key, direction) && openWorkloadsOf(inventory, key, direction).resources.has(workload);
}

/** The policies of `direction` that select some pod of the namespace, and those of them that allow everything. */
function selectingPolicies(group: NamespaceGroup, policies: readonly NetworkPolicyModel[], direction: Direction): { selecting: NetworkPolicyModel[]; allowAll: NetworkPolicyModel[] } {
  // Policies that select no pod of the namespace cannot isolate any: leave them out before matching pod by pod.
  const selecting = policies.filter((p) => selectsAnyPod(p, group));
  return { selecting, allowAll: selecting.filter((p) => allowsEverything(p, direction)) };
}

/** The open workloads of a namespace: those no policy selects, and those a policy allowing everything opens. */
interface OpenWorkloads {
  unselected: string[];
  opened: Array<{ workload: string; by: string[]; restrictedBy: string[] }>;
  /** The objects of both lists. */
  resources: ReadonlySet<Resource>;
}

const OPEN = new Memo<Inventory, Map<string, OpenWorkloads>>();

/** The open workloads of a namespace lacking a default deny in `direction`; none for one that does not lack it. */
function openWorkloadsOf(inventory: Inventory, key: string, direction: Direction): OpenWorkloads {
  return perNamespace(OPEN, inventory, key, direction, () => findOpenWorkloads(inventory, key, direction));
}

function findOpenWorkloads(inventory: Inventory, key: string, direction: Direction): OpenWorkloads {
  const resources = new Set<Resource>();
  const out: OpenWorkloads = { unselected: [], opened: [], resources };
  const lacking = lacksDefaultDeny(inventory, key, direction);
  const group = namespaceGroups(inventory).get(key);
  if (!lacking || !group) return out;
  const { selecting, allowAll } = selectingPolicies(group, lacking.policies, direction);
  for (const pod of lacking.pods) {
    const { unselected, openedBy } = openPodReasons(pod, group, selecting, allowAll);
    if (unselected) out.unselected.push(workloadName(pod));
    else if (openedBy.length > 0) {
      const restrictedBy = selecting.filter((p) => !allowAll.includes(p) && selectsPod(p, pod, group));
      out.opened.push({ workload: workloadName(pod), by: openedBy.map((p) => p.name), restrictedBy: restrictedBy.map((p) => p.name) });
    }
    if (unselected || openedBy.length > 0) resources.add(pod.resource);
  }
  return out;
}

/**
 * `Deployment/c is restricted by deny but opened by c-any, which allows all egress`: one clause per set of
 * opening policies, naming the restricting ones when the workloads of the clause share them.
 */
function openedText(opened: OpenWorkloads['opened'], direction: Direction): string {
  const byPolicies = new Map<string, OpenWorkloads['opened']>();
  for (const o of opened) {
    const key = o.by.join('\u0000');
    byPolicies.set(key, [...(byPolicies.get(key) ?? []), o]);
  }
  return [...byPolicies.values()]
    .map((group) => {
      const first = group[0]!;
      const restrictedBy = group.every((o) => o.restrictedBy.join('\u0000') === first.restrictedBy.join('\u0000')) ? first.restrictedBy : [];
      const restricted = restrictedBy.length ? `restricted by ${listSome(restrictedBy, LISTED)} but ` : '';
      const verb = group.length === 1 ? 'is' : 'are';
      return `${listSome(group.map((o) => o.workload), LISTED)} ${verb} ${restricted}opened by ${listSome(first.by, LISTED)}, which ${first.by.length === 1 ? 'allows' : 'allow'} all ${direction}`;
    })
    .join('; ');
}

/**
 * `GlobalNetworkPolicy a applies here too and may deny by default`, saying of those whose selector is
 * not read that they may apply.
 */
function otherPoliciesText(other: readonly OtherPolicyInNamespace[]): string {
  const decided = other.filter((p) => p.decided).map(otherPolicyLabel);
  const undecided = other.filter((p) => !p.decided).map(otherPolicyLabel);
  const parts: string[] = [];
  if (decided.length) parts.push(`${listSome(decided, LISTED)} ${decided.length === 1 ? 'applies' : 'apply'} here too`);
  if (undecided.length) parts.push(`${listSome(undecided, LISTED)} may apply here (${undecided.length === 1 ? 'its selector is' : 'their selectors are'} not read)`);
  return `${parts.join(' and ')} and may deny by default`;
}

/** The Services of a namespace that admission webhook configurations call: `Service name (webhook configuration)`. */
function webhookServicesIn(inventory: Inventory, namespace: string): string[] {
  const out = new Set<string>();
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    for (const config of inventory.byKind(kind)) {
      for (const hook of asArray(config.object.webhooks)) {
        const svc = asObj(asObj(asObj(hook)?.clientConfig)?.service);
        if (svc && asString(svc.namespace) === namespace && asString(svc.name)) out.add(`Service ${asString(svc.name)!} (${config.name})`);
      }
    }
  }
  return [...out].sort();
}

/**
 * Reports a namespace with workloads where no NetworkPolicy denies one direction by default. One
 * finding per namespace, on its Namespace object when the scan has it — the namespace is what the
 * policy belongs to — and otherwise on the first workload of the namespace, so that the finding still
 * points at a file that deploys into it.
 */
export function defaultDenyRule(def: DefaultDenyRuleDefinition): Rule {
  const { direction } = def;
  const words = WORDS[direction];
  const expected = `a NetworkPolicy with podSelector: {}, policyTypes: [${words.type}] and no ${direction} rules`;
  return defineRule({
    meta: {
      id: def.id,
      title: def.title,
      severity: 'medium',
      pillar: 'network',
      frameworks: def.frameworks,
      description: def.description,
      remediation: def.remediation,
      references: [
        'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
        'https://learn.microsoft.com/azure/aks/network-policy-best-practices',
      ],
    },
    target: { kinds: ['Namespace', ...POD_BEARING_KINDS] },
    check(ctx) {
      if (!def.enabled(ctx.settings)) return;
      const key = namespaceKey(ctx.resource);
      const lacking = lacksDefaultDeny(ctx.inventory, key, direction);
      if (!lacking) return;
      const { pods, policies } = lacking;
      // Every workload of a namespace asks; only the one that carries the finding goes on.
      if (ctx.resource.kind !== 'Namespace' && pods[0]?.resource !== ctx.resource) return;
      const namespace = key === '' ? undefined : ctx.inventory.get('Namespace', null, key);
      if (ctx.resource.kind === 'Namespace' ? namespace !== ctx.resource : namespace !== undefined) return;
      report(ctx, key, pods, policies);
    },
  });

  function report(ctx: RuleContext, key: string, pods: readonly PodView[], policies: NetworkPolicyModel[]): void {
    const subject = key === '' ? 'the namespace these manifests are applied to (they name none)' : `namespace ${key}`;
    // Open: no policy isolates the pod, or one that selects it allows everything (policies add up).
    const openWorkloads = openWorkloadsOf(ctx.inventory, key, direction);
    const open = [...openWorkloads.unselected, ...openWorkloads.opened.map((o) => o.workload)];
    const isolating = policies.filter((p) => selectsEveryPod(p) && !allowsEverything(p, direction)).map((p) => p.name);
    const imds = metadataEndpointOpeners(policies, direction).map((p) => p.name);
    const imdsNote = imds.length
      ? `; ${listSome(imds, LISTED)} would be one but also ${imds.length === 1 ? 'allows' : 'allow'} the metadata endpoint 169.254.169.254, which hands out the node's managed identity tokens, so ${imds.length === 1 ? 'it does' : 'they do'} not count as a default deny`
      : '';
    const floating = key === '' ? undefined : floatingDefaultDeny(ctx.inventory, direction);

    // Calico's, Cilium's or AdminNetworkPolicies the engine enforces may well be the default deny.
    // Only those that can take this namespace in, in this direction, may stand in for its default deny.
    const other = key === '' ? [] : otherPoliciesIn(ctx.inventory, key, direction);
    let severity: Severity | undefined;
    let why: string;
    if (other.length > 0) {
      severity = 'info';
      why = `: ${otherPoliciesText(other)}, but only Kubernetes NetworkPolicies are read; check ${other.length === 1 ? 'it' : 'them'}`;
    } else if (key === '' || floating) {
      severity = 'info';
      why = floating
        ? `: ${floating.name} would be one, but it names no namespace, so whether it applies here is decided when it is applied`
        : ': a default deny may come with the namespace from elsewhere; check the namespace the manifests are applied to';
    } else if (openWorkloads.opened.length === 0 && open.length > 0) {
      why = `: no ${direction} policy restricts ${open.length} of ${pods.length} ${pods.length === 1 ? 'workload' : 'workloads'} (${listSome(open, LISTED)}), which ${words.open(open.length)}`;
    } else if (open.length > 0) {
      const unselected = openWorkloads.unselected;
      const none = unselected.length ? `no ${direction} policy restricts ${unselected.length} of ${pods.length} workloads (${listSome(unselected, LISTED)}); ` : '';
      why = `: ${none}${openedText(openWorkloads.opened, direction)}: ${open.length === 1 ? 'it' : 'they'} ${words.open(open.length)}`;
    } else {
      // Every pod is isolated today; the missing default deny matters for what is deployed next.
      severity = 'low';
      why = isolating.length
        ? `: ${listSome(isolating, LISTED)} ${isolating.length === 1 ? 'selects' : 'select'} every pod but also ${isolating.length === 1 ? 'allows' : 'allow'} traffic, so what ${isolating.length === 1 ? 'it allows' : 'they allow'} reaches every workload, including ones added later`
        : `: every workload is selected by an ${direction} policy today, but a workload added later starts open`;
    }
    // The API server calls admission webhooks served here: a default deny as the remediation writes it
    // would refuse those calls, and a webhook with failurePolicy Fail then refuses what it covers.
    const webhooks = direction === 'ingress' && key !== '' ? webhookServicesIn(ctx.inventory, key) : [];
    const callers = webhooks.length
      ? `; it serves admission webhooks (${listSome(webhooks, LISTED)}): a default deny must let the API server's calls to them in (on AKS from konnectivity-agent or the API server's subnet), or the webhooks fail`
      : '';
    ctx.report({
      ...(severity ? { severity } : {}),
      message: `${subject} has no default-deny ${direction} NetworkPolicy${why}${imdsNote}${callers}`,
      evidence: {
        observed: {
          [`${direction}Policies`]: policies.map((p) => p.name),
          ...(openWorkloads.unselected.length ? { unselectedWorkloads: openWorkloads.unselected } : {}),
          ...(openWorkloads.opened.length ? { openedWorkloads: Object.fromEntries(openWorkloads.opened.map((o) => [o.workload, o.by])) } : {}),
        },
        expected,
      },
      verify: policiesVerify(key, direction),
    });
  }
}
