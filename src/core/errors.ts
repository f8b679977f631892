/** A problem with one input: it is reported in `errors[]` and the rest of the work goes on. */
export interface InputError {
  source: string;
  line?: number;
  message: string;
}

/** A remark about an input that is not a failure (a skipped non-Kubernetes document, ...). */
export interface InputNote {
  source: string;
  line?: number;
  message: string;
}

/** What tells one problem from another: its source, line and message (two reports of one problem share it). */
export function problemKey(p: InputNote): string {
  return `${p.source}\u0000${p.line ?? ''}\u0000${p.message}`;
}

/** A mistake on the command line or in the configuration: exit code 2, nothing is scanned. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Why a file could not be read or written, in plain words rather than Node's (`ENOENT: no such file or directory, open '...'`). */
export function describeFsError(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  if (code === 'ENOSPC') return 'no space left on device';
  return errorMessage(e);
}
