/**
 * The anchored regex body of a glob: `*` matches any run of characters (including `/`), `?` one
 * character; everything else is literal. The same text in JavaScript and RE2 (CEL's `matches`).
 */
export function globRegexSource(glob: string): string {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return `^${re}$`;
}

export function globToRegExp(glob: string): RegExp {
  return new RegExp(globRegexSource(glob));
}

// Globs come from the config and the catalog and are matched once per finding: compile each once.
const COMPILED = new Map<string, RegExp>();

export function globMatch(glob: string, text: string): boolean {
  let re = COMPILED.get(glob);
  if (!re) {
    if (COMPILED.size >= 10_000) COMPILED.clear();
    COMPILED.set(glob, (re = globToRegExp(glob)));
  }
  return re.test(text);
}
