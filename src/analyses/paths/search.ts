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
 * ask what a fix closes.
 */
export function bestRoutes(graph: AttackGraph, target: number, maxDepth = MAX_DEPTH, without?: string): BestRoutes {
  const n = graph.nodes.length;
  const cost = new Float64Array(n).fill(Infinity);
  const next = new Int32Array(n).fill(-1);
  const depth = new Uint8Array(n);
  const done = new Uint8Array(n);
  const heap = new MinHeap();
  cost[target] = 0;
  heap.push(0, target);
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) {
    const [c, u] = item;
    if (done[u] || c > cost[u]!) continue;
    done[u] = 1;
    if (depth[u]! >= maxDepth) continue;
    for (const e of graph.incoming[u]!) {
      const edge = graph.edges[e]!;
      if (without !== undefined && edge.fixes.some((f) => f.key === without)) continue;
      const v = edge.from;
      if (done[v]) continue;
      const nc = c - Math.log(edge.likelihood);
      // Equal likelihood: the shorter route reads better.
      if (nc < cost[v]! - 1e-12 || (Math.abs(nc - cost[v]!) <= 1e-12 && depth[u]! + 1 < depth[v]!)) {
        cost[v] = nc;
        next[v] = e;
        depth[v] = depth[u]! + 1;
        heap.push(nc, v);
      }
    }
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

/** A binary heap of (cost, node), cheapest first. */
class MinHeap {
  private readonly costs: number[] = [];
  private readonly items: number[] = [];

  push(cost: number, item: number): void {
    const { costs, items } = this;
    let i = costs.length;
    costs.push(cost);
    items.push(item);
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

  pop(): [number, number] | undefined {
    const { costs, items } = this;
    if (costs.length === 0) return undefined;
    const top: [number, number] = [costs[0]!, items[0]!];
    const lastCost = costs.pop()!;
    const lastItem = items.pop()!;
    const n = costs.length;
    if (n > 0) {
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
