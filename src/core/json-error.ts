import { lineAt } from './lines.js';

/**
 * Finds where JSON text first goes wrong, and says what was expected there — without quoting the
 * text, which may hold a secret. (V8's JSON.parse message quotes the input.) Iterative, so deep
 * nesting cannot overflow the stack.
 */
export function jsonSyntaxError(text: string): { offset: number; reason: string } | undefined {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const fail = (reason: string) => ({ offset: i, reason });
  // What may come next: a value, a key (after `{` or `,` in an object), or a `,`/closer.
  const stack: Array<'{' | '['> = [];
  let expect: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    ws();
    if (i >= n) return stack.length || expect !== 'after' ? fail('unexpected end of input') : undefined;
    const c = text[i] as string;
    if (expect === 'after') {
      const top = stack[stack.length - 1];
      if (!top) return fail('unexpected content after the end of the document');
      if (c === ',') {
        i++;
        expect = top === '{' ? 'key' : 'value';
        continue;
      }
      if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        i++;
        stack.pop();
        expect = 'after';
        continue;
      }
      return fail(`expected ',' or '${top === '{' ? '}' : ']'}'`);
    }
    if (expect === 'key') {
      if (c !== '"') return fail('expected a property name in double quotes');
      const str = scanString(text, i);
      if ('reason' in str) return str;
      i = str.end;
      ws();
      if (text[i] !== ':') return fail("expected ':' after a property name");
      i++;
      expect = 'value';
      continue;
    }
    // a value
    if (c === '{' || c === '[') {
      i++;
      ws();
      if (text[i] === (c === '{' ? '}' : ']')) {
        i++;
        expect = 'after';
        continue;
      }
      stack.push(c);
      expect = c === '{' ? 'key' : 'value';
      continue;
    }
    if (c === '"') {
      const str = scanString(text, i);
      if ('reason' in str) return str;
      i = str.end;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m) return fail('malformed number');
      i += m[0].length;
    } else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else return fail('expected a value');
    expect = 'after';
  }
}

// What may follow a backslash in a JSON string besides `u`: " \ / b f n r t.
const ESCAPES = new Set([34, 92, 47, 98, 102, 110, 114, 116]);

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Just past the closing quote of the string starting at `start`, or where and why it goes wrong. */
function scanString(text: string, start: number): { end: number } | { offset: number; reason: string } {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) return { end: i + 1 };
    // A line break inside a string is most often a closing quote left out.
    if (c === 10 || c === 13) return { offset: start, reason: 'unterminated string' };
    if (c < 32) return { offset: i, reason: 'control character in a string (write it as an escape such as \\t or \\n)' };
    if (c !== 92) continue;
    const e = text.charCodeAt(i + 1);
    if (e === 117) {
      for (let k = 2; k < 6; k++) if (!isHex(text.charCodeAt(i + k))) return { offset: i, reason: 'bad \\u escape in a string (four hex digits expected)' };
      i += 5;
    } else if (ESCAPES.has(e)) i++;
    else if (Number.isNaN(e)) break;
    else return { offset: i, reason: 'invalid escape in a string' };
  }
  return { offset: start, reason: 'unterminated string' };
}

/** jsonSyntaxError as a 1-based line and column, for messages. */
export function jsonSyntaxPosition(text: string): { line: number; column: number; reason: string } | undefined {
  const err = jsonSyntaxError(text);
  if (!err) return undefined;
  const column = err.offset - (text.lastIndexOf('\n', err.offset - 1) + 1) + 1;
  return { line: lineAt(text, err.offset), column, reason: err.reason };
}

/** `line 3, column 5: expected a value`, or `not JSON` when the cause cannot be placed; never the text itself. */
export function jsonSyntaxText(text: string): string {
  const err = jsonSyntaxPosition(text);
  return err ? `line ${err.line}, column ${err.column}: ${err.reason}` : 'not JSON';
}
