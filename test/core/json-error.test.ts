import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxError } from '../../src/core/json-error.js';

describe('jsonSyntaxError', () => {
  it('accepts what JSON.parse accepts', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(jsonSyntaxError(JSON.stringify(v, null, 1))).toBeUndefined();
      }),
    );
  });
  it('rejects what JSON.parse rejects, at the right place', () => {
    expect(jsonSyntaxError('{\n  "a": 1,\n  oops\n}')).toEqual({ offset: 14, reason: 'expected a property name in double quotes' });
    expect(jsonSyntaxError('{"a": [1, 2,]}')?.reason).toBe('expected a value');
    expect(jsonSyntaxError('{"a": 1')?.reason).toBe('unexpected end of input');
    expect(jsonSyntaxError('{"a": "x\ny"}')?.reason).toBe('unterminated string');
    expect(jsonSyntaxError('{} {}')?.reason).toBe('unexpected content after the end of the document');
  });
  it('says which escape or character of a string is wrong, where it is', () => {
    expect(jsonSyntaxError('{\n"kind":"Pod",\n"a":"x\\qy"\n}')).toEqual({ offset: 22, reason: 'invalid escape in a string' });
    expect(jsonSyntaxError('{"a":"\\u12"}')).toEqual({ offset: 6, reason: 'bad \\u escape in a string (four hex digits expected)' });
    expect(jsonSyntaxError('{"a":"x\ty"}')).toEqual({ offset: 7, reason: 'control character in a string (write it as an escape such as \\t or \\n)' });
    expect(jsonSyntaxError('{"a":"\\u00e9\\n\\/"}')).toBeUndefined();
    expect(jsonSyntaxError('{"a":"x\\')).toEqual({ offset: 5, reason: 'unterminated string' });
  });
  it('agrees with JSON.parse on arbitrary text and never throws', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        let ok = true;
        try {
          JSON.parse(s);
        } catch {
          ok = false;
        }
        expect(jsonSyntaxError(s) === undefined).toBe(ok);
      }),
      { numRuns: 2000 },
    );
  });
  it('does not overflow on deep nesting', () => {
    expect(jsonSyntaxError('['.repeat(200_000))?.reason).toBe('unexpected end of input');
  });
});
