import type { AttackPathNode } from '../../core/report.js';
import type { Resource, ResourceRef } from '../../core/resource.js';

export type NodeKind = AttackPathNode['kind'];
export type EntryPoint = 'internet' | 'api-server' | 'other-namespaces' | 'pod' | 'identity';

/** One change that removes a step: steps that share its key go together (one binding, one image, one setting). */
export interface StepFix {
  key: string;
  text: string;
  /** How much work the change is, 1 (a field of one manifest) to 3 (rework); the cheaper of two equal fixes wins. */
  cost: number;
  resource?: ResourceRef;
  findings?: string[];
}

/** What makes one step possible, and how likely it is to succeed once its start is held. */
export interface Step {
  text: string;
  rule?: string;
  findings: string[];
  resource?: ResourceRef;
  field?: string;
  likelihood: number;
  /** Each one alone removes the step; empty for a step that follows from the one before (nothing of its own to remove). */
  fixes: StepFix[];
}

/**
 * One edge: its ends and the step it takes. Steps are shared between edges that take the same step
 * (one grant used in each namespace it covers, one shell into a workload from every scope that
 * reaches it), so a large cluster's tens of thousands of edges hold a few thousand steps.
 */
export interface GraphEdge {
  readonly from: number;
  readonly to: number;
  readonly step: Step;
}

/** The rule a step names in a path. */
export function ruleOf(step: Step): string | undefined {
  // A rule names the findings behind a step; with none of them (the rule did not run, or reports it
  // elsewhere) the step stands on its fact alone.
  return step.findings.length > 0 ? step.rule : undefined;
}

/**
 * Where a path may start. A shared entry point (the internet, any other namespace, the public API
 * server) enters through each of its edges separately — `via` is that first edge and `node` its end —
 * so that each way in gets its own best route rather than one route for the whole internet.
 */
export interface Entry {
  node: number;
  point: EntryPoint;
  /** How likely the attacker holds `node` to begin with (the first edge's likelihood included). */
  prior: number;
  via?: number;
}

export interface Target {
  node: number;
  /** 0–1: what holding it is worth to the attacker. */
  impact: number;
}

/**
 * The attack graph: nodes are entry points, Services, workloads, identities and crown jewels; every
 * edge is one thing an attacker can do, with the findings or facts that make it possible. Nodes are
 * integers so that the searches run over arrays.
 */
export class AttackGraph {
  readonly nodes: AttackPathNode[] = [];
  readonly edges: GraphEdge[] = [];
  /** Edge indexes into each node. */
  readonly incoming: number[][] = [];
  readonly outgoing: number[][] = [];
  readonly entries: Entry[] = [];
  readonly targets: Target[] = [];
  private readonly ids = new Map<string, number>();
  /** The object behind a node where there is one (a workload's controller or Pod). */
  private readonly resources = new Map<number, Resource>();

  /** The node with this id, made on first use. */
  node(id: string, kind: NodeKind, label: string, resource?: Resource): number {
    let n = this.ids.get(id);
    if (n === undefined) {
      n = this.nodes.length;
      this.ids.set(id, n);
      this.nodes.push({ id, kind, label });
      this.incoming.push([]);
      this.outgoing.push([]);
      if (resource) this.resources.set(n, resource);
    }
    return n;
  }

  resourceOf(n: number): Resource | undefined {
    return this.resources.get(n);
  }

  find(id: string): number | undefined {
    return this.ids.get(id);
  }

  /** Adds an edge and returns its index (-1 for a loop, which is left out). The step is kept as given, not copied: it must not change afterwards. */
  edge(from: number, to: number, step: Step): number {
    if (from === to) return -1;
    const index = this.edges.length;
    this.edges.push({ from, to, step });
    this.outgoing[from]!.push(index);
    this.incoming[to]!.push(index);
    return index;
  }

  /** A node where paths start as they are, with the likelihood the attacker holds it. */
  entry(node: number, point: EntryPoint, prior: number): void {
    this.entries.push({ node, point, prior });
  }

  /** Every edge out of a shared entry node becomes an entry of its own (see Entry). */
  entryEdges(from: number, point: EntryPoint, prior: number): void {
    for (const e of this.outgoing[from]!) {
      const edge = this.edges[e]!;
      this.entries.push({ node: edge.to, point, prior: prior * edge.step.likelihood, via: e });
    }
  }

  target(node: number, impact: number): void {
    if (!this.targets.some((t) => t.node === node)) this.targets.push({ node, impact });
  }
}
