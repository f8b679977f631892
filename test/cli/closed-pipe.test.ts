import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI_ENTRY, tempTree } from '../helpers/cli.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI as a shell pipeline into `head`, which reads a little and exits; the CLI's own status is what counts. */
async function intoHead(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const cli = [process.execPath, ...CLI_ENTRY, ...args].map(quote).join(' ');
  const child = spawn('bash', ['-c', `${cli} | head -c 100 > /dev/null; exit \${PIPESTATUS[0]}`], { env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr };
}

describe('a reader that stops early (| head, grep -q)', () => {
  it('keeps the exit code of the scan and reports no error when stdout is closed', async () => {
    // Far more report than a pipe holds, so writes go on after the reader left.
    const pods = Array.from({ length: 300 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: shop}\nspec: {containers: [{name: app, image: nginx, securityContext: {privileged: true}}]}\n`).join('---\n');
    const dir = tempTree({ 'pods.yaml': pods });
    const { code, stderr } = await intoHead(['scan', dir, '-f', 'json']);
    expect(stderr).not.toMatch(/internal error|EPIPE/);
    // Privileged pods are critical findings: the gate's answer, not an input error.
    expect(code).toBe(1);
  }, 60_000);

  it.each(['table', 'json', 'jsonl'])('keeps the exit code of audit detect -f %s and reports no error when stdout is closed', async (format) => {
    const exec = (i: number) =>
      JSON.stringify({
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: 'Metadata',
        auditID: `a${i}`,
        stage: 'ResponseStarted',
        verb: 'create',
        requestURI: `/api/v1/namespaces/shop/pods/web-${i}/exec?command=sh`,
        user: { username: 'alice@contoso.com', groups: ['system:authenticated'] },
        sourceIPs: ['203.0.113.7'],
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: `web-${i}` },
        responseStatus: { code: 101 },
        stageTimestamp: '2026-11-02T10:00:00.000000Z',
      });
    const dir = tempTree({ 'audit.jsonl': `${Array.from({ length: 3000 }, (_, i) => exec(i)).join('\n')}\n` });
    const { code, stderr } = await intoHead(['audit', 'detect', `${dir}/audit.jsonl`, '-f', format, '--fail-on', 'low']);
    expect(stderr).not.toMatch(/internal error|EPIPE/);
    expect(code).toBe(1);
  }, 60_000);
});
