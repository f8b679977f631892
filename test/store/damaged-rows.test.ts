import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { finding, report } from './fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A store with one scan of two findings, and a way to damage its rows as a hand edit or a disk fault would. */
async function storeWithScan(): Promise<{ file: string; scanId: number; damage: (sql: string) => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-damaged-'));
  dirs.push(dir);
  const file = join(dir, 'h.db');
  const store = await openStore(`sqlite:${file}`);
  const scanId = await store.saveScan('aks-prod', report([finding('privileged', 'web'), finding('host-network', 'api')]));
  await store.close();
  const damage = (sql: string) => {
    const db = new Database(file);
    db.exec(sql);
    db.close();
  };
  return { file, scanId, damage };
}

function capturedLog(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

describe('reading damaged stored rows', () => {
  it.each([
    ['evidence', "evidence = 'not json{'"],
    ['evidence', "evidence = 'null'"],
    ['severity', "severity = 'bogus'"],
    ['pillar', "pillar = 'nowhere'"],
    ['frameworks', "frameworks = '{'"],
    ['suppressed', "suppressed = '[1'"],
  ])('leaves out a finding whose %s cannot be read, logs it, and reads the rest', async (column, set) => {
    const { file, scanId, damage } = await storeWithScan();
    damage(`UPDATE palisade_findings SET ${set} WHERE seq = 0`);
    const log = capturedLog();
    const store = await openStore(`sqlite:${file}`);
    try {
      const page = await store.findings(scanId);
      expect(page.findings.map((f) => f.resource.name)).toEqual(['api']);
      const stored = await store.getScan(scanId);
      expect(stored?.report.findings.map((f) => f.resource.name)).toEqual(['api']);
      expect(log.join('')).toContain(`store sqlite ${file}: scan ${scanId}: column ${column}: finding `);
    } finally {
      await store.close();
    }
  });

  it('reads a scan whose by_pillar or extra is not JSON, with a log line for each', async () => {
    const { file, scanId, damage } = await storeWithScan();
    damage("UPDATE palisade_scans SET by_pillar = 'not json', extra = 'null'");
    const log = capturedLog();
    const store = await openStore(`sqlite:${file}`);
    try {
      const targets = await store.targets();
      expect(targets.map((t) => [t.target, t.latest.byPillar])).toEqual([['aks-prod', {}]]);
      const stored = await store.getScan(scanId);
      expect(stored?.report.findings).toHaveLength(2);
      expect(stored?.report.errors).toEqual([]);
      expect(log.join('')).toContain(`store sqlite ${file}: scan ${scanId}: column by_pillar: not a JSON object`);
      expect(log.join('')).toContain(`store sqlite ${file}: scan ${scanId}: column extra: not the expected JSON object`);
      // targets() read the row once and getScan() once: one line each, not one per reader of the row.
      expect(log.join('').split(`scan ${scanId}: column by_pillar`).length - 1).toBe(2);
    } finally {
      await store.close();
    }
  });
});
