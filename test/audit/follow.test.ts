import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { followFile } from '../../src/audit/adapters/files.js';
import type { Alert } from '../../src/audit/alert.js';
import { AuditEngine } from '../../src/audit/engine.js';
import { readInput } from '../../src/audit/stream.js';
import { auditEvent } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function execLine(pod: string): string {
  return `${JSON.stringify(auditEvent({ auditID: `id-${pod}`, stage: 'ResponseStarted', requestURI: `/api/v1/namespaces/shop/pods/${pod}/exec?command=sh`, objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: pod }, responseStatus: { code: 101 } }))}\n`;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('--follow', () => {
  it('reads a growing file as it grows, and again from the start after truncation and rotation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-follow-'));
    dirs.push(dir);
    const file = join(dir, 'audit.log');
    writeFileSync(file, execLine('a'));
    const alerts: Alert[] = [];
    const resets: string[] = [];
    const engine = new AuditEngine({ onAlert: (a) => alerts.push(a) });
    const stop = new AbortController();
    const done = readInput(followFile(file, { signal: stop.signal, pollMs: 10 }), file, 'auto', engine, { onReset: (why) => resets.push(why) });
    const pods = () => alerts.map((a) => a.objectRef.name);

    await until(() => alerts.length === 1, 'the first line');
    // A line written in two pieces is read once it is complete.
    const b = execLine('b');
    appendFileSync(file, b.slice(0, 40));
    await new Promise((r) => setTimeout(r, 50));
    expect(alerts).toHaveLength(1);
    appendFileSync(file, b.slice(40));
    await until(() => alerts.length === 2, 'the appended line');

    truncateSync(file, 0);
    await until(() => resets.includes('truncated'), 'the truncation');
    appendFileSync(file, execLine('c'));
    await until(() => alerts.length === 3, 'a line after truncation');

    renameSync(file, `${file}.1`);
    writeFileSync(file, execLine('d'));
    await until(() => alerts.length === 4, 'a line of the new file');
    expect(resets).toEqual(['truncated', 'rotated']);

    stop.abort();
    await done;
    expect(pods()).toEqual(['a', 'b', 'c', 'd']);
    expect(alerts[3]?.source.line).toBe(1);
    expect(engine.stats).toMatchObject({ events: 4, malformed: 0 });
  });

  it('fails at once when the file does not exist', async () => {
    const stop = new AbortController();
    const gen = followFile(join(tmpdir(), 'palisade-no-such-file.log'), { signal: stop.signal });
    await expect(gen.next()).rejects.toThrow(/ENOENT/);
  });
});
