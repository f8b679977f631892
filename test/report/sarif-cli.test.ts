import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';

const privileged = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: inventory-sync
  namespace: legacy
spec:
  template:
    spec:
      containers:
      - name: app
        image: shop.azurecr.io/sync@sha256:${'a'.repeat(64)}
        securityContext:
          privileged: true
`;

const expiredException = `exceptions:
  - rule: workload/privileged-container
    resources: [legacy/Deployment/inventory-sync]
    reason: moving off the Docker socket
    expires: 2026-01-31
`;

interface Log {
  runs: {
    automationDetails: { id: string };
    invocations: { toolExecutionNotifications?: { level: string; message: { text: string } }[] }[];
    results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; partialFingerprints: Record<string, string> }[];
  }[];
}

describe('scan -f sarif from the command line', () => {
  const repo = tempTree({ '.git/HEAD': 'ref: refs/heads/main\n', 'examples/legacy/sync.yaml': privileged, 'ops/palisade.yaml': expiredException });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  const sarif = async (args: string[], cwd = repo) => {
    const r = await runCli(['scan', ...args, '-f', 'sarif', '--fail-on', 'none'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as Log).runs[0]!;
  };

  it('writes the same URI and fingerprint wherever in the repository it runs, and however the path is given', async () => {
    const runs = await Promise.all([sarif(['examples']), sarif([join(repo, 'examples')]), sarif(['.'], join(repo, 'examples'))]);
    const located = runs.map((run) => run.results.find((r) => r.ruleId === 'workload/privileged-container')!);
    for (const r of located) expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBe('examples/legacy/sync.yaml');
    expect(new Set(located.map((r) => r.partialFingerprints['palisade/v1'])).size).toBe(1);
  });

  it('takes the code scanning category from --sarif-category', async () => {
    expect((await sarif(['examples'])).automationDetails.id).toBe('palisade/scan/');
    expect((await sarif(['examples', '--sarif-category', 'palisade/aks'])).automationDetails.id).toBe('palisade/aks/');
    const empty = await runCli(['scan', 'examples', '-f', 'sarif', '--sarif-category', ' '], { cwd: repo });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--sarif-category');
  });

  it('gives an expired exception as a warning, as stderr does', async () => {
    const run = await sarif(['examples', '--config', join(repo, 'ops/palisade.yaml')]);
    const expired = run.invocations[0]!.toolExecutionNotifications!.find((n) => n.message.text.includes('expired'))!;
    expect(expired.level).toBe('warning');
  });
});
