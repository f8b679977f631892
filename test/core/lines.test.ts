import { describe, expect, it } from 'vitest';
import { withoutBom } from '../../src/core/bom.js';
import { countLines, lineAt } from '../../src/core/lines.js';

describe('lines', () => {
  it('counts the line breaks between two offsets', () => {
    const text = 'a\nb\nc\n';
    expect(countLines(text, 0, text.length)).toBe(3);
    expect(countLines(text, 2, 3)).toBe(0);
    expect(countLines(text, 2, 4)).toBe(1);
  });

  it('gives the 1-based line of an offset', () => {
    const text = 'a\nb\nc';
    expect([0, 1, 2, 4].map((o) => lineAt(text, o))).toEqual([1, 1, 2, 3]);
  });
});

describe('withoutBom', () => {
  it('leaves out a leading byte-order mark and nothing else', () => {
    expect(withoutBom('\uFEFFkind: Pod')).toBe('kind: Pod');
    expect(withoutBom('kind: Pod\uFEFF')).toBe('kind: Pod\uFEFF');
    expect(withoutBom('')).toBe('');
  });
});
