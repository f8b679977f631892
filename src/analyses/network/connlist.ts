import type { Connection, Peer } from './reachability-model.js';

/** The output formats of a connection list, as netpol-analyzer names them. */
export const CONNLIST_FORMATS = ['txt', 'json', 'csv', 'md', 'dot'] as const;
export type ConnlistFormat = (typeof CONNLIST_FORMATS)[number];

export function isConnlistFormat(v: string): v is ConnlistFormat {
  return (CONNLIST_FORMATS as readonly string[]).includes(v);
}

/** One line of a connection list: peers by label, the connection in its connlist spelling. */
export interface ConnectionLine {
  src: string;
  dst: string;
  conn: string;
}

export function connectionLine(c: Connection): ConnectionLine {
  return { src: c.src.label, dst: c.dst.label, conn: c.conn.toString() };
}

/** `SRC => DST : CONNS`, the connlist txt line. */
export function txtLine(l: ConnectionLine): string {
  return `${l.src} => ${l.dst} : ${l.conn}`;
}

/** RFC 4180: a field holding a comma, a quote or a line break is quoted, quotes doubled. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A connection list as text, piece by piece so that a large list streams: `txt` one line per pair,
 * `json` an array of `{src, dst, conn}`, `csv` with a `src,dst,conn` header, `md` a table, `dot` a
 * Graphviz digraph with one cluster per namespace (every workload in `peers` is drawn, connected or
 * not). Every format ends with a newline.
 */
export function* renderConnlist(format: ConnlistFormat, connections: Iterable<Connection>, peers: readonly Peer[] = []): Generator<string> {
  switch (format) {
    case 'txt':
      for (const c of connections) yield `${txtLine(connectionLine(c))}\n`;
      return;
    case 'csv':
      yield 'src,dst,conn\n';
      for (const c of connections) {
        const l = connectionLine(c);
        yield `${csvField(l.src)},${csvField(l.dst)},${csvField(l.conn)}\n`;
      }
      return;
    case 'md':
      yield '| src | dst | conn |\n|-----|-----|------|\n';
      for (const c of connections) {
        const l = connectionLine(c);
        yield `| ${mdCell(l.src)} | ${mdCell(l.dst)} | ${mdCell(l.conn)} |\n`;
      }
      return;
    case 'json': {
      let first = true;
      for (const c of connections) {
        const l = connectionLine(c);
        yield `${first ? '[\n' : ',\n'}  {\n    "src": ${JSON.stringify(l.src)},\n    "dst": ${JSON.stringify(l.dst)},\n    "conn": ${JSON.stringify(l.conn)}\n  }`;
        first = false;
      }
      yield first ? '[]\n' : '\n]\n';
      return;
    }
    case 'dot':
      yield renderDot([...connections], peers);
      return;
  }
}

function renderDot(connections: readonly Connection[], peers: readonly Peer[]): string {
  const byNamespace = new Map<string, Map<string, string>>();
  const outside = new Map<string, string>();
  const node = (p: Peer) => {
    if (p.type === 'external') {
      outside.set(p.label, `\t${dotString(p.label)} [label=${dotString(p.label)} color="red2" fontcolor="red2"]`);
      return;
    }
    let nodes = byNamespace.get(p.namespace);
    if (!nodes) byNamespace.set(p.namespace, (nodes = new Map()));
    nodes.set(p.label, `\t\t${dotString(p.label)} [label=${dotString(`${p.name}[${p.kind}]`)} color="blue" fontcolor="blue"]`);
  };
  for (const p of peers) node(p);
  const edges: string[] = [];
  for (const c of connections) {
    node(c.src);
    node(c.dst);
    edges.push(`\t${dotString(c.src.label)} -> ${dotString(c.dst.label)} [label=${dotString(c.conn.toString())} color="gold2" fontcolor="darkgreen"]`);
  }
  const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  // Without newrank, Graphviz 2.43's dot fails on edges between clusters ("trouble in init_rank").
  const lines = ['digraph {', '\tnewrank=true'];
  for (const [ns, nodes] of [...byNamespace].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    lines.push(`\tsubgraph ${dotString(`cluster_${ns}`)} {`, '\t\tcolor="black"', '\t\tfontcolor="black"', ...sorted(nodes), `\t\tlabel=${dotString(ns)}`, '\t}');
  }
  lines.push(...sorted(outside), ...edges.sort(), '}');
  return `${lines.join('\n')}\n`;
}
