import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyStoreSuite } from './history-store-suite.js';

historyStoreSuite('sqlite', {
  async start() {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-store-'));
    let n = 0;
    return {
      // Alternate the two spellings so both reach the same backend.
      freshSpec: async () => (n++ % 2 ? `sqlite:${join(dir, `h${n}.db`)}` : join(dir, `h${n}.db`)),
      stop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});
