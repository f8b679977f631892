import { splitPath } from '../core/field-path.js';

interface Cursor {
  /** Lines [lo, hi) hold the value reached so far (0-based). */
  lo: number;
  hi: number;
  /** 1-based line of the deepest part of the path found. */
  line: number;
  /** Key column on the first line of a sequence item (after "- "). */
  itemKeyCol?: number;
  /** The path could not be followed further. */
  stuck: boolean;
}

/**
 * Finds the lines of field paths (`spec.template.spec.containers[0].image`) inside one YAML document,
 * by reading indentation — no second parse. Block-style YAML (what kubectl, Helm and people write) is
 * handled exactly; for anything else (flow style, JSON) it stops at the deepest part of the path it
 * could follow, so a location is never worse than the document's first line. Findings of one document
 * share long prefixes (`spec.template.spec.containers[0]`), so each prefix is walked once.
 */
export class DocumentLocator {
  private readonly cache = new Map<string, Cursor>();

  constructor(
    private readonly lines: readonly string[],
    docStart: number,
  ) {
    const lo = docStart - 1;
    this.cache.set('', { lo, hi: documentEnd(lines, lo), line: docStart, stuck: false });
  }

  line(path: string): number {
    const { segments, keys } = parsed(path);
    // Find the longest cached prefix, then walk the rest.
    let depth = segments.length;
    let cursor = this.cache.get(keys[depth] as string);
    while (!cursor) cursor = this.cache.get(keys[--depth] as string);
    for (let i = depth; i < segments.length && !cursor.stuck; i++) {
      cursor = this.step(cursor, segments[i] as string | number);
      this.cache.set(keys[i + 1] as string, cursor);
    }
    return cursor.line;
  }

  private step(from: Cursor, seg: string | number): Cursor {
    const { lines } = this;
    if (typeof seg === 'string') {
      const found = findKey(lines, from.lo, from.hi, seg, from.itemKeyCol);
      if (!found) return { ...from, stuck: true };
      // An inline value (`key: value`) has no block below it.
      if (found.inline) return { lo: found.line, hi: found.line + 1, line: found.line + 1, stuck: false };
      // The value's block ends where indentation falls back; the next lookup stops there by itself.
      return { lo: found.line + 1, hi: from.hi, line: found.line + 1, stuck: false };
    }
    const item = findItem(lines, from.lo, from.hi, seg);
    if (!item) return { ...from, stuck: true };
    return { lo: item.line, hi: from.hi, line: item.line + 1, itemKeyCol: item.keyCol, stuck: false };
  }
}

/** Cache keys of every prefix of a path: `''`, `\0spec`, `\0spec\0template`, ... */
function prefixKeys(segments: ReadonlyArray<string | number>): string[] {
  const keys = [''];
  for (const seg of segments) keys.push(`${keys[keys.length - 1] as string}\u0000${String(seg)}`);
  return keys;
}

interface ParsedPath {
  segments: ReadonlyArray<string | number>;
  keys: readonly string[];
}

// The same few hundred paths recur in every document of an estate: split each once.
const PATHS = new Map<string, ParsedPath>();

function parsed(path: string): ParsedPath {
  let p = PATHS.get(path);
  if (!p) {
    if (PATHS.size >= 10_000) PATHS.clear();
    const segments = splitPath(path);
    PATHS.set(path, (p = { segments, keys: prefixKeys(segments) }));
  }
  return p;
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}

/** Not blank and not a comment; checked without allocating, as it runs for every line walked. */
function isContent(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) continue;
    return c !== 35; // '#'
  }
  return false;
}

function documentEnd(lines: readonly string[], from: number): number {
  for (let i = from + 1; i < lines.length; i++) if (/^---(\s|$)/.test(lines[i] as string) || lines[i] === '...') return i;
  return lines.length;
}

/** Does `rest` (a line from the key column on) start with `key:`, the key plain or quoted? */
function keyAt(rest: string, key: string): boolean {
  let end: number;
  if (rest.startsWith(key)) end = key.length;
  else if ((rest[0] === '"' || rest[0] === "'") && rest.startsWith(key, 1) && rest[key.length + 1] === rest[0]) end = key.length + 2;
  else return false;
  while (rest.charCodeAt(end) === 32 || rest.charCodeAt(end) === 9) end++;
  if (rest[end] !== ':') return false;
  const after = rest.charCodeAt(end + 1);
  return Number.isNaN(after) || after === 32 || after === 9 || after === 13;
}

/** A key of the mapping in [lo, hi): the first key column found is the mapping's. */
function findKey(lines: readonly string[], lo: number, hi: number, key: string, firstLineKeyCol?: number): { line: number; col: number; inline: boolean } | undefined {
  let mapCol: number | undefined;
  for (let i = lo; i < hi; i++) {
    const line = lines[i] as string;
    if (!isContent(line)) continue;
    const col = i === lo && firstLineKeyCol !== undefined ? firstLineKeyCol : indentOf(line);
    if (mapCol === undefined) mapCol = col;
    if (col < mapCol) return undefined; // the mapping ended
    if (col !== mapCol) continue;
    const rest = line.slice(col);
    if (rest.startsWith('- ')) continue;
    if (keyAt(rest, key)) {
      const after = rest.slice(rest.indexOf(':') + 1).trim();
      return { line: i, col, inline: after !== '' && !after.startsWith('#') && !after.startsWith('|') && !after.startsWith('>') && !after.startsWith('&') };
    }
  }
  return undefined;
}

/** Is there a `-` entry marker at column `col` (`- x`, or a lone `-`)? */
function dashAt(line: string, col: number): boolean {
  if (line.charCodeAt(col) !== 45) return false;
  const next = line.charCodeAt(col + 1);
  return Number.isNaN(next) || next === 32 || next === 9 || next === 13;
}

/** The n-th `- ` item of the sequence that starts at line `lo`; its block ends where indentation falls back. */
function findItem(lines: readonly string[], lo: number, hi: number, n: number): { line: number; keyCol: number } | undefined {
  let seqCol = -1;
  let count = -1;
  for (let i = lo; i < hi; i++) {
    const line = lines[i] as string;
    if (!isContent(line)) continue;
    const ind = indentOf(line);
    if (seqCol === -1) {
      if (!dashAt(line, ind)) return undefined;
      seqCol = ind;
    }
    if (ind < seqCol || (ind === seqCol && !dashAt(line, ind))) return undefined;
    if (ind === seqCol && ++count === n) return { line: i, keyCol: itemKeyCol(line, seqCol) };
  }
  return undefined;
}

function itemKeyCol(line: string, seqCol: number): number {
  let i = seqCol + 1;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}
