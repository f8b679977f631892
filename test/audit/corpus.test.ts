import { createReadStream, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/audit/alert.js';
import { AuditEngine } from '../../src/audit/engine.js';
import { readInput } from '../../src/audit/stream.js';

// Data beside the checkout, read in place (never copied here); absent in a fresh clone.
const SAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus/audit/aks-samples/storage-blob-kube-audit.PT1H.jsonl');

describe.skipIf(!existsSync(SAMPLE))('a real AKS kube-audit storage blob', () => {
  it('parses with zero errors and stays quiet: every event is AKS operating the cluster', async () => {
    const alerts: Alert[] = [];
    const engine = new AuditEngine({ onAlert: (a) => alerts.push(a) });
    await readInput(createReadStream(SAMPLE), SAMPLE, 'aks-blob', engine);
    expect(engine.stats).toMatchObject({ events: 21, malformed: 0, skipped: 0, duplicates: 0 });
    expect(engine.errors).toEqual([]);
    expect(alerts).toEqual([]);
  });
});
