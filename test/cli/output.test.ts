import { afterEach, describe, expect, it, vi } from 'vitest';
import { useColor } from '../../src/cli/output.js';

describe('useColor', () => {
  afterEach(() => vi.unstubAllEnvs());
  const tty = { isTTY: true } as NodeJS.WriteStream;

  it('colours a terminal unless NO_COLOR holds a value, as no-color.org says (an empty one does not count)', () => {
    vi.stubEnv('NO_COLOR', undefined);
    expect(useColor(tty)).toBe(true);
    vi.stubEnv('NO_COLOR', '');
    expect(useColor(tty)).toBe(true);
    vi.stubEnv('NO_COLOR', '1');
    expect(useColor(tty)).toBe(false);
    vi.stubEnv('NO_COLOR', undefined);
    expect(useColor({ isTTY: false } as NodeJS.WriteStream)).toBe(false);
  });
});
