import { StringDecoder } from 'node:string_decoder';
import { RecordDecoder } from './adapters/decoder.js';
import { unwrap, type InputKind, type RecordSink } from './adapters/records.js';

/** A piece of input, or word that the input was truncated or replaced (a followed file). */
export type InputChunk = Buffer | string | { reset: 'truncated' | 'rotated' };

export interface ReadOptions {
  /** Runs after each piece, so the caller can flush alerts and wait for a slow reader of its output. */
  afterChunk?: () => void | Promise<void>;
  /** Told when a followed file was truncated or rotated (reading starts over at line 1). */
  onReset?: (why: 'truncated' | 'rotated') => void;
  /** The line number of the first line (an input resumed from a checkpoint). */
  startLine?: number;
}

/**
 * Reads one input to its end: decodes its text, cuts it into records, unwraps the audit events and
 * hands them to the sink (the engine). The input is read no faster than `afterChunk` lets it.
 */
export async function readInput(chunks: AsyncIterable<InputChunk>, source: string, kind: InputKind, sink: RecordSink, opts: ReadOptions = {}): Promise<void> {
  let text = new StringDecoder('utf8');
  const decoder = new RecordDecoder(
    {
      value: (v, line) => unwrap(v, kind, sink, source, line),
      malformed: (line, message) => sink.malformed(source, line, message),
    },
    undefined,
    opts.startLine,
  );
  // Only the start of an input (and of a followed file's new contents) tells text from binary data.
  let sniffed = false;
  for await (const chunk of chunks) {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) {
      decoder.reset();
      text = new StringDecoder('utf8');
      sniffed = false;
      opts.onReset?.(chunk.reset);
      continue;
    }
    const piece = typeof chunk === 'string' ? chunk : text.write(chunk);
    if (!sniffed && piece) {
      sniffed = true;
      const refused = notText(piece);
      if (refused) {
        sink.unreadable(source, refused);
        await opts.afterChunk?.();
        return;
      }
    }
    decoder.push(piece);
    await opts.afterChunk?.();
  }
  decoder.push(text.end());
  decoder.end();
  await opts.afterChunk?.();
}

/** How much of an input's start is looked at to tell text from binary data, as `palisade scan` does. */
const SNIFF_CHARS = 8192;

/**
 * Why an input is not text an audit log could be, judged from its start: UTF-16 (as some Windows tools
 * save files; read as UTF-8 it is NULs and replacement characters) or binary data. `palisade scan`
 * refuses a file on a single NUL; here it takes a tenth of control or undecodable characters, so a
 * stray line of NULs in a long log stays one malformed record and the events around it are read.
 */
export function notText(start: string): string | undefined {
  const n = Math.min(start.length, SNIFF_CHARS);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = start.charCodeAt(i);
    // Tab, line feed, form feed and carriage return are text.
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13)) odd++;
  }
  if (odd * 10 <= n) return undefined;
  // A byte-order mark (FF FE, FE FF) decodes to two replacement characters; ASCII in UTF-16 has a NUL in every other place.
  if (start.startsWith('\uFFFD\uFFFD') || start.charCodeAt(0) === 0 || start.charCodeAt(1) === 0) return 'UTF-16 text refused: save the file as UTF-8';
  return 'binary file refused (not JSON or CSV)';
}
