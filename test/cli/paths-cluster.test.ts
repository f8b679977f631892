import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';
import { deployment, namespace, startFakeKube, writeKubeconfig } from '../helpers/fake-kube.js';

const TOKEN = 'paths-token';

describe('palisade paths --cluster', () => {
  it('carries what a refused list leaves out in the JSON report, beside the warning', async () => {
    const kube = await startFakeKube({ token: TOKEN, objects: [namespace('shop'), deployment('shop', 'web')], forbid: (t) => t.resource === 'secrets' });
    try {
      const kubeconfig = writeKubeconfig([{ name: 'aks-paths', server: kube.server, ca: kube.ca, token: TOKEN }], 'aks-paths');
      const r = await runCli(['paths', '--cluster', '-f', 'json', '--fail-on', 'none'], { cwd: tempTree({}), env: { KUBECONFIG: kubeconfig } });
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { notes: Array<{ source: string; message: string }>; errors: unknown[] };
      expect(report.errors).toEqual([]);
      expect(report.notes).toContainEqual({ source: 'cluster:aks-paths', message: expect.stringContaining('cannot list secrets') });
      expect(r.stderr).toContain('cannot list secrets');
    } finally {
      await kube.close();
    }
  });
});
