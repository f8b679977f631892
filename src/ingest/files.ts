import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../core/errors.js';
import { decodeInput, type DecodeSink } from './decode.js';
import { DEFAULT_LIMITS, type InputLimits } from './limits.js';

const EXTENSIONS = /\.(ya?ml|json|tf)$/i;

export interface IngestOptions {
  limits?: Partial<InputLimits>;
  /** Reads standard input when a path is `-`. */
  readStdin?: () => Promise<string>;
  /** Called once per file read, for progress display. */
  onFile?: (file: string) => void;
}

export interface IngestResult extends DecodeSink {
  files: number;
  /** Texts that cannot be read again (stdin), kept for locating findings. */
  texts: Map<string, string>;
}

/** Reads files, directories (recursively: .yaml, .yml, .json, .tf) and `-` (stdin) into resources. */
export async function ingestPaths(paths: readonly string[], options: IngestOptions = {}): Promise<IngestResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const result: IngestResult = { resources: [], errors: [], notes: [], files: 0, texts: new Map() };
  for (const p of paths) {
    if (p === '-') {
      let text: string;
      try {
        text = options.readStdin ? await options.readStdin() : await readStdin(limits.maxFileBytes);
      } catch (e) {
        result.errors.push({ source: '-', message: errorMessage(e) });
        continue;
      }
      result.texts.set('-', text);
      result.files++;
      await decodeInput(text, '-', limits, result);
      continue;
    }
    for (const file of await expand(p, result)) {
      options.onFile?.(file);
      result.files++;
      const text = await readBounded(file, limits.maxFileBytes, result);
      if (text !== undefined) await decodeInput(text, file, limits, result);
    }
  }
  return result;
}

async function expand(path: string, sink: DecodeSink): Promise<string[]> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    sink.errors.push({ source: path, message: `cannot read: ${describeFsError(e)}` });
    return [];
  }
  if (st.isFile()) return [path];
  if (!st.isDirectory()) {
    sink.errors.push({ source: path, message: 'not a file or directory' });
    return [];
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = async (dir: string): Promise<void> => {
    // Symlinked directories can form loops; visit each real directory once.
    const real = await realpath(dir).catch(() => dir);
    if (seen.has(real)) return;
    seen.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      sink.errors.push({ source: dir, message: `cannot read directory: ${describeFsError(e)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(full).catch(() => undefined);
        isDir = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isDir) await visit(full);
      else if (isFile && EXTENSIONS.test(entry.name)) out.push(full);
    }
  };
  await visit(path);
  return out;
}

async function readBounded(file: string, max: number, sink: DecodeSink): Promise<string | undefined> {
  try {
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      if (size > max) {
        sink.errors.push({ source: file, message: `file of ${size} bytes refused: over the ${max}-byte limit` });
        return undefined;
      }
      return (await fh.readFile()).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (e) {
    sink.errors.push({ source: file, message: `cannot read: ${describeFsError(e)}` });
    return undefined;
  }
}

export async function readStdin(max: number = DEFAULT_LIMITS.maxFileBytes): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buf.length;
    if (total > max) throw new Error(`standard input over the ${max}-byte limit`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return errorMessage(e);
}
