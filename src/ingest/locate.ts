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
 * The lines of a text as offsets into it: the lines `text.split('\n')` gives, without a string per
 * line. Built once per file; the walks below read characters of the text in place.
 */
export class LineIndex {
  /** Offset of each line's first character, and one past the last line's end plus one. */
  private readonly starts: number[] = [0];
  private blocks: { indents: Int32Array; next: Int32Array; content: Int32Array } | undefined;

  constructor(readonly text: string) {
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) this.starts.push(at + 1);
    this.starts.push(text.length + 1);
  }

  /** How many lines (a text ending in a newline has an empty last line, as split gives). */
  get count(): number {
    return this.starts.length - 1;
  }

  start(i: number): number {
    return this.starts[i] as number;
  }

  /** Offset just past the line's last character (its newline, or the end of the text). */
  end(i: number): number {
    return (this.starts[i + 1] as number) - 1;
  }

  line(i: number): string {
    return this.text.slice(this.start(i), this.end(i));
  }

  /** Leading spaces of line `i`, or -1 when it holds no content (blank, or only a comment). */
  indent(i: number): number {
    return this.blockIndex().indents[i] as number;
  }

  /** The first line from `i` on that holds content (or `count`): walks step over blanks and comments. */
  contentFrom(i: number): number {
    return i < this.count ? (this.blockIndex().content[i] as number) : i;
  }

  /**
   * The first content line after `i` indented no deeper than `i` (or `count`): where the block that
   * `i` opens ends. A walk along one mapping or sequence jumps from key to key with it instead of
   * reading every line of every value between them; the files that have findings are walked once per
   * field path, and a Deployment's `spec` sits below its whole `metadata`.
   */
  nextSibling(i: number): number {
    return this.blockIndex().next[i] as number;
  }

  private blockIndex(): { indents: Int32Array; next: Int32Array; content: Int32Array } {
    if (this.blocks) return this.blocks;
    const n = this.count;
    const indents = new Int32Array(n);
    const next = new Int32Array(n).fill(n);
    for (let i = 0; i < n; i++) {
      const s = this.start(i);
      const e = this.end(i);
      indents[i] = isContent(this.text, s, e) ? indentOf(this.text, s, e) : -1;
    }
    // Content lines whose block is still open, shallowest first: each ends at the first line no deeper.
    const open: number[] = [];
    for (let i = 0; i < n; i++) {
      const ind = indents[i] as number;
      if (ind < 0) continue;
      while (open.length && (indents[open[open.length - 1] as number] as number) >= ind) next[open.pop() as number] = i;
      open.push(i);
    }
    const content = new Int32Array(n);
    for (let i = n - 1, c = n; i >= 0; i--) content[i] = c = (indents[i] as number) >= 0 ? i : c;
    return (this.blocks = { indents, next, content });
  }
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
  private readonly lines: LineIndex;

  /** `lines`: the file's line index (shared by its documents), or its lines as strings. */
  constructor(lines: LineIndex | readonly string[], docStart: number) {
    this.lines = lines instanceof LineIndex ? lines : new LineIndex(lines.join('\n'));
    const lo = docStart - 1;
    this.cache.set('', { lo, hi: documentEnd(this.lines, lo), line: docStart, stuck: false });
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
    // A lone `-` (or one with only a comment): the item's content starts on the lines below it.
    if (item.keyCol === undefined) return { lo: item.line + 1, hi: from.hi, line: item.line + 1, stuck: false };
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

/** Spaces at the start of the line [s, e) of `text`. */
function indentOf(text: string, s: number, e: number): number {
  let i = s;
  while (i < e && text.charCodeAt(i) === 32) i++;
  return i - s;
}

/** Not blank and not a comment; checked without allocating, as it runs for every line walked. */
function isContent(text: string, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) continue;
    return c !== 35; // '#'
  }
  return false;
}

/** The character code at `i` of a line ending at `e`; NaN past its end, as for the line as a string. */
function codeAt(text: string, i: number, e: number): number {
  return i < e ? text.charCodeAt(i) : NaN;
}

function documentEnd(lines: LineIndex, from: number): number {
  const { text } = lines;
  for (let i = from + 1; i < lines.count; i++) {
    const s = lines.start(i);
    // Only a line starting with `---` or `...` can end the document; only those are cut out to test.
    if (!text.startsWith('---', s) && !text.startsWith('...', s)) continue;
    const line = lines.line(i);
    if (/^---(\s|$)/.test(line) || line === '...') return i;
  }
  return lines.count;
}

/**
 * Does the line [s, e) of `text` hold `key:` at column `col`, the key plain or quoted? Read in place:
 * it runs for every line of a mapping walked.
 */
function keyAt(text: string, s: number, e: number, col: number, key: string): boolean {
  const at = s + col;
  let end: number;
  const q = codeAt(text, at, e);
  if (at + key.length <= e && text.startsWith(key, at)) end = at + key.length;
  else if ((q === 34 || q === 39) && at + key.length + 1 < e && text.startsWith(key, at + 1) && text.charCodeAt(at + key.length + 1) === q) end = at + key.length + 2;
  else return false;
  while (codeAt(text, end, e) === 32 || codeAt(text, end, e) === 9) end++;
  if (codeAt(text, end, e) !== 58) return false; // ':'
  const after = codeAt(text, end + 1, e);
  return Number.isNaN(after) || after === 32 || after === 9 || after === 13;
}

/** A key of the mapping in [lo, hi): the first key column found is the mapping's. */
function findKey(lines: LineIndex, lo: number, hi: number, key: string, firstLineKeyCol?: number): { line: number; col: number; inline: boolean } | undefined {
  const { text } = lines;
  let mapCol: number | undefined;
  for (let i = lines.contentFrom(lo); i < hi; ) {
    const ind = lines.indent(i);
    const s = lines.start(i);
    const e = lines.end(i);
    const col = i === lo && firstLineKeyCol !== undefined ? firstLineKeyCol : ind;
    mapCol ??= col;
    if (col < mapCol) return undefined; // the mapping ended
    const dash = codeAt(text, s + col, e) === 45 && codeAt(text, s + col + 1, e) === 32; // '- '
    if (col === mapCol && !dash && keyAt(text, s, e, col, key)) {
      // The first colon from the key column on, as written (a quoted key may hold one).
      const line = lines.line(i);
      const after = line.slice(line.indexOf(':', col) + 1).trim();
      return { line: i, col, inline: after !== '' && !after.startsWith('#') && !after.startsWith('|') && !after.startsWith('>') && !after.startsWith('&') };
    }
    // From a line of its own column, the next one is past its value's block. Deeper lines (before the
    // first key, below a first key that follows a `- `) are read one by one.
    i = col === ind ? lines.nextSibling(i) : lines.contentFrom(i + 1);
  }
  return undefined;
}

/** Is there a `-` entry marker at column `col` of the line [s, e) (`- x`, or a lone `-`)? */
function dashAt(text: string, s: number, e: number, col: number): boolean {
  if (codeAt(text, s + col, e) !== 45) return false;
  const next = codeAt(text, s + col + 1, e);
  return Number.isNaN(next) || next === 32 || next === 9 || next === 13;
}

/** The n-th `- ` item of the sequence that starts at line `lo`; its block ends where indentation falls back. */
function findItem(lines: LineIndex, lo: number, hi: number, n: number): { line: number; keyCol: number | undefined } | undefined {
  const { text } = lines;
  let seqCol = -1;
  let count = -1;
  for (let i = lines.contentFrom(lo); i < hi; ) {
    const ind = lines.indent(i);
    const s = lines.start(i);
    const e = lines.end(i);
    if (seqCol === -1) {
      if (!dashAt(text, s, e, ind)) return undefined;
      seqCol = ind;
    }
    if (ind < seqCol || (ind === seqCol && !dashAt(text, s, e, ind))) return undefined;
    if (ind === seqCol && ++count === n) return { line: i, keyCol: itemKeyCol(text, s, e, seqCol) };
    i = ind === seqCol ? lines.nextSibling(i) : lines.contentFrom(i + 1);
  }
  return undefined;
}

/** The column the item's content starts at on the `- ` line; undefined when nothing but a comment follows the dash. */
function itemKeyCol(text: string, s: number, e: number, seqCol: number): number | undefined {
  let i = s + seqCol + 1;
  while (i < e && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 13)) i++;
  return i === e || text.charCodeAt(i) === 35 ? undefined : i - s;
}
