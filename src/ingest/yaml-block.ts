import { mergeTag, NOT_RESOLVED, type ScalarTagDefinition } from 'js-yaml';
import { KUBERNETES_YAML_SCHEMA } from './yaml-schema.js';

/**
 * A fast loader for the block-style YAML that Kubernetes manifests, `helm template` and
 * `kubectl get -o yaml` are written in. It is tried before js-yaml and gives up — returns
 * `UNSUPPORTED` — on anything it does not handle or is not sure of, so that js-yaml decides every
 * other document, and every error message and line still comes from js-yaml. What it does return is
 * what js-yaml returns for the same text with KUBERNETES_YAML_SCHEMA: the same plain
 * objects and arrays, the same key order, and scalars resolved by js-yaml's own tag resolvers.
 *
 * The speed comes from doing less: one pass over the characters with no event list and no
 * intermediate nodes, and plain scalars resolved only when their first character could start a
 * null, boolean or number (`name: web` never reaches a resolver).
 */

export const UNSUPPORTED: unique symbol = Symbol('UNSUPPORTED');

/** The schema decode.ts loads with; its implicit scalar tags resolve plain scalars here too. */
const SCHEMA = KUBERNETES_YAML_SCHEMA;
const MERGE_TAG = mergeTag.tagName;

type ScalarTag = ScalarTagDefinition<unknown>;
const isScalarTag = (t: (typeof SCHEMA.tags)[number]): t is ScalarTag => t.nodeKind === 'scalar';
const IMPLICIT: ScalarTag[] = SCHEMA.tags.filter(isScalarTag).filter((t) => t.implicit);
const STR = SCHEMA.tags.filter(isScalarTag).find((t) => t.tagName === 'tag:yaml.org,2002:str' && !t.matchByTagPrefix);
// Resolvers by first character, built the way js-yaml's Schema builds its own dispatch table.
const ANY_FIRST = IMPLICIT.filter((t) => t.implicitFirstChars === null);
const BY_FIRST = new Map<string, ScalarTag[]>();
for (const t of IMPLICIT) {
  for (const key of t.implicitFirstChars ?? []) {
    if (!BY_FIRST.has(key)) BY_FIRST.set(key, IMPLICIT.filter((u) => u.implicitFirstChars === null || u.implicitFirstChars.includes(key)));
  }
}
const ASCII_FIRST: ScalarTag[][] = Array.from({ length: 128 }, (_, i) => BY_FIRST.get(String.fromCharCode(i)) ?? ANY_FIRST);

/** Thrown inside the loader to give up; never leaves it. */
const BAIL = new Error('unsupported YAML construct');

/**
 * Characters js-yaml refuses or treats specially, and ones this loader leaves to it: tabs, control
 * characters, C1 controls, surrogates (js-yaml checks their pairing), BOMs, non-characters, the
 * Unicode line and paragraph separators; and a carriage return not followed by a line feed.
 */
// eslint-disable-next-line no-control-regex
const LEAVE_TO_JS_YAML = /[\t\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uD800-\uDFFF\u2028\u2029\uFEFF\uFFFE\uFFFF]/;
// Kept apart: one character class is a much faster scan than an alternation.
const LONE_CR = /\r(?!\n)/;

const SPACE = 32;
const LF = 10;
const END = 0; // the sentinel appended to the text
const HASH = 35;
const COLON = 58;
const DASH = 45;

function resolvePlain(source: string): unknown {
  const c = source.charCodeAt(0);
  const candidates = c < 128 ? ASCII_FIRST[c]! : (BY_FIRST.get(source.charAt(0)) ?? ANY_FIRST);
  for (const tag of candidates) {
    const value = tag.resolve(source, false, tag.tagName);
    if (value !== NOT_RESOLVED) {
      // `<<` is a merge key: js-yaml's business.
      if (tag.tagName === MERGE_TAG) throw BAIL;
      return value;
    }
  }
  return STR ? STR.resolve(source, false, STR.tagName) : source;
}

/** What an empty node (`key:` with nothing after it) is in this schema: null. */
const EMPTY = resolvePlain('');

function wsOrEnd(c: number): boolean {
  return c === SPACE || c === LF || c === END;
}

/** Characters that cannot start a plain scalar (or start something this loader leaves alone). */
function plainStartRefused(c: number, next: number): boolean {
  switch (c) {
    case HASH: // comment
    case 38: // & anchor
    case 42: // * alias
    case 33: // ! tag
    case 124: // | block scalar
    case 62: // > block scalar
    case 39: // ' quoted
    case 34: // " quoted
    case 37: // % directive
    case 64: // @ reserved
    case 96: // ` reserved
    case 44: // , flow indicators
    case 91:
    case 93:
    case 123:
    case 125:
    case 63: // ? complex key (and `?x`, rare enough to leave to js-yaml)
      return true;
    case DASH: // `- ` is a sequence entry, `: ` an empty key; `-1` and `::1` are plain scalars
    case COLON:
      return wsOrEnd(next);
    default:
      return c === SPACE || c === LF || c === END;
  }
}

/** js-yaml's one-character escapes in double-quoted scalars, by the escape character's code. */
const SIMPLE_ESCAPES: Array<string | undefined> = [];
for (const [e, v] of Object.entries({ '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1B', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xA0', L: '\u2028', P: '\u2029' })) {
  SIMPLE_ESCAPES[e.charCodeAt(0)] = v;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lc = c | 32;
  return lc >= 97 && lc <= 102 ? lc - 87 : -1;
}

class BlockParser {
  private readonly s: string;
  private pos = 0;
  /** Start of the current content line, its indentation (-1 at the end of the text). */
  private lineStart = 0;
  private indent = 0;
  private depth = 0;
  /** Whether the last quoted or plain scalar spanned lines. */
  private multiline = false;

  constructor(
    text: string,
    private readonly maxDepth: number,
  ) {
    this.s = `${text}\0`;
  }

  load(): unknown {
    this.nextLine();
    if (this.indent < 0) throw BAIL;
    const value = this.node(this.indent - 1);
    // Anything left over is an error for js-yaml to word; a bare scalar document is left to it too.
    if (this.indent >= 0 || value === null || typeof value !== 'object') throw BAIL;
    return value;
  }

  /** Moves `pos` to the first character of the next line that is not blank or a comment. */
  private nextLine(): void {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      const start = p;
      while (s.charCodeAt(p) === SPACE) p++;
      const c = s.charCodeAt(p);
      if (c === LF) {
        p++;
        continue;
      }
      if (c === HASH) {
        const nl = s.indexOf('\n', p);
        p = nl === -1 ? s.length - 1 : nl + 1;
        continue;
      }
      this.pos = p;
      this.lineStart = start;
      if (c === END) {
        this.indent = -1;
        return;
      }
      this.indent = p - start;
      // A `---` or `...` marker left inside a document: js-yaml's call.
      if (this.indent === 0 && (c === DASH || c === 46) && s.charCodeAt(p + 1) === c && s.charCodeAt(p + 2) === c && wsOrEnd(s.charCodeAt(p + 3))) throw BAIL;
      return;
    }
  }

  /** The rest of the line must be spaces and perhaps a comment; moves past its line break. */
  private endLine(): void {
    const s = this.s;
    let p = this.pos;
    while (s.charCodeAt(p) === SPACE) p++;
    let c = s.charCodeAt(p);
    if (c === HASH) {
      if (s.charCodeAt(p - 1) !== SPACE) throw BAIL;
      const nl = s.indexOf('\n', p);
      p = nl === -1 ? s.length - 1 : nl;
      c = s.charCodeAt(p);
    }
    if (c === LF) p++;
    else if (c !== END) throw BAIL;
    this.pos = p;
  }

  private enter(): void {
    // js-yaml counts every node, scalars included, against maxDepth: stay well inside it.
    if (++this.depth >= this.maxDepth - 1) throw BAIL;
  }

  /** A node starting at `pos` (a line's first character, after `- `, or the document's start). */
  private node(parent: number): unknown {
    const s = this.s;
    const p = this.pos;
    const c = s.charCodeAt(p);
    const col = p - this.lineStart;
    if (c === DASH && wsOrEnd(s.charCodeAt(p + 1))) return this.sequence(col);
    if (c === 34 || c === 39) {
      const v = this.quoted(parent + 1);
      let q = this.pos;
      while (s.charCodeAt(q) === SPACE) q++;
      if (s.charCodeAt(q) === COLON && wsOrEnd(s.charCodeAt(q + 1))) {
        // A key must fit on one line.
        if (this.multiline) throw BAIL;
        this.pos = q + 1;
        return this.mapping(col, v);
      }
      this.endLine();
      this.nextLine();
      return v;
    }
    if (c === 91 || c === 123) {
      const v = this.flow(parent + 1);
      this.endLine();
      this.nextLine();
      return v;
    }
    if (c === 124 || c === 62) return this.blockScalar(parent);
    if (plainStartRefused(c, s.charCodeAt(p + 1))) throw BAIL;
    const end = this.plain(parent + 1);
    if (s.charCodeAt(this.pos) === COLON) {
      // A key must fit on one line.
      if (this.multiline) throw BAIL;
      this.pos++;
      return this.mapping(col, String(resolvePlain(s.slice(p, end))));
    }
    const v = resolvePlain(this.plainText(p, end));
    this.endLine();
    this.nextLine();
    return v;
  }

  /**
   * Scans a block plain scalar from `pos` to a comment, a `: ` that makes it a key (then `pos` is on
   * the colon), or the end of its last line: it goes on over following lines indented at least
   * `minIndent`, as YAML folds long plain scalars (and go-yaml, behind kubectl, writes them).
   * Returns where its text ends (trailing spaces dropped); `multiline` says whether it spanned lines.
   */
  private plain(minIndent: number): number {
    const s = this.s;
    let q = this.pos;
    let end = q;
    this.multiline = false;
    for (;;) {
      const c = s.charCodeAt(q);
      if (c === LF) {
        // Blank lines fold too; a comment, or a line indented less, ends the scalar.
        let r = q;
        let indent = 0;
        do {
          r++;
          indent = 0;
          while (s.charCodeAt(r) === SPACE) {
            r++;
            indent++;
          }
        } while (s.charCodeAt(r) === LF);
        const next = s.charCodeAt(r);
        if (next === END || next === HASH || indent < minIndent || indent === 0) break;
        this.multiline = true;
        q = r;
        continue;
      }
      if (c === END) break;
      if (c === COLON) {
        if (wsOrEnd(s.charCodeAt(q + 1))) break;
      } else if (c === HASH && s.charCodeAt(q - 1) === SPACE) break;
      if (c !== SPACE) end = q + 1;
      q++;
    }
    this.pos = q;
    return end;
  }

  /** The text of a plain scalar scanned by `plain`. */
  private plainText(start: number, end: number): string {
    return this.multiline ? flowScalarValue(this.s, start, end, 'plain') : this.s.slice(start, end);
  }

  /** A block mapping at column `col` whose first key has been read; `pos` is after its colon. */
  private mapping(col: number, firstKey: unknown): Record<string, unknown> {
    this.enter();
    const obj: Record<string, unknown> = {};
    let key = firstKey as string;
    for (;;) {
      if (key === '__proto__' || Object.hasOwn(obj, key)) throw BAIL;
      obj[key] = this.value(col);
      if (this.indent < col) break;
      if (this.indent > col) throw BAIL;
      key = this.key();
    }
    this.depth--;
    return obj;
  }

  /** The key of a mapping entry at `pos`; moves past its colon. */
  private key(): string {
    const s = this.s;
    const p = this.pos;
    const c = s.charCodeAt(p);
    if (c === 34 || c === 39) {
      const k = this.quoted(0);
      if (this.multiline) throw BAIL;
      let q = this.pos;
      while (s.charCodeAt(q) === SPACE) q++;
      if (s.charCodeAt(q) !== COLON || !wsOrEnd(s.charCodeAt(q + 1))) throw BAIL;
      this.pos = q + 1;
      return k;
    }
    if (plainStartRefused(c, s.charCodeAt(p + 1))) throw BAIL;
    const end = this.plain(Infinity);
    if (s.charCodeAt(this.pos) !== COLON) throw BAIL;
    this.pos++;
    return String(resolvePlain(s.slice(p, end)));
  }

  /** The value of a mapping entry at column `col`; `pos` is after the key's colon. */
  private value(col: number): unknown {
    const s = this.s;
    let p = this.pos;
    while (s.charCodeAt(p) === SPACE) p++;
    const c = s.charCodeAt(p);
    this.pos = p;
    if (c === LF || c === END || c === HASH) {
      this.endLine();
      this.nextLine();
      if (this.indent > col) return this.node(col);
      // A sequence may sit at its key's own indentation.
      if (this.indent === col && s.charCodeAt(this.pos) === DASH && wsOrEnd(s.charCodeAt(this.pos + 1))) return this.sequence(col);
      return EMPTY;
    }
    let v: unknown;
    if (c === 34 || c === 39) v = this.quoted(col + 1);
    else if (c === 91 || c === 123) v = this.flow(col + 1);
    else if (c === 124 || c === 62) return this.blockScalar(col);
    else {
      if (plainStartRefused(c, s.charCodeAt(p + 1))) throw BAIL;
      const end = this.plain(col + 1);
      // `a: b: c` is an error.
      if (s.charCodeAt(this.pos) === COLON) throw BAIL;
      v = resolvePlain(this.plainText(p, end));
    }
    this.endLine();
    this.nextLine();
    return v;
  }

  /** A block sequence whose first `-` is at `pos`, column `col`. */
  private sequence(col: number): unknown[] {
    this.enter();
    const s = this.s;
    const arr: unknown[] = [];
    for (;;) {
      let p = this.pos + 1;
      while (s.charCodeAt(p) === SPACE) p++;
      const c = s.charCodeAt(p);
      this.pos = p;
      if (c === LF || c === END || c === HASH) {
        this.endLine();
        this.nextLine();
        arr.push(this.indent > col ? this.node(col) : EMPTY);
      } else arr.push(this.node(col));
      if (this.indent < col) break;
      if (this.indent > col) throw BAIL;
      const q = this.pos;
      if (s.charCodeAt(q) !== DASH || !wsOrEnd(s.charCodeAt(q + 1))) break;
    }
    this.depth--;
    return arr;
  }

  /**
   * A quoted scalar at `pos`, inside a collection whose continuation lines must be indented at least
   * `minIndent`; moves past its closing quote. `multiline` says whether it spanned lines.
   */
  private quoted(minIndent: number): string {
    const s = this.s;
    const quote = s.charCodeAt(this.pos);
    const start = this.pos + 1;
    let q = start;
    let simple = true;
    this.multiline = false;
    for (;;) {
      const c = s.charCodeAt(q);
      if (c === quote) {
        if (quote === 39 && s.charCodeAt(q + 1) === 39) {
          simple = false;
          q += 2;
          continue;
        }
        break;
      }
      if (c === END) throw BAIL;
      if (c === LF) {
        simple = false;
        q = this.flowBreak(q, minIndent);
        continue;
      }
      if (c === 92 && quote === 34) {
        simple = false;
        const e = s.charCodeAt(q + 1);
        if (e === LF) {
          q = this.flowBreak(q + 1, minIndent);
          continue;
        }
        if (e < 128 && SIMPLE_ESCAPES[e] !== undefined) q += 2;
        else if (e === 120 /* x */ || e === 117 /* u */) {
          const n = e === 120 ? 2 : 4;
          for (let i = 0; i < n; i++) if (hexDigit(s.charCodeAt(q + 2 + i)) < 0) throw BAIL;
          q += 2 + n;
        } else throw BAIL; // \U (js-yaml's 32-bit arithmetic is its own business) or an unknown escape
        continue;
      }
      q++;
    }
    this.pos = q + 1;
    if (simple) return s.slice(start, q);
    return flowScalarValue(s, start, q, quote === 39 ? 'single' : 'double');
  }

  /**
   * A line break inside a quoted scalar at `q`: returns the first character of the next line that is
   * not blank, which must be indented at least `minIndent` (and is never a `---` at column 0).
   */
  private flowBreak(q: number, minIndent: number): number {
    const s = this.s;
    this.multiline = true;
    for (;;) {
      q++;
      const lineStart = q;
      while (s.charCodeAt(q) === SPACE) q++;
      const c = s.charCodeAt(q);
      if (c === LF) continue;
      if (c === END || q - lineStart < minIndent || q === lineStart) throw BAIL;
      return q;
    }
  }

  /**
   * A flow collection at `pos` (`[]`, `{}`, `[a, "b"]`, `{a: 1}`, nested, over several lines) whose
   * lines must be indented at least `minIndent`. Single-pair mappings inside sequences (`[a: 1]`),
   * explicit keys, empty entries and multi-line plain scalars are js-yaml's.
   */
  private flow(minIndent: number): unknown {
    const s = this.s;
    const open = s.charCodeAt(this.pos);
    const close = open === 91 ? 93 : 125;
    this.enter();
    this.pos++;
    this.flowSpace(minIndent);
    let result: unknown;
    if (open === 91) {
      const arr: unknown[] = [];
      while (s.charCodeAt(this.pos) !== close) {
        arr.push(this.flowNode(minIndent, false));
        this.flowSpace(minIndent);
        if (!this.flowNext(close, minIndent)) break;
      }
      result = arr;
    } else {
      const obj: Record<string, unknown> = {};
      while (s.charCodeAt(this.pos) !== close) {
        const c = s.charCodeAt(this.pos);
        if (c === 91 || c === 123) throw BAIL;
        const key = String(this.flowNode(minIndent, true));
        if (this.multiline) throw BAIL;
        this.flowSpace(minIndent);
        if (s.charCodeAt(this.pos) !== COLON || s.charCodeAt(this.pos + 1) !== SPACE) throw BAIL;
        this.pos++;
        this.flowSpace(minIndent);
        if (key === '__proto__' || Object.hasOwn(obj, key)) throw BAIL;
        obj[key] = this.flowNode(minIndent, false);
        this.flowSpace(minIndent);
        if (!this.flowNext(close, minIndent)) break;
      }
      result = obj;
    }
    this.pos++;
    this.depth--;
    return result;
  }

  /** After an entry: a comma (then perhaps the end: a trailing comma is fine) or the closing bracket. */
  private flowNext(close: number, minIndent: number): boolean {
    const c = this.s.charCodeAt(this.pos);
    if (c === close) return false;
    if (c !== 44) throw BAIL;
    this.pos++;
    this.flowSpace(minIndent);
    return true;
  }

  /** Spaces, comments and line breaks between flow tokens; a continuation line must be indented enough. */
  private flowSpace(minIndent: number): void {
    const s = this.s;
    let p = this.pos;
    let lineStart = -1;
    for (;;) {
      while (s.charCodeAt(p) === SPACE) p++;
      let c = s.charCodeAt(p);
      if (c === HASH) {
        const prev = s.charCodeAt(p - 1);
        if (prev !== SPACE && prev !== LF) throw BAIL;
        const nl = s.indexOf('\n', p);
        p = nl === -1 ? s.length - 1 : nl;
        c = s.charCodeAt(p);
      }
      if (c === LF) {
        lineStart = ++p;
        continue;
      }
      if (c === END) throw BAIL;
      break;
    }
    if (lineStart >= 0 && (p - lineStart < minIndent || p === lineStart)) throw BAIL;
    this.pos = p;
  }

  /** An entry of a flow collection: a nested collection, or a quoted or plain scalar. */
  private flowNode(minIndent: number, isKey: boolean): unknown {
    const s = this.s;
    const p = this.pos;
    const c = s.charCodeAt(p);
    this.multiline = false;
    if (c === 91 || c === 123) return this.flow(minIndent);
    if (c === 34 || c === 39) return this.quoted(minIndent);
    const next = s.charCodeAt(p + 1);
    if (plainStartRefused(c, next) || c === COLON || (c === DASH && (next === 44 || next === 93 || next === 125))) throw BAIL;
    let q = p;
    let end = p;
    for (;;) {
      const ch = s.charCodeAt(q);
      // A line break ends the scalar here; what follows must be a flow indicator, or it was a multi-line scalar (js-yaml's).
      if (ch === 44 || ch === 93 || ch === 125 || ch === LF || ch === END) break;
      if (ch === COLON) {
        const after = s.charCodeAt(q + 1);
        if (wsOrEnd(after) || after === 44 || after === 91 || after === 93 || after === 123 || after === 125) {
          // A key's colon; in a sequence, an implicit single-pair mapping (js-yaml's).
          if (!isKey) throw BAIL;
          break;
        }
      }
      if (ch === HASH && s.charCodeAt(q - 1) === SPACE) break;
      if (ch === 91 || ch === 123) throw BAIL;
      if (ch !== SPACE) end = q + 1;
      q++;
    }
    this.pos = q;
    return resolvePlain(s.slice(p, end));
  }

  /**
   * A literal or folded block scalar whose indicator is at `pos`, inside a collection at column
   * `parent`. Its extent and value follow js-yaml's readBlockScalar and getBlockValue.
   */
  private blockScalar(parent: number): string {
    const s = this.s;
    const folded = s.charCodeAt(this.pos) === 62;
    let p = this.pos + 1;
    let chomping = 0; // 0 clip, 1 keep, -1 strip
    const h = s.charCodeAt(p);
    if (h === 43 || h === DASH) {
      chomping = h === 43 ? 1 : -1;
      p++;
    }
    // Explicit indentation indicators and doubled chomping indicators are js-yaml's.
    const after = s.charCodeAt(p);
    if ((after >= 48 && after <= 57) || after === 43 || after === DASH) throw BAIL;
    this.pos = p;
    this.endLine();
    const minIndent = parent + 1;
    let contentIndent = -1;
    let maxLeadingIndent = 0;
    const valueStart = this.pos;
    let valueEnd = valueStart;
    p = valueStart;
    for (;;) {
      const linePos = p;
      let column = 0;
      while (s.charCodeAt(linePos + column) === SPACE) column++;
      const first = s.charCodeAt(linePos + column);
      if (first === END) {
        if (contentIndent >= 0 ? column > contentIndent : column > 0) valueEnd = linePos + column;
        p = linePos + column;
        break;
      }
      if (column === 0 && (first === DASH || first === 46) && s.charCodeAt(linePos + 1) === first && s.charCodeAt(linePos + 2) === first && wsOrEnd(s.charCodeAt(linePos + 3))) throw BAIL;
      if (first === LF) {
        if (contentIndent === -1) maxLeadingIndent = Math.max(maxLeadingIndent, column);
      } else if (contentIndent === -1) {
        if (column < minIndent) {
          p = linePos;
          break;
        }
        // More-indented blank lines before the first content line: an error for js-yaml to word.
        if (column < maxLeadingIndent) throw BAIL;
        contentIndent = column;
      } else if (column < contentIndent) {
        p = linePos;
        break;
      }
      const nl = s.indexOf('\n', linePos + column);
      if (nl === -1) {
        valueEnd = s.length - 1;
        p = valueEnd;
        break;
      }
      p = nl + 1;
      valueEnd = p;
    }
    this.pos = p;
    this.nextLine();
    return blockValue(s, valueStart, valueEnd, contentIndent, chomping, folded);
  }
}

/** Line breaks (and the blank space around them) folded inside a quoted scalar, as js-yaml folds them. */
function skipFoldedBreaks(s: string, position: number, end: number): { position: number; breaks: number } {
  let breaks = 0;
  while (position < end) {
    const c = s.charCodeAt(position);
    if (c === LF) {
      breaks++;
      position++;
    } else if (c === SPACE) position++;
    else break;
  }
  return { position, breaks };
}

function foldedBreaks(count: number): string {
  return count === 1 ? ' ' : '\n'.repeat(count - 1);
}

/**
 * The value of a flow scalar that spans lines or holds escapes, as js-yaml's getPlainValue,
 * getSingleQuotedValue and getDoubleQuotedValue build it: the three fold line breaks alike, and differ
 * only in their escapes (`''` in single quotes, backslashes in double quotes) and in that a plain
 * scalar drops the spaces it ends with. Double-quoted escapes were checked when the scalar was scanned.
 */
function flowScalarValue(s: string, start: number, end: number, style: 'plain' | 'single' | 'double'): string {
  let result = '';
  let position = start;
  let captureStart = start;
  let captureEnd = start;
  while (position < end) {
    const c = s.charCodeAt(position);
    if (c === LF) {
      result += s.slice(captureStart, captureEnd);
      const fold = skipFoldedBreaks(s, position, end);
      result += foldedBreaks(fold.breaks);
      position = captureStart = captureEnd = fold.position;
    } else if (c === 39 && style === 'single') {
      result += `${s.slice(captureStart, position)}'`;
      position += 2;
      captureStart = captureEnd = position;
    } else if (c === 92 && style === 'double') {
      result += s.slice(captureStart, position);
      position++;
      const e = s.charCodeAt(position);
      const simple = SIMPLE_ESCAPES[e];
      if (e === LF) position = skipFoldedBreaks(s, position, end).position;
      else if (simple !== undefined) {
        result += simple;
        position++;
      } else {
        let code = 0;
        for (let n = e === 120 ? 2 : 4; n > 0; n--) code = code * 16 + hexDigit(s.charCodeAt(++position));
        result += String.fromCharCode(code);
        position++;
      }
      captureStart = captureEnd = position;
    } else {
      position++;
      if (c !== SPACE) captureEnd = position;
    }
  }
  return result + s.slice(captureStart, style === 'plain' ? captureEnd : end);
}

/** The text of a block scalar, as js-yaml's getBlockValue builds it. */
function blockValue(s: string, start: number, end: number, indent: number, chomping: number, folded: boolean): string {
  const textIndent = indent < 0 ? 0 : indent;
  const region = s.slice(start, end);
  const lines = region === '' ? [] : (region.endsWith('\n') ? region.slice(0, -1) : region).split('\n');
  let result = '';
  let didReadContent = false;
  let emptyLines = 0;
  let atMoreIndented = false;
  for (const line of lines) {
    let column = 0;
    while (column < textIndent && line.charCodeAt(column) === SPACE) column++;
    if (indent < 0 || column >= line.length) {
      emptyLines++;
      continue;
    }
    const content = line.slice(textIndent);
    if (folded) {
      if (content.charCodeAt(0) === SPACE) {
        atMoreIndented = true;
        result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
      } else if (atMoreIndented) {
        atMoreIndented = false;
        result += '\n'.repeat(emptyLines + 1);
      } else if (emptyLines === 0) {
        if (didReadContent) result += ' ';
      } else result += '\n'.repeat(emptyLines);
    } else result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
    result += content;
    didReadContent = true;
    emptyLines = 0;
  }
  if (chomping === 1) result += '\n'.repeat(didReadContent ? 1 + emptyLines : emptyLines);
  else if (chomping === 0 && didReadContent) result += '\n';
  return result;
}

/**
 * Loads one YAML document (as `splitDocuments` cuts it) if it is plain block-style YAML, or returns
 * `UNSUPPORTED` so that js-yaml loads it. Never throws.
 */
export function loadBlockYaml(text: string, maxDepth: number): unknown {
  if (LEAVE_TO_JS_YAML.test(text)) return UNSUPPORTED;
  const crlf = text.includes('\r');
  if (crlf && LONE_CR.test(text)) return UNSUPPORTED;
  try {
    return new BlockParser(crlf ? text.replace(/\r\n/g, '\n') : text, maxDepth).load();
  } catch {
    // BAIL, or anything unforeseen (a stack overflow on hostile nesting): js-yaml decides.
    return UNSUPPORTED;
  }
}
