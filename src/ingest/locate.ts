/**
 * Finds the line of a dotted field path (`spec.template.spec.containers[0].image`) inside one YAML
 * document, by reading indentation — no second parse. Block-style YAML (what kubectl, Helm and
 * people write) is handled exactly; for anything else (flow style, JSON) it stops at the deepest
 * part of the path it could follow, so a location is never worse than the document's first line.
 */
export function locateField(lines: readonly string[], docStart: number, path: string): number {
  const segments = parsePath(path);
  // Lines are 1-based in reports; `lines` is 0-based.
  let lo = docStart - 1;
  let hi = documentEnd(lines, lo);
  let best = docStart;
  let itemKeyCol: number | undefined; // key column on the first line of a sequence item (after "- ")
  for (const seg of segments) {
    if (typeof seg === 'string') {
      const found = findKey(lines, lo, hi, seg, itemKeyCol);
      if (!found) return best;
      best = found.line + 1;
      lo = found.line + 1;
      hi = blockEnd(lines, lo, hi, found.col);
      itemKeyCol = undefined;
      // An inline value (`key: value`) has no block below it.
      if (found.inline) {
        hi = lo;
        lo = found.line;
      }
    } else {
      const item = findItem(lines, lo, hi, seg);
      if (!item) return best;
      best = item.line + 1;
      lo = item.line;
      hi = item.end;
      itemKeyCol = item.keyCol;
    }
  }
  return best;
}

type Segment = string | number;

function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}

function isContent(line: string): boolean {
  const t = line.trim();
  return t !== '' && !t.startsWith('#');
}

function documentEnd(lines: readonly string[], from: number): number {
  for (let i = from + 1; i < lines.length; i++) if (/^---(\s|$)/.test(lines[i] as string) || lines[i] === '...') return i;
  return lines.length;
}

function keyPattern(key: string): RegExp {
  const esc = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(?:${esc}|"${esc}"|'${esc}')\\s*:(?:\\s|$)`);
}

/** A key of the mapping in [lo, hi): the first key column found is the mapping's. */
function findKey(lines: readonly string[], lo: number, hi: number, key: string, firstLineKeyCol?: number): { line: number; col: number; inline: boolean } | undefined {
  const re = keyPattern(key);
  let mapCol: number | undefined;
  for (let i = lo; i < hi; i++) {
    const line = lines[i] as string;
    if (!isContent(line)) continue;
    const col = i === lo && firstLineKeyCol !== undefined ? firstLineKeyCol : indentOf(line);
    if (mapCol === undefined) mapCol = col;
    if (col !== mapCol) continue;
    const rest = line.slice(col);
    if (rest.startsWith('- ')) continue;
    if (re.test(rest)) {
      const after = rest.slice(rest.indexOf(':') + 1).trim();
      return { line: i, col, inline: after !== '' && !after.startsWith('#') && !after.startsWith('|') && !after.startsWith('>') && !after.startsWith('&') };
    }
  }
  return undefined;
}

/** The lines below a key at column `col` that belong to its value. */
function blockEnd(lines: readonly string[], lo: number, hi: number, col: number): number {
  for (let i = lo; i < hi; i++) {
    const line = lines[i] as string;
    if (!isContent(line)) continue;
    const ind = indentOf(line);
    if (ind < col || (ind === col && !line.slice(ind).startsWith('- '))) return i;
  }
  return hi;
}

/** The n-th `- ` item of the sequence in [lo, hi). */
function findItem(lines: readonly string[], lo: number, hi: number, n: number): { line: number; end: number; keyCol: number } | undefined {
  let seqCol: number | undefined;
  let count = -1;
  let start = -1;
  for (let i = lo; i < hi; i++) {
    const line = lines[i] as string;
    if (!isContent(line)) continue;
    const ind = indentOf(line);
    if (seqCol === undefined) {
      if (!line.slice(ind).startsWith('-')) return undefined;
      seqCol = ind;
    }
    if (ind < seqCol) break;
    if (ind === seqCol && /^-(\s|$)/.test(line.slice(ind))) {
      if (start !== -1) return { line: start, end: i, keyCol: itemKeyCol(lines[start] as string, seqCol) };
      count++;
      if (count === n) start = i;
    } else if (ind === seqCol) break;
  }
  if (start === -1) return undefined;
  return { line: start, end: hi, keyCol: itemKeyCol(lines[start] as string, seqCol as number) };
}

function itemKeyCol(line: string, seqCol: number): number {
  let i = seqCol + 1;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}
