import { describeFsError, errorMessage } from '../core/errors.js';

/**
 * Why an input or a rules file could not be read, in the words the rest of the CLI uses (`cannot read:
 * no such file or directory`) rather than Node's (`ENOENT: no such file or directory, open '...'`).
 * Errors that are not the file system's pass through as they are.
 */
export function readFailure(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  // An errno code (ENOENT, EACCES, EISDIR); an SDK's own codes (ContainerNotFound) are not the file system's.
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return errorMessage(e);
  return `cannot read: ${describeFsError(e)}`;
}
