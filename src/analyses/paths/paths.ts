import { hash64, type Finding } from '../../core/finding.js';
import { aksManagedReason } from '../../core/aks-managed.js';
import type { Inventory } from '../../core/inventory.js';
import type { AttackPath, AttackPathFix, AttackPathStep } from '../../core/report.js';
import type { Resource } from '../../core/resource.js';
import type { Severity } from '../../core/severity.js';
import { buildAttackGraph } from './build.js';
import { ruleOf, type AttackGraph, type EntryPoint, type StepFix } from './graph.js';
import { bestRoutes, MAX_DEPTH, routeFrom, type BestRoutes } from './search.js';
import { ownerActionText } from './aks-settings.js';
import { asObj, stringMap } from '../../core/resource.js';
import { podOf } from '../../core/workload.js';

export interface AttackPathOptions {
  maxDepth?: number;
  /**
   * The aks-managed profile (default on): paths made only of AKS's components are marked
   * `providerManaged`, and no fix changes an object AKS manages. Off, AKS's objects are like any other.
   */
  aksManaged?: boolean;
}

export interface AttackPathAnalysis {
  graph: AttackGraph;
  /** Ranked: score (likelihood × impact) first, then the higher impact, then fewer steps. */
  paths: AttackPath[];
  /** The changes that close the most: by the summed score of the paths each closes, then their number, the cheapest first among equals. */
  fixes: AttackPathFix[];
}

/** Paths at or above these scores take the severity. */
const SEVERITY_FLOORS: ReadonlyArray<[number, Severity]> = [
  [0.5, 'critical'],
  [0.25, 'high'],
  [0.1, 'medium'],
];

/** When two entry points reach one foothold equally well, the more real one is shown. */
const ENTRY_ORDER: readonly EntryPoint[] = ['internet', 'api-server', 'other-namespaces', 'identity', 'pod'];

/** Fix searches (one backwards pass per crown jewel each) spent on telling which change closes which paths. */
const FIX_CHECKS = 24;

interface Candidate {
  point: EntryPoint;
  /** The entry's node and first edge (see Entry): what a fix must cut off from the target. */
  entry: number;
  via: number | undefined;
  /** The first node of the path as shown. */
  start: number;
  target: number;
  edges: number[];
  nodes: number[];
  foothold: number;
  likelihood: number;
  impact: number;
  also: number[];
}

export function pathSeverity(score: number): Severity {
  for (const [floor, s] of SEVERITY_FLOORS) if (score >= floor) return s;
  return 'low';
}

/**
 * Attack paths of an inventory: from each entry point to each crown jewel, the most likely route
 * (bounded in length), one path per foothold and target, paths that only restate part of another
 * dropped, paths that differ only in their foothold folded into one; each with the change that breaks it.
 */
export function attackPaths(inventory: Inventory, findings: readonly Finding[], options: AttackPathOptions = {}): AttackPathAnalysis {
  const graph = buildAttackGraph(inventory, findings);
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  const routes = new Map<number, BestRoutes>();
  for (const t of graph.targets) routes.set(t.node, bestRoutes(graph, t.node, maxDepth));

  // The best route of every entry point to every target, one per foothold and target.
  const best = new Map<string, Candidate>();
  for (const t of graph.targets) {
    const r = routes.get(t.node)!;
    for (const entry of graph.entries) {
      if (entry.node === t.node && entry.via === undefined) continue;
      const route = routeFrom(graph, r, entry.node);
      if (route.length === 0 && entry.node !== t.node) continue;
      const edges = entry.via !== undefined ? [entry.via, ...route] : route;
      if (edges.length === 0) continue;
      const first = graph.edges[edges[0]!]!.from;
      const nodes = [first, ...edges.map((e) => graph.edges[e]!.to)];
      const foothold = nodes.find((n) => graph.nodes[n]!.kind === 'workload' || graph.nodes[n]!.kind === 'identity') ?? entry.node;
      const likelihood = entry.prior * Math.exp(-r.cost[entry.node]!);
      const c: Candidate = { point: entry.point, entry: entry.node, via: entry.via, start: first, target: t.node, edges, nodes, foothold, likelihood, impact: t.impact, also: [] };
      const key = `${t.node}:${foothold}`;
      const seen = best.get(key);
      if (!seen || better(c, seen)) best.set(key, c);
    }
  }
  // A compromised pod or identity that another path already passes through adds nothing: that path
  // shows the same route from it (best routes to one target form a tree).
  const passed = new Set<string>();
  for (const c of best.values()) for (const n of c.nodes) if (n !== c.foothold) passed.add(`${c.target}:${n}`);
  // An identity that holds a jewel itself (an admin group, a cluster-admin binding) is no path: that is
  // what its role is for, and the rbac and Azure rules report the grant. A path from an identity takes
  // a step to more than it holds.
  const kept = [...best.values()].filter(
    (c) => !(c.point === 'identity' && c.edges.length === 1) && ((c.point !== 'pod' && c.point !== 'identity') || !passed.has(`${c.target}:${c.foothold}`)),
  );
  // Footholds that reach the target the same way from the same kind of entry: one path.
  const grouped = new Map<string, Candidate>();
  for (const c of kept.sort(compare)) {
    const at = c.nodes.indexOf(c.foothold);
    // An identity's own grant is what its path is about; a workload's way out (which escape, which token) is not.
    const how = graph.nodes[c.foothold]!.kind === 'identity' ? (graph.edges[c.edges[at] ?? -1]?.step.text ?? '') : '';
    const key = `${c.point}|${c.target}|${c.nodes.slice(at + 1).join(',')}|${how}`;
    const g = grouped.get(key);
    if (g) g.also.push(c.foothold);
    else grouped.set(key, c);
  }
  const candidates = [...grouped.values()].sort(compare);
  const paths: AttackPath[] = candidates.map((c) => toPath(graph, c));
  const aksManaged = options.aksManaged ?? true;
  if (aksManaged) {
    candidates.forEach((c, i) => {
      const managed = providerManagedObjects(inventory, graph, c);
      if (!managed) return;
      paths[i]!.providerManaged = true;
      paths[i]!.ownerAction = ownerActionText(managed);
    });
  }
  const ownersFix = aksManaged ? oncePerKey((fix) => !changesAksManaged(inventory, fix)) : () => true;
  const fixes = chooseFixes(graph, candidates, paths, maxDepth, ownersFix);
  const doors = doorsOf(candidates);
  candidates.forEach((c, i) => {
    const p = paths[i]!;
    if (!p.fix && !p.providerManaged) p.ownerAction = whyNoFix(graph, doors, c, ownersFix);
  });
  return { graph, paths, fixes };
}

/**
 * A predicate on changes asked once per change: every step of every path that names a change asks
 * again, and a key names one change of one object, so its answer does not change.
 */
function oncePerKey(allowed: (fix: StepFix) => boolean): (fix: StepFix) => boolean {
  const answers = new Map<string, boolean>();
  return (fix) => {
    let answer = answers.get(fix.key);
    if (answer === undefined) answers.set(fix.key, (answer = allowed(fix)));
    return answer;
  };
}

function isAksManaged(r: Resource | undefined): r is Resource {
  return r !== undefined && aksManagedReason(r) !== undefined;
}

/**
 * The objects of a path when every step names a resource AKS manages (its own components, bindings
 * and settings), and so does every other foothold folded into the path: nothing on it is the cluster
 * owner's to change. Undefined when anything on it is the owner's.
 */
function providerManagedObjects(inventory: Inventory, graph: AttackGraph, c: Candidate): Resource[] | undefined {
  const refs = c.edges.flatMap((e) => graph.edges[e]!.step.resource ?? []);
  const objects = refs.map((r) => inventory.get(r.kind, r.namespace, r.name));
  if (objects.length === 0 || !objects.every(isAksManaged)) return undefined;
  const also = c.also.map((n) => graph.resourceOf(n));
  if (!also.every(isAksManaged)) return undefined;
  return [...objects, ...also] as Resource[];
}

/**
 * A change to an object AKS manages: AKS re-applies its manifests (and an edited add-on may stop
 * working), so it is never the cluster owner's fix. Changes to the cluster's own settings, or with no
 * object in the input, are the owner's.
 */
function changesAksManaged(inventory: Inventory, fix: StepFix): boolean {
  const r = fix.resource;
  return r !== undefined && isAksManaged(inventory.get(r.kind, r.namespace, r.name));
}

function better(a: Candidate, b: Candidate): boolean {
  if (Math.abs(a.likelihood - b.likelihood) > 1e-12) return a.likelihood > b.likelihood;
  if (a.edges.length !== b.edges.length) return a.edges.length < b.edges.length;
  return ENTRY_ORDER.indexOf(a.point) < ENTRY_ORDER.indexOf(b.point);
}

/**
 * Score first, as shown (rounded): at an equal score the path to the bigger jewel first (cluster-admin
 * before the secrets of kube-system), then the shorter one.
 */
function compare(a: Candidate, b: Candidate): number {
  const sa = round(a.likelihood * a.impact);
  const sb = round(b.likelihood * b.impact);
  if (sa !== sb) return sb - sa;
  return b.impact - a.impact || a.edges.length - b.edges.length || ENTRY_ORDER.indexOf(a.point) - ENTRY_ORDER.indexOf(b.point) || a.target - b.target || a.start - b.start || a.foothold - b.foothold;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function toPath(graph: AttackGraph, c: Candidate): AttackPath {
  const nodes = c.nodes.map((n) => graph.nodes[n]!);
  const steps: AttackPathStep[] = c.edges.map((e) => {
    const { from, to, step } = graph.edges[e]!;
    const rule = ruleOf(step);
    return {
      from: graph.nodes[from]!.id,
      to: graph.nodes[to]!.id,
      text: step.text,
      ...(rule !== undefined ? { rule } : {}),
      findings: step.findings,
      ...(step.resource !== undefined ? { resource: step.resource } : {}),
      ...(step.field !== undefined ? { field: step.field } : {}),
      likelihood: step.likelihood,
    };
  });
  const score = round(c.likelihood * c.impact);
  const entry = c.point === 'pod' ? { ...nodes[0]!, label: `a compromised pod of ${nodes[0]!.label}` } : c.point === 'identity' ? { ...nodes[0]!, label: `a compromised identity: ${nodes[0]!.label}` } : nodes[0]!;
  return {
    id: hash64(`${c.point}\u0000${nodes.map((n) => n.id).join('\u0000')}`),
    severity: pathSeverity(score),
    score,
    likelihood: round(c.likelihood),
    impact: c.impact,
    entryPoint: c.point,
    entry,
    target: graph.nodes[c.target]!,
    nodes,
    steps,
    ...(c.also.length ? { alsoFrom: c.also.map((n) => graph.nodes[n]!.label) } : {}),
  };
}

/**
 * Which single change closes which paths: a change removes every step that names it, and a path is
 * closed when its entry point no longer reaches its target at all (another route would still be an
 * attack). The changes used by the paths of the highest summed score are tried first, a bounded
 * number of them, and listed by the summed score of the paths each closes, then by their number; each
 * path gets the change that closes the most paths among those that close it, the cheaper among equals.
 * Only `allowed` changes are proposed: with the aks-managed profile, none to AKS's own objects.
 */
function chooseFixes(graph: AttackGraph, candidates: readonly Candidate[], paths: AttackPath[], maxDepth: number, allowed: (fix: StepFix) => boolean): AttackPathFix[] {
  const uses = new Map<string, { fix: StepFix; paths: Set<number> }>();
  candidates.forEach((c, i) => {
    for (const e of c.edges) {
      for (const fix of graph.edges[e]!.step.fixes) {
        if (!allowed(fix)) continue;
        let u = uses.get(fix.key);
        if (!u) uses.set(fix.key, (u = { fix, paths: new Set() }));
        u.paths.add(i);
      }
    }
  });
  // What a set of paths is worth closing: the sum of their scores, so three low paths do not outrank a high one.
  const worth = (set: ReadonlySet<number>) => {
    let sum = 0;
    for (const i of set) sum += round(candidates[i]!.likelihood * candidates[i]!.impact);
    return round(sum);
  };
  const order = [...uses.values()].sort((a, b) => worth(b.paths) - worth(a.paths) || b.paths.size - a.paths.size || a.fix.cost - b.fix.cost || (a.fix.key < b.fix.key ? -1 : 1));
  const targets = [...new Set(candidates.map((c) => c.target))];
  const closed = new Map<string, Set<number>>();
  let checks = 0;
  // Each answer is read once, right away: one set of arrays serves every check.
  let scratch: BestRoutes | undefined;
  const closes = (key: string): Set<number> | undefined => {
    const known = closed.get(key);
    if (known || checks >= FIX_CHECKS) return known;
    checks++;
    const out = new Set<number>();
    for (const t of targets) {
      const r = (scratch = bestRoutes(graph, t, maxDepth, key, scratch));
      candidates.forEach((c, i) => {
        // A way in through one door of the internet or of the other namespaces (one Service, one workload)
        // is closed only when that entry no longer reaches the target through any door: through another
        // Service, an Ingress or a NodePort it is still the same attack. A credential stolen at the public
        // API server is one identity's: closing the door, or that identity's way on, closes it.
        const shared = c.via !== undefined && c.point !== 'api-server';
        const from = shared ? graph.edges[c.via!]!.from : c.entry;
        const cut = !shared && c.via !== undefined && graph.edges[c.via]!.step.fixes.some((f) => f.key === key);
        if (c.target === t && (cut || !Number.isFinite(r.cost[from]!))) out.add(i);
      });
    }
    closed.set(key, out);
    return out;
  };
  const fixOf = (u: { fix: StepFix }, n: number): AttackPathFix => ({
    text: u.fix.text,
    closes: n,
    findings: u.fix.findings ?? [],
    ...(u.fix.resource ? { resource: u.fix.resource } : {}),
  });
  // The overall list first: the changes the most valuable paths use, by the worth of what they close.
  const ranked: Array<{ u: { fix: StepFix }; n: number; worth: number }> = [];
  for (const u of order.slice(0, 10)) {
    const set = closes(u.fix.key);
    if (set && set.size > 0) ranked.push({ u, n: set.size, worth: worth(set) });
  }
  ranked.sort((a, b) => b.worth - a.worth || b.n - a.n || a.u.fix.cost - b.u.fix.cost);
  candidates.forEach((c, i) => {
    // Latest step first: among fixes that close as many paths at the same cost, the one nearest the
    // target also closes the ways in that were folded into this path.
    const mine: Array<{ fix: StepFix }> = [];
    for (const e of [...c.edges].reverse()) for (const fix of graph.edges[e]!.step.fixes) if (allowed(fix) && !mine.some((m) => m.fix.key === fix.key)) mine.push({ fix });
    let pick: { u: { fix: StepFix }; n: number } | undefined;
    for (const u of mine) {
      const set = closes(u.fix.key);
      if (!set?.has(i)) continue;
      if (!pick || set.size > pick.n || (set.size === pick.n && u.fix.cost < pick.u.fix.cost)) pick = { u, n: set.size };
    }
    if (pick) paths[i]!.fix = fixOf(pick.u, pick.n);
  });
  return ranked.slice(0, 5).map((r) => fixOf(r.u, r.n));
}

/**
 * Marks the findings that make a step of some path possible: `evidence.onPaths` lists the path ids.
 * Returns how many findings were marked.
 */
export function markFindingsOnPaths(findings: Finding[], paths: readonly AttackPath[]): number {
  const on = new Map<string, string[]>();
  for (const p of paths) {
    for (const s of p.steps) {
      for (const id of s.findings) {
        const list = on.get(id);
        if (!list) on.set(id, [p.id]);
        else if (!list.includes(p.id)) list.push(p.id);
      }
    }
  }
  let marked = 0;
  for (const f of findings) {
    const ids = on.get(f.id);
    if (!ids) continue;
    // Evidence objects may be shared between findings of one rule: replace, never edit.
    f.evidence = { ...f.evidence, onPaths: ids };
    marked++;
  }
  return marked;
}

/**
 * Chart settings that narrow what a well-known controller reads, by its `app.kubernetes.io/name`: the
 * grant on a path is the controller's own, and these keep it to the namespaces it serves.
 */
const NARROWER_INSTALLS: ReadonlyMap<string, string> = new Map([
  ['ingress-nginx', 'the ingress-nginx chart with controller.scope.enabled=true and rbac.scope=true: the controller watches one namespace (controller.scope.namespace, its own by default) and reads Secrets there through a Role, with no ClusterRole'],
  ['grafana', 'the grafana chart with rbac.namespaced=true (grafana.rbac.namespaced in kube-prometheus-stack): a Role instead of the ClusterRole, the sidecars searching only the namespaces of their dashboards and datasources'],
  ['argocd-server', "Argo CD's namespace-scoped install (namespace-install.yaml): its server and controller hold Roles in the argocd namespace, not ClusterRoles, and manage other clusters or namespaces through the credentials given them"],
]);

function appName(graph: AttackGraph, node: number): string | undefined {
  const r = graph.resourceOf(node);
  if (!r) return undefined;
  const labels = { ...stringMap(asObj(r.object.metadata)?.labels), ...stringMap(podOf(r)?.metadata.labels) };
  return labels['app.kubernetes.io/name'] ?? labels['app.kubernetes.io/component'];
}

const entryKey = (c: Candidate) => `${c.point}\u0000${c.target}`;

/**
 * The workloads through which each entry point reaches each target, in the order of the paths: read
 * for every path without a fix, so gathered once rather than from all paths for each of them.
 */
function doorsOf(candidates: readonly Candidate[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const c of candidates) {
    const key = entryKey(c);
    let doors = out.get(key);
    if (!doors) out.set(key, (doors = new Set()));
    doors.add(c.foothold);
    for (const n of c.also) doors.add(n);
  }
  return out;
}

/**
 * Why a path gets no fix, and what narrows it instead: a shared entry (the internet, the other
 * namespaces) that reaches the jewel through several workloads is closed by no one change, and a
 * controller's own grant is what it runs on; what narrows the path is its own steps' changes and,
 * for a well-known controller, the chart setting that scopes its grant.
 */
function whyNoFix(graph: AttackGraph, doorsByEntry: ReadonlyMap<string, ReadonlySet<number>>, c: Candidate, allowed: (fix: StepFix) => boolean): string {
  const target = graph.nodes[c.target]!.label;
  const shared = c.point === 'internet' || c.point === 'other-namespaces';
  const doors = shared ? [...(doorsByEntry.get(entryKey(c)) ?? [])] : [];
  const reason =
    doors.length > 1
      ? `${graph.nodes[c.start]!.label} reaches ${target} through ${doors.length} workloads (${doors.slice(0, 4).map((n) => graph.nodes[n]!.label).join(', ')}${doors.length > 4 ? ', ...' : ''}): closing one way leaves the others`
      : 'each step on it is also taken another way (another grant, door or route), or is a grant the workload needs to run';
  const own: string[] = [];
  for (const e of [...c.edges].reverse()) for (const f of graph.edges[e]!.step.fixes) if (allowed(f) && !own.includes(f.text)) own.push(f.text);
  const installs = [...new Set(c.nodes.flatMap((n) => NARROWER_INSTALLS.get(appName(graph, n) ?? '') ?? []))];
  const narrows = [...installs, ...own.slice(0, 2)];
  return `no single change closes it: ${reason}${narrows.length ? `. What narrows it: ${narrows.join('; or ')}` : ''}`;
}
