import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DecodeSink } from './decode.js';
import { decodeInput } from './decode.js';
import { readBounded } from './parse-file.js';
import type { InputLimits } from './limits.js';
import type { ParseAnswer, ParseJob, ParseWorkerData } from './parse-worker.js';

/**
 * When files are read on several threads. Starting a worker costs a tenth of a second and a file is
 * decoded at some 40 MB/s per core (the block-YAML loader; js-yaml, for what it leaves, at about 8),
 * so below several megabytes one thread finishes first.
 */
export interface ParsePoolOptions {
  /** Total bytes of YAML/JSON from which a pool is used. */
  minBytes: number;
  /** Worker threads, besides the caller's thread, which decodes files too. */
  workers: number;
}

/**
 * One thread per core, the caller's included: a worker's results are copied to the caller's thread
 * (structured clone: about half the cost of decoding them with the block-YAML loader, a tenth of
 * js-yaml's), so a thread more than the cores only adds that copy. On two cores the pool reads the
 * bench estate about a tenth faster than one thread. Past eight the caller's thread, which takes every
 * copy, is the limit.
 */
export const DEFAULT_PARSE_POOL: ParsePoolOptions = {
  minBytes: 8 * 1024 * 1024,
  workers: Math.min(availableParallelism() - 1, 7),
};

// Files in flight per worker: one being decoded, one read ahead so no worker waits on a message.
const IN_FLIGHT = 2;

interface Slot {
  promise: Promise<DecodeSink | undefined>;
  resolve: (sink: DecodeSink | undefined) => void;
  settled: boolean;
}

interface PendingRead {
  index: number;
  sink: DecodeSink;
  text: Promise<string | undefined>;
}

interface Member {
  worker: Worker;
  /** Job ids sent and not answered. */
  pending: Set<number>;
}

/**
 * Reads and decodes files on worker threads, all of them started at once, and hands the results
 * back in whatever order the caller takes them. The caller's thread decodes files too while it
 * waits, from the end of the list (workers take them from the front), so no thread idles while
 * workers start or finish. A file whose worker fails (it crashed, could not be started, or its result
 * could not be copied) is decoded on the caller's thread: a pool makes reading faster, never different.
 */
export class ParsePool {
  private readonly slots: Slot[];
  private readonly members = new Set<Member>();
  /** The next file to send a worker. */
  private next = 0;
  /** Files from here on are the caller's thread's. */
  private end: number;
  /** How many files a worker decoded; the caller's thread decoded the others. */
  decodedByWorkers = 0;

  constructor(
    private readonly files: readonly string[],
    private readonly limits: InputLimits,
    workers: number,
  ) {
    this.end = files.length;
    this.slots = files.map(() => {
      let settle!: (sink: DecodeSink | undefined) => void;
      const promise = new Promise<DecodeSink | undefined>((r) => (settle = r));
      const slot: Slot = {
        promise,
        settled: false,
        resolve: (sink) => {
          slot.settled = true;
          settle(sink);
        },
      };
      return slot;
    });
    const count = Math.max(0, Math.min(workers, files.length));
    for (let i = 0; i < count; i++) {
      const member = this.start({ limits });
      if (!member) break;
      this.members.add(member);
    }
    for (const member of this.members) this.feed(member);
  }

  /** The results of file `index` (of the list given), whichever thread decoded it. */
  async take(index: number): Promise<DecodeSink> {
    const slot = this.slots[index];
    if (!slot) throw new RangeError(`no file ${index} in this pool`);
    while (!slot.settled && this.next < this.end) await this.decodeHere(--this.end);
    return (await slot.promise) ?? (await this.decodeHere(index));
  }

  async close(): Promise<void> {
    const members = [...this.members];
    for (const member of members) this.lose(member);
    await Promise.all(members.map((m) => m.worker.terminate()));
  }

  private async decodeHere(index: number): Promise<DecodeSink> {
    const read = this.readAhead?.index === index ? this.readAhead : this.startRead(index);
    this.readAhead = undefined;
    const text = await read.text;
    // The file this thread takes next is read while this one is decoded: a read waits on the disk or
    // the page cache, which this thread would otherwise sit out between files.
    if (this.next < this.end && this.end - 1 !== index) this.readAhead = this.startRead(this.end - 1);
    const { sink } = read;
    if (text !== undefined) await decodeInput(text, this.files[index] as string, this.limits, sink);
    this.slots[index]?.resolve(sink);
    return sink;
  }

  /** The file being read ahead for this thread, with the sink its read errors went to. */
  private readAhead: PendingRead | undefined;

  private startRead(index: number): PendingRead {
    const sink: DecodeSink = { resources: [], errors: [], notes: [] };
    return { index, sink, text: readBounded(this.files[index] as string, this.limits.maxFileBytes, sink) };
  }

  private start(data: ParseWorkerData): Member | undefined {
    let worker: Worker;
    try {
      worker = newParseWorker(data);
    } catch {
      return undefined;
    }
    const member: Member = { worker, pending: new Set() };
    worker.on('message', (answer: ParseAnswer) => {
      member.pending.delete(answer.id);
      if ('sink' in answer) this.decodedByWorkers++;
      this.slots[answer.id]?.resolve('sink' in answer ? answer.sink : undefined);
      this.feed(member);
    });
    const lost = () => this.lose(member);
    worker.on('error', lost);
    worker.on('exit', lost);
    return member;
  }

  private feed(member: Member): void {
    while (member.pending.size < IN_FLIGHT && this.next < this.end) {
      const id = this.next++;
      member.pending.add(id);
      member.worker.postMessage({ id, file: this.files[id] as string } satisfies ParseJob);
    }
  }

  /** A worker died: its files fall to the caller's thread, the others carry on with the queue. */
  private lose(member: Member): void {
    if (!this.members.delete(member)) return;
    for (const id of member.pending) this.slots[id]?.resolve(undefined);
    member.pending.clear();
  }
}

/**
 * From the compiled program the worker is a sibling `.js` file. From the TypeScript sources (tests,
 * benchmarks) a worker does not inherit the parent's module loader, so a small bootstrap registers
 * the same loader (tsx) in the worker before importing the entry.
 */
function newParseWorker(workerData: ParseWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./parse-worker.js', import.meta.url), { workerData });
  const entry = new URL('./parse-worker.ts', import.meta.url).href;
  const loader = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
