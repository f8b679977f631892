/**
 * Field paths name a value inside an object: `spec.containers[0].image`. A map key that contains dots
 * (annotation and label keys, ConfigMap file names) escapes them as `\.`, the form kubectl's JSONPath
 * accepts, so a path stays usable in the verify command.
 */
export function escapeKey(key: string): string {
  return key.replace(/\\/g, '\\\\').replace(/\./g, '\\.');
}

/** Splits a path into keys and indices, honouring `\.` escapes. */
export function splitPath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  let key = '';
  let keyStarted = false;
  const flush = () => {
    if (keyStarted) out.push(key);
    key = '';
    keyStarted = false;
  };
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    if (ch === '\\' && i + 1 < path.length) {
      key += path[++i];
      keyStarted = true;
    } else if (ch === '.') {
      flush();
    } else if (ch === '[') {
      const end = path.indexOf(']', i);
      const digits = end === -1 ? '' : path.slice(i + 1, end);
      if (!/^\d+$/.test(digits)) {
        key += ch;
        keyStarted = true;
        continue;
      }
      flush();
      out.push(Number(digits));
      i = end;
    } else {
      key += ch;
      keyStarted = true;
    }
  }
  flush();
  return out;
}

/**
 * The path with each list index replaced by what names the element, for finding ids: inserting a
 * sidecar before the app container, or a capability before another, must not move a finding onto
 * another element, nor make an unchanged one look new to a baseline; and changing the entry a
 * finding is about must make it new, not keep the old entry's id. An object element is named by its
 * `name` (a container's, volume's or env var's; a subject's kind, namespace and name, `[@kind/ns/name]`),
 * a plain value (a string, number or boolean: a capability, a host, an IP range, a group id) by itself,
 * `[=SYS_ADMIN]`, with `#2`, `#3`... on its repeats. Objects without a name keep their index, and so
 * does a path that leaves the object. So do the entries of `command` and `args`: a command line may hold
 * a password, and an id must not carry a secret's trace (it is a hash, but one a guessed secret could
 * be checked against).
 */
export function stableField(object: unknown, field: string | undefined): string | undefined {
  if (field === undefined) return undefined;
  const end = field.lastIndexOf(']');
  if (end === -1 || typeof object !== 'object' || object === null) return field;
  // Findings of one resource share their list prefixes (`spec.template.spec.containers[0]`): one walk each.
  let byPrefix = STABLE_PREFIXES.get(object);
  if (!byPrefix) STABLE_PREFIXES.set(object, (byPrefix = new Map()));
  const prefix = field.slice(0, end + 1);
  let stable = byPrefix.get(prefix);
  if (stable === undefined) byPrefix.set(prefix, (stable = stablePrefix(object, prefix)));
  return stable + field.slice(end + 1);
}

const STABLE_PREFIXES = new WeakMap<object, Map<string, string>>();

function stablePrefix(object: object, prefix: string): string {
  let cur: unknown = object;
  let out = '';
  let key: string | undefined;
  for (const part of splitPath(prefix)) {
    if (typeof part === 'number') {
      const list = Array.isArray(cur) ? (cur as unknown[]) : undefined;
      const element: unknown = list?.[part];
      const name = elementName(element);
      const value = name === undefined && list && !COMMAND_LINES.has(key ?? '') ? plainValue(list, part) : undefined;
      out += name !== undefined ? `[@${name}]` : value !== undefined ? `[=${value}]` : `[${part}]`;
      cur = element;
      key = undefined;
    } else {
      key = part;
      out += `${out === '' ? '' : '.'}${escapeKey(part)}`;
      cur = typeof cur === 'object' && cur !== null && !Array.isArray(cur) ? (cur as Record<string, unknown>)[part] : undefined;
    }
  }
  return out;
}

function elementName(element: unknown): string | undefined {
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return undefined;
  const { name, kind, namespace } = element as Record<string, unknown>;
  if (typeof name !== 'string') return undefined;
  return [typeof kind === 'string' ? kind : '', typeof namespace === 'string' ? namespace : '', name].join('/');
}

/** Lists whose entries are the words of a command line, which may hold a secret (`--password=...`). */
const COMMAND_LINES = new Set(['command', 'args']);

/**
 * `list[index]` as it stands in a stable path when it is a plain value: the value with `\`, `]` and
 * `#` escaped (so that no value reads as another's repeat, or as the end of the brackets), and `#n`
 * on its n-th occurrence from the second on. YAML's `0` and `"0"` name one entry.
 */
function plainValue(list: readonly unknown[], index: number): string | undefined {
  const text = scalarText(list[index]);
  if (text === undefined) return undefined;
  let seen = 0;
  for (let i = 0; i < index; i++) if (scalarText(list[i]) === text) seen++;
  const escaped = text.replace(/[\\\]#]/g, '\\$&');
  return seen === 0 ? escaped : `${escaped}#${seen + 1}`;
}

function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}
