import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useColor, writeChunks } from '../../src/cli/output.js';

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

describe('writeChunks', () => {
  it('writes every piece to the file, past its 1 MiB batches, and returns the bytes as UTF-8 counts them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-output-'));
    try {
      const file = join(dir, 'report.json');
      // 'é' is two bytes and 'ü' two: characters and bytes differ, and the pieces cross a batch boundary.
      const pieces = Array.from({ length: 3000 }, (_, i) => `${i}:${'é'.repeat(200)}ü\n`);
      const bytes = await writeChunks(pieces, file);
      const written = readFileSync(file);
      expect(written.toString('utf8')).toBe(pieces.join(''));
      expect(bytes).toBe(written.length);
      expect(bytes).toBeGreaterThan(pieces.join('').length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
