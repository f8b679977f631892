import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ingestPaths } from '../../../src/ingest/files.js';

// The shared corpus sits beside the checkout; a fresh clone has none, and the test skips.
const EXAMPLES = fileURLToPath(new URL('../../../../shared/corpus/aks/api-examples', import.meta.url));

describe.skipIf(!existsSync(EXAMPLES))('REST API examples of the AKS corpus', () => {
  it('ingests every example without error, reading their cluster and pool bodies', async () => {
    const result = await ingestPaths([EXAMPLES]);
    expect(result.errors).toEqual([]);
    expect(result.resources.length).toBeGreaterThan(0);
    for (const r of result.resources) {
      expect(r.kind).toMatch(/^Microsoft\.ContainerService\/managedClusters(\/agentPools)?$/);
      expect(['arm-rest', 'az-cli']).toContain(r.format);
      expect(r.name).not.toBe('');
    }
  });
});
