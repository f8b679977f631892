import type { InputError, InputNote } from '../../core/errors.js';
import type { AttackPath, AttackPathFix } from '../../core/report.js';
import { printable } from '../../core/printable.js';

export const PATH_FORMATS = ['table', 'json', 'mermaid', 'dot'] as const;
export type PathFormat = (typeof PATH_FORMATS)[number];

export interface PathsReport {
  schema: 'palisade.paths/v1';
  summary: {
    paths: number;
    bySeverity: Record<string, number>;
    /** Paths made only of AKS-managed components (among `paths`, counted for no --fail-on). */
    providerManaged: number;
    nodes: number;
    edges: number;
  };
  paths: AttackPath[];
  fixes: AttackPathFix[];
  errors: InputError[];
  /** What the reads left out or could not decide (a list the cluster refused: what rests on it is not a path here). */
  notes: InputNote[];
}

export function renderPaths(format: PathFormat, report: PathsReport, opts: { limit?: number } = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'mermaid':
      return mermaid(report.paths);
    case 'dot':
      return dot(report.paths);
    default:
      return table(report, opts.limit ?? 20);
  }
}

function ids(findings: readonly string[]): string {
  return findings.length ? ` [${findings.slice(0, 3).join(', ')}${findings.length > 3 ? `, +${findings.length - 3}` : ''}]` : '';
}

function table(report: PathsReport, limit: number): string {
  if (report.paths.length === 0) return 'No attack paths: no entry point reaches cluster-admin, a node, the secrets of kube-system or an Azure identity with subscription roles.\n';
  const out: string[] = [];
  const shown = report.paths.slice(0, limit);
  // Names, subjects and texts come from the input: escape control characters before they reach a terminal.
  shown.forEach((p, i) => {
    out.push(`#${i + 1} ${p.severity.toUpperCase()} score ${p.score} (likelihood ${p.likelihood} × impact ${p.impact}): ${printable(p.entry.label)} → ${printable(p.target.label)}${p.providerManaged ? ' (AKS-managed components only: not counted for --fail-on)' : ''}`);
    p.steps.forEach((s, j) => {
      const to = p.nodes[j + 1]?.label ?? s.to;
      out.push(`   ${j + 1}. ${printable(s.text)} → ${printable(to)}${s.rule ? ` (${s.rule}${ids(s.findings)})` : ids(s.findings)}`);
    });
    if (p.alsoFrom?.length) out.push(`   the same way from: ${p.alsoFrom.slice(0, 5).map(printable).join(', ')}${p.alsoFrom.length > 5 ? ` and ${p.alsoFrom.length - 5} more` : ''}`);
    if (p.fix) out.push(`   fix: ${printable(p.fix.text)} (closes ${p.fix.closes} path${p.fix.closes === 1 ? '' : 's'})`);
    else if (p.ownerAction) out.push(`   yours to do: ${printable(p.ownerAction)}`);
    out.push('');
  });
  if (report.paths.length > shown.length) out.push(`… and ${report.paths.length - shown.length} more paths (--limit, or -f json for all)`, '');
  if (report.fixes.length) {
    out.push('Fixes that close the most paths:');
    report.fixes.forEach((f, i) => out.push(`  ${i + 1}. ${printable(f.text)}: closes ${f.closes} path${f.closes === 1 ? '' : 's'}`));
    out.push('');
  }
  const s = report.summary.bySeverity;
  out.push(`${report.paths.length} attack path${report.paths.length === 1 ? '' : 's'}: ${['critical', 'high', 'medium', 'low'].map((k) => `${s[k] ?? 0} ${k}`).join(', ')}${providerManagedTotal(report.paths)}`);
  return `${out.join('\n')}\n`;
}

/** `; 3 of them AKS-managed components only (not counted for --fail-on)`, or '' when none is. */
export function providerManagedTotal(paths: readonly AttackPath[]): string {
  const n = paths.filter((p) => p.providerManaged).length;
  if (n === 0) return '';
  const which = n === paths.length ? (n === 1 ? 'it is' : `all ${n} are`) : `${n} of them ${n === 1 ? 'is' : 'are'}`;
  return `; ${which} AKS-managed components only (not counted for --fail-on)`;
}

/** The nodes and edges of the paths, each once, numbered in order of first use. */
function edgesOf(paths: readonly AttackPath[]): { nodes: Map<string, DrawnNode>; edges: Map<string, { from: string; to: string; text: string }> } {
  const nodes = new Map<string, DrawnNode>();
  const edges = new Map<string, { from: string; to: string; text: string }>();
  for (const p of paths) {
    for (const node of p.nodes) if (!nodes.has(node.id)) nodes.set(node.id, { n: nodes.size, label: node.label, kind: node.kind, entry: false });
    // A compromised pod or identity is an entry point of its own: drawn as one, wherever else it appears.
    const first = nodes.get(p.nodes[0]?.id ?? '');
    if (first) first.entry = true;
    for (const s of p.steps) {
      const key = `${s.from}\u0000${s.to}`;
      if (!edges.has(key)) edges.set(key, { from: s.from, to: s.to, text: s.rule ?? s.text });
    }
  }
  return { nodes, edges };
}

interface DrawnNode {
  n: number;
  label: string;
  kind: string;
  /** Where some path starts. */
  entry: boolean;
}

const JEWELS = new Set(['cluster-admin', 'node', 'secrets', 'azure-identity']);

function mermaidText(s: string): string {
  return s.replace(/["<>{}[\]|#]/g, ' ').replace(/\s+/g, ' ').trim();
}

function mermaid(paths: readonly AttackPath[]): string {
  const { nodes, edges } = edgesOf(paths);
  const out = ['flowchart LR'];
  for (const [, v] of nodes) {
    const label = mermaidText(v.label);
    out.push(JEWELS.has(v.kind) ? `  n${v.n}{{"${label}"}}` : v.entry ? `  n${v.n}(["${label}"])` : `  n${v.n}["${label}"]`);
  }
  for (const e of edges.values()) out.push(`  n${nodes.get(e.from)!.n} -->|"${mermaidText(e.text)}"| n${nodes.get(e.to)!.n}`);
  return `${out.join('\n')}\n`;
}

function dotText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function dot(paths: readonly AttackPath[]): string {
  const { nodes, edges } = edgesOf(paths);
  const out = ['digraph attack_paths {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];'];
  for (const [, v] of nodes) {
    const shape = JEWELS.has(v.kind) ? ', shape=doubleoctagon, color=red' : v.entry ? ', shape=ellipse' : '';
    out.push(`  n${v.n} [label="${dotText(v.label)}"${shape}];`);
  }
  for (const e of edges.values()) out.push(`  n${nodes.get(e.from)!.n} -> n${nodes.get(e.to)!.n} [label="${dotText(e.text)}"];`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
