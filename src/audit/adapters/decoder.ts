import { jsonSyntaxError } from '../../core/json-error.js';
import { CsvReader } from './csv.js';
import { csvColumnName } from './records.js';

export interface DecoderSink {
  /** A parsed JSON value (a line, a document, or one element of a top-level array) and its first line. */
  value(v: unknown, line: number): void;
  malformed(line: number, message: string): void;
}

type Mode = 'undecided' | 'lines' | 'document' | 'csv';

const WS = new Set([32, 9, 10, 13, 0xfeff]);

/**
 * Turns text, fed in pieces, into parsed values without holding more than one record: JSON lines (the
 * fast path: one JSON.parse per line), pretty-printed JSON documents (one after another, and a
 * top-level array streamed element by element), or CSV with a header row (each row becomes an object
 * keyed by column). The format is decided by the first line, and by the two after it when the first
opens a document: whole JSON values there mean JSON lines whose first was cut short. Malformed input is reported with its line
 * and never stops the stream.
 */
export class RecordDecoder {
  private mode: Mode = 'undecided';
  private buf = '';
  /** Line number of the first character of `buf`. */
  private bufLine = 1;
  /** Lines mode: skipping the rest of a line that was too long. */
  private discarding = false;
  private csv: CsvReader | undefined;
  private header: string[] | undefined;
  private readonly doc = new DocumentScanner();

  constructor(
    private readonly sink: DecoderSink,
    private readonly maxRecordChars = 16 * 1024 * 1024,
    startLine = 1,
  ) {
    this.bufLine = startLine;
  }

  push(text: string): void {
    if (!text) return;
    if (this.mode === 'csv') return this.csv?.push(text);
    this.buf = this.buf ? this.buf + text : text;
    if (this.mode === 'undecided') this.decide(false);
    if (this.mode === 'lines') this.lines(false);
    else if (this.mode === 'document') this.document(false);
  }

  end(): void {
    if (this.mode === 'undecided') this.decide(true);
    if (this.mode === 'lines') this.lines(true);
    else if (this.mode === 'document') this.document(true);
    else if (this.mode === 'csv') this.csv?.end();
  }

  /** The input was truncated or replaced: forget the partial record and start over at line 1. */
  reset(): void {
    this.mode = 'undecided';
    this.buf = '';
    this.bufLine = 1;
    this.discarding = false;
    this.csv = undefined;
    this.header = undefined;
    this.doc.reset();
  }

  private decide(atEnd: boolean): void {
    let i = 0;
    let line = this.bufLine;
    while (i < this.buf.length && WS.has(this.buf.charCodeAt(i))) {
      if (this.buf.charCodeAt(i) === 10) line++;
      i++;
    }
    if (i === this.buf.length) {
      // Only blank lines so far: drop them, keep counting.
      this.buf = '';
      this.bufLine = line;
      return;
    }
    const first = this.buf.charCodeAt(i);
    if (first !== 123 && first !== 91) {
      this.mode = 'csv';
      const rest = this.buf;
      const startLine = this.bufLine;
      this.buf = '';
      this.csv = new CsvReader(
        (fields, l) => this.csvRow(fields, l + startLine - 1),
        (l) => this.sink.malformed(l + startLine - 1, `row longer than ${this.maxRecordChars} characters`),
        this.maxRecordChars,
      );
      this.csv.push(rest);
      if (atEnd) this.csv.end();
      return;
    }
    const nl = this.buf.indexOf('\n', i);
    if (nl < 0 && !atEnd) {
      // One line so far: a JSON line still arriving, or a document that does not break lines.
      if (this.buf.length > this.maxRecordChars) this.mode = 'document';
      return;
    }
    const firstLine = this.buf.slice(i, nl < 0 ? undefined : nl);
    try {
      JSON.parse(firstLine);
      this.mode = 'lines';
      return;
    } catch {
      if (!opensDocument(firstLine)) {
        this.mode = 'lines';
        return;
      }
    }
    // A line that opens a document, or a JSON line cut short outside a string (a partial record at the
    // start of an hourly blob): JSON lines follow the latter, never the lines of a document.
    const next = nl < 0 ? [] : this.linesAfter(nl + 1, LOOKAHEAD_LINES, atEnd);
    if (next === undefined) {
      if (this.buf.length > this.maxRecordChars) this.mode = 'document';
      return;
    }
    this.mode = next.length > 0 && next.every(isJsonRecord) ? 'lines' : 'document';
  }

  /**
   * The next `n` non-blank lines of the buffer from `from`, fewer only at the end of the input;
   * undefined while they have not all arrived.
   */
  private linesAfter(from: number, n: number, atEnd: boolean): string[] | undefined {
    const found: string[] = [];
    let start = from;
    while (found.length < n) {
      const nl = this.buf.indexOf('\n', start);
      if (nl < 0) {
        if (!atEnd) return undefined;
        const last = this.buf.slice(start).trim();
        if (last) found.push(last);
        break;
      }
      const line = this.buf.slice(start, nl).trim();
      if (line) found.push(line);
      start = nl + 1;
    }
    return found;
  }

  private lines(atEnd: boolean): void {
    const buf = this.buf;
    let start = 0;
    let line = this.bufLine;
    for (;;) {
      const nl = buf.indexOf('\n', start);
      if (nl < 0) break;
      if (this.discarding) this.discarding = false;
      else this.line(buf.slice(start, nl), line);
      start = nl + 1;
      line++;
    }
    let rest = start === 0 ? buf : buf.slice(start);
    if (atEnd && rest) {
      if (!this.discarding) this.line(rest, line);
      rest = '';
    } else if (rest.length > this.maxRecordChars && !this.discarding) {
      this.sink.malformed(line, `line longer than ${this.maxRecordChars} characters`);
      this.discarding = true;
      rest = '';
    } else if (this.discarding) rest = '';
    this.buf = rest;
    this.bufLine = line;
  }

  private line(text: string, line: number): void {
    let end = text.length;
    if (end && text.charCodeAt(end - 1) === 13) end--;
    let s = 0;
    while (s < end && WS.has(text.charCodeAt(s))) s++;
    if (s === end) return;
    const t = s === 0 && end === text.length ? text : text.slice(s, end);
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      this.sink.malformed(line, malformedJson(t));
      return;
    }
    this.sink.value(v, line);
  }

  private document(atEnd: boolean): void {
    const { consumed, lines } = this.doc.scan(this.buf, this.bufLine, this.sink, this.maxRecordChars, atEnd);
    this.buf = this.buf.slice(consumed);
    this.bufLine = lines;
  }

  private csvRow(fields: string[], line: number): void {
    if (!this.header) {
      this.header = fields.map(csvColumnName);
      return;
    }
    if (fields.length !== this.header.length) {
      this.sink.malformed(line, `CSV row has ${fields.length} fields, the header ${this.header.length}`);
      return;
    }
    const row: Record<string, string> = {};
    this.header.forEach((name, i) => {
      if (name) row[name] = fields[i] as string;
    });
    this.sink.value(row, line);
  }
}

function malformedJson(text: string): string {
  const err = jsonSyntaxError(text);
  // Said without quoting the line: it may hold a secret.
  return err ? `malformed JSON at column ${err.offset + 1}: ${err.reason}` : 'malformed JSON';
}

/** How many lines after a first line that opens a document tell whether JSON lines follow. */
const LOOKAHEAD_LINES = 2;

/** A line that is a whole JSON object or array by itself: a JSON line, never a line of a pretty-printed document. */
function isJsonRecord(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c !== 123 && c !== 91) return false;
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a line that is not JSON by itself opens a multi-line document (`{`, `[`, `{"records": [`):
 * it leaves brackets open and ends outside a string. A JSON line cut short usually ends inside one.
 */
function opensDocument(line: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return depth > 0 && !inString;
}

/**
 * Scans pretty-printed JSON: top-level values one after another, a top-level array element by
 * element. Keeps its state between pieces so a value may arrive in any number of pieces; only the
 * current value is held. A value above the size limit is reported and skipped (the scanner keeps
 * following brackets and strings to find its end).
 */
class DocumentScanner {
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Inside a top-level array: its elements are the records. */
  private inArray = false;
  /** Start offset (in the current buffer) and line of the value being captured, or -1. */
  private start = -1;
  private startLine = 0;
  private skipping = false;
  private scanned = 0;
  private line = 1;

  reset(): void {
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.inArray = false;
    this.start = -1;
    this.skipping = false;
    this.scanned = 0;
    this.line = 1;
  }

  /**
   * Scans `buf` from where the last call stopped; returns how much of it is no longer needed and the
   * line number at that point.
   */
  scan(buf: string, bufLine: number, sink: DecoderSink, max: number, atEnd: boolean): { consumed: number; lines: number } {
    if (this.scanned === 0) this.line = bufLine;
    let i = this.scanned;
    for (; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c === 10) this.line++;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 92) this.escape = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (WS.has(c)) continue;
      const capturing = this.start >= 0 || this.skipping;
      if (!capturing) {
        if (this.depth === 0 && c === 91 && !this.inArray) {
          this.inArray = true;
          this.depth = 1;
          continue;
        }
        if (this.inArray && this.depth === 1) {
          if (c === 44) continue;
          if (c === 93) {
            this.inArray = false;
            this.depth = 0;
            continue;
          }
        }
        if (c === 123 || c === 91) {
          this.start = i;
          this.startLine = this.line;
          this.depth++;
          continue;
        }
        // A bare value where a record should start: report it and skip to the next line.
        sink.malformed(this.line, 'expected a JSON object');
        const nl = buf.indexOf('\n', i);
        if (nl < 0) {
          i = buf.length;
          break;
        }
        i = nl - 1;
        continue;
      }
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) {
        this.depth--;
        if (this.depth === (this.inArray ? 1 : 0)) {
          if (this.skipping) this.skipping = false;
          else this.emit(buf.slice(this.start, i + 1), sink);
          this.start = -1;
        }
      }
    }
    // What is not part of the value being captured can go.
    let keepFrom = this.start >= 0 ? this.start : buf.length;
    if (this.start >= 0 && buf.length - this.start > max) {
      sink.malformed(this.startLine, `record longer than ${max} characters`);
      this.start = -1;
      this.skipping = true;
      keepFrom = buf.length;
    }
    if (atEnd && (this.start >= 0 || this.depth > 0 || this.skipping)) {
      sink.malformed(this.start >= 0 ? this.startLine : this.line, 'unexpected end of input inside a JSON value');
      this.reset();
      return { consumed: buf.length, lines: this.line };
    }
    if (this.start >= 0) this.start -= keepFrom;
    this.scanned = i - keepFrom;
    const lines = this.start >= 0 ? this.startLine : this.line;
    return { consumed: keepFrom, lines };
  }

  private emit(text: string, sink: DecoderSink): void {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      sink.malformed(this.startLine, malformedJson(text));
      return;
    }
    sink.value(v, this.startLine);
  }
}
