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
  for await (const chunk of chunks) {
    if (typeof chunk === 'string') decoder.push(chunk);
    else if (Buffer.isBuffer(chunk)) decoder.push(text.write(chunk));
    else {
      decoder.reset();
      text = new StringDecoder('utf8');
      opts.onReset?.(chunk.reset);
      continue;
    }
    await opts.afterChunk?.();
  }
  decoder.push(text.end());
  decoder.end();
  await opts.afterChunk?.();
}
