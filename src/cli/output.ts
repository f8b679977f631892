import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { describeFsError, UsageError, type InputError, type InputNote } from '../core/errors.js';
import type { Report } from '../core/report.js';
import type { RuleMeta } from '../core/rule.js';
import type { Severity } from '../core/severity.js';
import { errorLabel } from '../report/common.js';
import { renderChunks, type Format } from '../report/index.js';
import { sarifSourceRoot } from '../report/source-root.js';

/** Colours only on a TTY, never with NO_COLOR set to a value (an empty one does not count) — https://no-color.org. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR;
}

let stdoutClosed = false;

/**
 * A reader that stops early (`| head`, `grep -q`) closes the pipe: what is left of the result has
 * nowhere to go, and the exit code stays the command's. Called once, by main.
 */
export function tolerateClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stdoutClosed = true;
  });
}

/** Whether the reader of stdout stopped early. */
export function stdoutIsClosed(): boolean {
  return stdoutClosed;
}

export function isClosedPipe(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

/** Results go to stdout or `-o FILE`; nothing else writes there. */
export function writeResult(text: string, outFile: string | undefined): void {
  if (!outFile) {
    if (!stdoutClosed) process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(outFile, text);
  } catch (e) {
    throw cannotWrite(outFile, e);
  }
}

/** `-o FILE` in a directory that does not exist, or naming a directory: the user's to fix, exit 2. */
function cannotWrite(file: string, e: unknown): UsageError {
  return new UsageError(`cannot write ${file}: ${describeFsError(e)}`);
}

/**
 * Writes a large result piece by piece (about 1 MiB at a time), waiting for stdout to drain. Returns
 * the bytes written to `outFile`; undefined for stdout, where encoding each piece again only to count
 * it would cost as much as writing it.
 */
export async function writeChunks(chunks: Iterable<string>, outFile: string | undefined): Promise<number | undefined> {
  let fd: number | undefined;
  try {
    if (outFile) fd = openSync(outFile, 'w');
  } catch (e) {
    throw cannotWrite(outFile as string, e);
  }
  try {
    let batch = '';
    let bytes = 0;
    const flush = async () => {
      if (fd === undefined) {
        try {
          if (!stdoutClosed && !process.stdout.write(batch)) await once(process.stdout, 'drain');
        } catch (e) {
          if (!isClosedPipe(e)) throw e;
          stdoutClosed = true;
        }
      } else {
        try {
          bytes += writeSync(fd, batch);
        } catch (e) {
          throw cannotWrite(outFile as string, e);
        }
      }
      batch = '';
    };
    for (const chunk of chunks) {
      batch += chunk;
      if (batch.length >= 1 << 20) await flush();
    }
    if (batch) await flush();
    return fd === undefined ? undefined : bytes;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}


export function printErrors(errors: readonly InputError[]): void {
  for (const e of errors) process.stderr.write(`palisade: error: ${`${errorLabel(e)}: ${e.message}`}\n`);
}

export function printWarnings(warnings: readonly InputNote[]): void {
  for (const w of warnings) process.stderr.write(`palisade: warning: ${`${errorLabel(w)}: ${w.message}`}\n`);
}

/** A one-line counter on a TTY stderr for long reads; silent otherwise. */
export function progress(label: string): { tick(item: string): void; done(): void } {
  if (!process.stderr.isTTY) return { tick() {}, done() {} };
  let n = 0;
  let last = 0;
  return {
    tick() {
      n++;
      const t = Date.now();
      if (t - last < 100) return;
      last = t;
      process.stderr.write(`\r${label}: ${n} files`);
    },
    done() {
      if (n > 0 && last > 0) process.stderr.write(`\r${' '.repeat(label.length + 20)}\r`);
    },
  };
}

/** Prints input errors and warnings to stderr and the report to stdout or `-o FILE` (JSON and HTML streamed). */
export async function emitReport(
  outcome: { report: Report; warnings: readonly InputNote[]; failOn?: Severity | 'none' },
  format: Format,
  output: string | undefined,
  rules: readonly RuleMeta[],
  sarif: { category?: string } = {},
): Promise<void> {
  printErrors(outcome.report.errors);
  printWarnings(outcome.warnings);
  const color = format === 'table' && !output && useColor();
  const options = {
    rules,
    color,
    warnings: outcome.warnings,
    ...(outcome.failOn !== undefined ? { failOn: outcome.failOn } : {}),
    // SARIF paths are relative to the repository root, wherever in it Palisade ran.
    ...(format === 'sarif' ? { sourceRoot: sarifSourceRoot(outcome.report) } : {}),
    ...(sarif.category !== undefined ? { sarifCategory: sarif.category } : {}),
  };
  await writeChunks(renderChunks(format, outcome.report, options), output);
}

/** `--sarif-category NAME`: the code scanning category of a SARIF log, for commands that write one. */
export const SARIF_CATEGORY_FLAGS = '--sarif-category <name>';

/** The category to write: the flag's, else the command's own, so two commands' logs from one job never share one. */
export function sarifCategory(flag: string | undefined, command: string): { category: string } {
  if (flag !== undefined && flag.trim() === '') throw new UsageError('--sarif-category needs a name, such as palisade/aks');
  return { category: flag ?? `palisade/${command}` };
}
