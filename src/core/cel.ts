import { globToRegExp } from './glob.js';

/**
 * Building blocks for the CEL forms of rules (`Rule.cel`). Kubernetes evaluates `matches()` with RE2,
 * JavaScript with its own engine: the regular expressions written here use only what both read alike
 * (anchors, literal characters and classes, groups, alternation, counted repetition), never `\s`, `.`
 * on text that may hold line breaks, or lookaround.
 */

/**
 * A CEL string literal for any text. Quotes, backslashes, control and non-ASCII characters are escaped,
 * so that the policy YAML stays ASCII and the CEL parser, not the regex engine, decodes them.
 */
export function celString(text: string): string {
  let out = "'";
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (ch === "'" || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}'`;
}

/** A CEL list literal of strings. */
export function celStrings(items: readonly string[]): string {
  return `[${items.map(celString).join(', ')}]`;
}

/**
 * The characters JavaScript's `\s` (and `String.prototype.trim`) treat as white space, as the body of
 * a regex character class. RE2's `\s` is ASCII only, so the class is spelled out.
 */
export const JS_WHITESPACE_CLASS = '\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/**
 * A regex (anchored) that matches what `globMatch` matches for any of the globs: the very expression
 * `globToRegExp` builds. Its `.` stops at line breaks in JavaScript but not in RE2, so use it on text
 * that cannot hold them (image tags and names).
 */
export function globsRegex(globs: readonly string[]): string {
  return `^(?:${globs.map((g) => globToRegExp(g).source.slice(1, -1)).join('|')})$`;
}

/** `a || (b)`: the expression holds when the condition exempts the object or the check passes. */
export function celUnless(exempt: string, expression: string): string {
  return `${exempt} || (${expression})`;
}

/** CEL twin of `isWindowsPod` (core/workload.ts). */
export const CEL_WINDOWS_POD = "variables.spec.?os.?name.orValue('') == 'windows'";

/** CEL twin of `runsOnWindows` (core/workload.ts). */
export const CEL_RUNS_ON_WINDOWS = `(${CEL_WINDOWS_POD} || ('kubernetes.io/os' in variables.spec.?nodeSelector.orValue({}) && variables.spec.nodeSelector['kubernetes.io/os'] == 'windows'))`;

/** CEL twin of `inUserNamespace` (core/workload.ts). */
export const CEL_USER_NAMESPACE = 'variables.spec.?hostUsers.orValue(true) == false';

// The characters other than ASCII letters whose toUpperCase() is ASCII (all of Unicode was checked):
// ı → I, ſ → S, and ligatures that become two or three letters.
const UPPER_FROM: ReadonlyArray<readonly [string, string]> = [
  ['\u0131', 'I'], ['\u017f', 'S'], ['\u00df', 'SS'], ['\ufb00', 'FF'], ['\ufb01', 'FI'], ['\ufb02', 'FL'],
  ['\ufb03', 'FFI'], ['\ufb04', 'FFL'], ['\ufb05', 'ST'], ['\ufb06', 'ST'],
];

/**
 * A regex body matching exactly the strings whose JavaScript `toUpperCase()` is `word` (capitals,
 * digits and `_`): what `s.toUpperCase() === word` decides, which CEL's ASCII-only upperAscii cannot.
 */
export function upperCaseRegex(word: string, at = 0): string {
  if (at >= word.length) return '';
  const ch = word[at] as string;
  const single = /[A-Z]/.test(ch) ? `[${ch}${ch.toLowerCase()}${UPPER_FROM.filter(([, u]) => u === ch).map(([c]) => c).join('')}]` : ch === '_' ? '_' : ch;
  const multi = UPPER_FROM.filter(([, u]) => u.length > 1 && word.startsWith(u, at));
  const rest = upperCaseRegex(word, at + 1);
  if (multi.length === 0) return `${single}${rest}`;
  return `(?:${[`${single}${rest}`, ...multi.map(([c, u]) => `${c}${upperCaseRegex(word, at + u.length)}`)].join('|')})`;
}
