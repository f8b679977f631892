import type { AttackGraph } from './graph.js';

/** Steps an attack path may take at most: longer chains are not worth an attacker's time, and the search stays bounded. */
export const MAX_DEPTH = 8;

/** For every node, its most likely way to one target: the first edge to take and the cost (−ln likelihood) from there. */
export interface BestRoutes {
  target: number;
  cost: Float64Array;
  next: Int32Array;
  depth: Uint8Array;
}

/**
 * Most likely routes to one target, from every node at once: Dijkstra backwards from the target over
 * −ln(likelihood), so one pass per crown jewel answers every entry point (no search per pod). Routes
 * longer than `maxDepth` are not extended. Edges whose fixes name a key in `without` are left out, to
 * ask what a fix closes. `into` is an earlier answer over the same graph whose arrays are filled again
 * instead of new ones (the fix checks ask hundreds of questions and read each answer once).
 */
export function bestRoutes(graph: AttackGraph, target: number, maxDepth = MAX_DEPTH, without?: string, into?: BestRoutes): BestRoutes {
  const n = graph.nodes.length;
  const reuse = into !== undefined && into.cost.length === n;
  const cost = reuse ? into.cost.fill(Infinity) : new Float64Array(n).fill(Infinity);
  const next = reuse ? into.next.fill(-1) : new Int32Array(n).fill(-1);
  const depth = reuse ? into.depth.fill(0) : new Uint8Array(n);
  const done = new Uint8Array(n);
  const heap = HEAP.clear();
  cost[target] = 0;
  heap.push(0, target);
  while (heap.size > 0) {
    const c = heap.topCost();
    const u = heap.pop();
    if (done[u] || c > cost[u]!) continue;
    done[u] = 1;
    if (depth[u]! >= maxDepth) continue;
    for (const e of graph.incoming[u]!) {
      const edge = graph.edges[e]!;
      if (without !== undefined && edge.step.fixes.some((f) => f.key === without)) continue;
      const v = edge.from;
      if (done[v]) continue;
      const nc = c - Math.log(edge.step.likelihood);
      // Equal likelihood: the shorter route reads better.
      if (nc < cost[v]! - 1e-12 || (Math.abs(nc - cost[v]!) <= 1e-12 && depth[u]! + 1 < depth[v]!)) {
        cost[v] = nc;
        next[v] = e;
        depth[v] = depth[u]! + 1;
        heap.push(nc, v);
      }
    }
  }
  if (reuse) {
    into.target = target;
    return into;
  }
  return { target, cost, next, depth };
}

/** The edges from a node to the target along its best route; empty when there is none. */
export function routeFrom(graph: AttackGraph, routes: BestRoutes, start: number): number[] {
  const out: number[] = [];
  if (!Number.isFinite(routes.cost[start]!)) return out;
  for (let at = start; at !== routes.target && out.length <= MAX_DEPTH * 2; ) {
    const e = routes.next[at]!;
    if (e < 0) return [];
    out.push(e);
    at = graph.edges[e]!.to;
  }
  return out;
}

/**
 * A binary heap of (cost, node), cheapest first. Its arrays keep their length between searches (`size`
 * says how much is in use), so the searches of one analysis share one pair of arrays.
 */
class MinHeap {
  private costs: Float64Array = new Float64Array(1024);
  private items: Int32Array = new Int32Array(1024);
  size = 0;

  clear(): this {
    this.size = 0;
    return this;
  }

  topCost(): number {
    return this.costs[0]!;
  }

  push(cost: number, item: number): void {
    if (this.size === this.costs.length) {
      const costs = new Float64Array(this.size * 2);
      costs.set(this.costs);
      const items = new Int32Array(this.size * 2);
      items.set(this.items);
      this.costs = costs;
      this.items = items;
    }
    const { costs, items } = this;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (costs[p]! <= cost) break;
      costs[i] = costs[p]!;
      items[i] = items[p]!;
      i = p;
    }
    costs[i] = cost;
    items[i] = item;
  }

  /** Removes the cheapest entry and returns its node; the heap must not be empty. */
  pop(): number {
    const { costs, items } = this;
    const top = items[0]!;
    const n = --this.size;
    if (n > 0) {
      const lastCost = costs[n]!;
      const lastItem = items[n]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && costs[r]! < costs[l]! ? r : l;
        if (costs[c]! >= lastCost) break;
        costs[i] = costs[c]!;
        items[i] = items[c]!;
        i = c;
      }
      costs[i] = lastCost;
      items[i] = lastItem;
    }
    return top;
  }
}

/** The searches run one at a time and each empties the heap before it returns: one heap serves them all. */
const HEAP = new MinHeap();
