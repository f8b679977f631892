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
      const end = stringEnd(text, i);
      if (end < 0) return fail('unterminated string');
      i = end;
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
      const end = stringEnd(text, i);
      if (end < 0) return fail('unterminated string');
      i = end;
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

/** Offset just past the closing quote of the string starting at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++; // backslash escape
    else if (c === 34) return i + 1;
    else if (c < 32) return -1; // raw control characters are not allowed in JSON strings
  }
  return -1;
}
