import { errorMessage } from '../core/errors.js';
import { isObj } from '../core/resource.js';

// A value that starts with `*` or `!` and is not quoted is read as an alias or a tag, and js-yaml
// quotes the name it could not resolve in its message: a password such as `*hunter2` would be
// printed, in every report format. These are js-yaml's messages that quote input, without the input.
const QUOTING: ReadonlyArray<[RegExp, string]> = [
  [/^unidentified alias\b/, 'unidentified alias (an unquoted value that starts with "*" is read as an alias: quote it)'],
  [/^recursive alias\b/, 'recursive alias'],
  [/^unknown (scalar|sequence|mapping) tag\b/, 'unknown $1 tag (an unquoted value that starts with "!" is read as a tag: quote it)'],
  [/^cannot resolve a node with\b/, 'cannot resolve a node with its explicit tag (an unquoted value that starts with "!" is read as a tag: quote it)'],
  [/^tag name cannot contain such characters\b/, 'tag name cannot contain such characters (an unquoted value that starts with "!" is read as a tag: quote it)'],
  [/^undeclared tag handle\b/, 'undeclared tag handle (an unquoted value that starts with "!" is read as a tag: quote it)'],
  [/^there is a previously declared suffix for\b/, 'a tag handle is declared twice'],
];

/** js-yaml's reason for refusing a document, with any text quoted from the input left out. */
export function safeYamlReason(reason: string): string {
  for (const [pattern, safe] of QUOTING) {
    const m = pattern.exec(reason);
    if (m) return safe.replace('$1', m[1] ?? '');
  }
  // A message this list does not know yet: whatever it quotes goes.
  return reason.replace(/"[^"]*"/g, '"…"').replace(/!<[^>]*>/g, '!<…>');
}

/** Why js-yaml refused a text, and on which line (1-based, of that text) when it says. */
export function yamlFailure(e: unknown): { reason: string; line?: number } {
  const mark = isObj(e) && isObj(e.mark) ? e.mark : undefined;
  const reason = isObj(e) && typeof e.reason === 'string' ? e.reason : (errorMessage(e).split('\n')[0] ?? 'invalid YAML');
  const safe = safeYamlReason(reason);
  return mark && typeof mark.line === 'number' ? { reason: safe, line: mark.line + 1 } : { reason: safe };
}

/** `line 3: bad indentation of a mapping entry`, for messages about a whole file (a config, a rules file). */
export function yamlFailureText(e: unknown): string {
  const { reason, line } = yamlFailure(e);
  return line === undefined ? reason : `line ${line}: ${reason}`;
}
