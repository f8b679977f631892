import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../core/errors.js';
import type { DecodeSink } from './decode.js';
import type { InputLimits } from './limits.js';
import { decodeFile } from './parse-file.js';

/** A file for a parse worker to read and decode; `id` pairs the answer with the request. */
export interface ParseJob {
  id: number;
  file: string;
}

/** What a parse worker sends back: the file's sink, or why it could not (the main thread then decodes it itself). */
export type ParseAnswer = { id: number; sink: DecodeSink } | { id: number; failed: string };

export interface ParseWorkerData {
  limits: InputLimits;
}

const port = parentPort;
if (port) {
  const { limits } = workerData as ParseWorkerData;
  port.on('message', (job: ParseJob) => {
    void run(job);
  });
  const run = async (job: ParseJob): Promise<void> => {
    const sink: DecodeSink = { resources: [], errors: [], notes: [] };
    try {
      await decodeFile(job.file, limits, sink);
      port.postMessage({ id: job.id, sink } satisfies ParseAnswer);
    } catch (e) {
      // Includes a value structured clone cannot carry: the main thread decodes that file again.
      port.postMessage({ id: job.id, failed: errorMessage(e) } satisfies ParseAnswer);
    }
  };
}
