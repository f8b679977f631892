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
