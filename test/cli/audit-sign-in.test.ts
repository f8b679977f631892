import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';

/** An `az` that is not signed in, as the only credential DefaultAzureCredential tries. */
function signedOutEnv(): Record<string, string> {
  const dir = tempTree({});
  const az = join(dir, 'az');
  writeFileSync(az, `#!/bin/sh\necho "ERROR: Please run 'az login' to setup account." >&2\nexit 1\n`);
  chmodSync(az, 0o755);
  return { PATH: `${dir}:${process.env.PATH ?? ''}`, AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential', AZURE_STORAGE_CONNECTION_STRING: '', AZURE_STORAGE_KEY: '' };
}

const ADVICE = /no Azure credential could get a token \(.+\); sign in with az login, use workload identity or a managed identity, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET/;

describe('palisade audit detect without an Azure credential', () => {
  it('--workspace says how to sign in, as scan --aks does', async () => {
    // A closed port: a request that got past the credential would fail otherwise.
    const env = { ...signedOutEnv(), PALISADE_LOGS_ENDPOINT: 'https://127.0.0.1:9' };
    const r = await runCli(['audit', 'detect', '--workspace', '00000000-0000-4000-8000-000000000001', '-f', 'json'], { env });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { errors: Array<{ source: string; message: string }> };
    expect(report.errors).toEqual([{ source: 'Log Analytics workspace 00000000-0000-4000-8000-000000000001', message: expect.stringMatching(ADVICE) }]);
    expect(r.stderr).toMatch(ADVICE);
  });

  it('--storage-account says how to sign in', async () => {
    const r = await runCli(['audit', 'detect', '--storage-account', 'https://127.0.0.1:9/devstoreaccount1', '-f', 'json'], { env: signedOutEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(ADVICE);
  });
});
