import { describe, expect, it } from 'vitest';
import { Memo, type MemoOwner } from '../../src/core/memo.js';

describe('Memo', () => {
  it('keeps one value per owner, on the owner', () => {
    const lengths = new Memo<MemoOwner & { name: string }, number>();
    const a = { name: 'alpha' };
    const b = { name: 'be' };
    expect(lengths.has(a)).toBe(false);
    expect(lengths.get(a)).toBeUndefined();
    lengths.set(a, 5);
    expect(lengths.get(a)).toBe(5);
    expect(lengths.has(b)).toBe(false);
    expect(a).toHaveProperty('memo');
    expect(b).not.toHaveProperty('memo');
  });

  it('keeps the values of different memos on one owner apart', () => {
    const first = new Memo<MemoOwner, string>();
    const second = new Memo<MemoOwner, string>();
    const owner: MemoOwner = {};
    first.set(owner, 'one');
    second.set(owner, 'two');
    expect([first.get(owner), second.get(owner)]).toEqual(['one', 'two']);
  });

  it('makes a value once, and remembers undefined as a made value', () => {
    const memo = new Memo<MemoOwner, string | undefined>();
    const owner: MemoOwner = {};
    let calls = 0;
    const make = () => {
      calls++;
      return undefined;
    };
    expect(memo.of(owner, make)).toBeUndefined();
    expect(memo.of(owner, make)).toBeUndefined();
    expect(calls).toBe(1);
    expect(memo.has(owner)).toBe(true);
  });
});
