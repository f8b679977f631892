import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { describeFsError, UsageError } from '../core/errors.js';
import { isObj, type Obj } from '../core/resource.js';
import { jsonSyntaxPosition } from '../core/json-error.js';
import { DEFAULT_LIMITS } from './limits.js';

/**
 * The name to show for a directory object as Microsoft Graph and `az ad ... list -o json` give it:
 * a user as `displayName <userPrincipalName>` (two people may share a display name, never a sign-in
 * name), a managed identity's service principal as `managed identity NAME` (as managed identities
 * read from `az identity list` are named), anything else by its display name.
 */
export function entraDisplayName(o: Obj): string | undefined {
  const str = (k: string) => (typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined);
  const display = str('displayName');
  const upn = str('userPrincipalName');
  if (upn !== undefined) return display && display !== upn ? `${display} <${upn}>` : upn;
  if (display && str('servicePrincipalType')?.toLowerCase() === 'managedidentity') return `managed identity ${display}`;
  return display;
}

/**
 * Object id → display name from a names document: an object `{ "<object id>": "name" }`, a list as
 * `az ad user|group|sp list -o json` prints it (objects with `id` and `displayName`), or a Graph
 * answer `{ "value": [...] }`. Objects without a name are skipped; a document of another shape
 * throws a UsageError that begins with `label`.
 */
export function entraNamesOf(doc: unknown, label: string): Map<string, string> {
  const names = new Map<string, string>();
  const list = Array.isArray(doc) ? doc : isObj(doc) && Array.isArray(doc.value) ? doc.value : undefined;
  if (list) {
    list.forEach((item, i) => {
      // Every directory object has a displayName key (null when hidden); a role assignment list has none.
      if (!isObj(item) || typeof item.id !== 'string' || item.id === '' || !('displayName' in item))
        throw new UsageError(`${label}: entry ${i} is not a directory object with an "id" and a "displayName" (as az ad user|group|sp list -o json prints them)`);
      const name = entraDisplayName(item);
      if (name !== undefined) names.set(item.id, name);
    });
    return names;
  }
  if (!isObj(doc)) throw new UsageError(`${label}: expected an object of object id → name, or a list of directory objects (az ad user|group|sp list -o json)`);
  for (const [id, name] of Object.entries(doc)) {
    if (typeof name !== 'string') throw new UsageError(`${label}: the name of ${JSON.stringify(id)} is not a string`);
    if (id !== '' && name !== '') names.set(id, name);
  }
  return names;
}

/** Reads the whole file, refusing one larger than `limit` bytes before reading it. */
function readBounded(file: string, limit: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > limit) throw new UsageError(`--entra-names ${file}: ${size} bytes is more than the ${limit} allowed`);
    const buf = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, buf, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

/** The text of a file as the az CLI may have written it: UTF-8, or UTF-16 with a byte order mark (PowerShell's `>`). */
function decodeText(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return Buffer.from(buf.subarray(2)).swap16().toString('utf16le');
  return buf.toString('utf8').replace(/^\uFEFF/, '');
}

/** `--entra-names FILE`: the display names it gives, by object id. Any problem is a UsageError naming the file. */
export function readEntraNames(file: string, limit = DEFAULT_LIMITS.maxFileBytes): Map<string, string> {
  const label = `--entra-names ${file}`;
  let text: string;
  try {
    text = decodeText(readBounded(file, limit));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${label}: cannot read: ${describeFsError(e)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // V8's message quotes the text; say where it breaks instead.
    const where = jsonSyntaxPosition(text);
    throw new UsageError(`${label}: not JSON${where ? ` (line ${where.line}: ${where.reason})` : ''}`);
  }
  return entraNamesOf(doc, label);
}
