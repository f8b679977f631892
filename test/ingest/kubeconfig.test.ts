import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubeconfigError, mergedKubeconfig, NO_USER } from '../../src/ingest/kubeconfig.js';

interface Merged {
  'current-context'?: string;
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  users: Array<{ name: string; user: Record<string, unknown> }>;
  contexts: Array<{ name: string; context: Record<string, unknown> }>;
}

function files(docs: Record<string, string>): { dir: string; path: (name: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-kubeconfig-'));
  for (const [name, text] of Object.entries(docs)) writeFileSync(join(dir, name), text);
  return { dir, path: (name) => join(dir, name) };
}

const config = (current: string, cluster: string, server: string, user = `${cluster}-user`) => `apiVersion: v1
kind: Config
current-context: ${current}
clusters: [{ name: ${cluster}, cluster: { server: "${server}" } }]
users: [{ name: ${user}, user: { token: t-${cluster} } }]
contexts: [{ name: ${current}, context: { cluster: ${cluster}, user: ${user} } }]
`;

const merge = (paths: string[]) => JSON.parse(mergedKubeconfig(paths)) as Merged;

describe('mergedKubeconfig (KUBECONFIG as kubectl merges it)', () => {
  it('takes the current context, and each name, from the first file that sets it', () => {
    const f = files({ 'a.yaml': config('prod', 'shared', 'https://prod:443'), 'c.yaml': config('dev', 'shared', 'https://dev:443') });
    const m = merge([f.path('a.yaml'), f.path('c.yaml')]);
    expect(m['current-context']).toBe('prod');
    expect(m.clusters).toEqual([{ name: 'shared', cluster: { server: 'https://prod:443' } }]);
    expect(m.contexts.map((c) => c.name)).toEqual(['prod', 'dev']);
  });

  it('skips files of the list that do not exist, and fails only when none does', () => {
    const f = files({ 'a.yaml': config('prod', 'aks', 'https://prod:443') });
    expect(merge([f.path('missing.yaml'), f.path('a.yaml')])['current-context']).toBe('prod');
    expect(() => mergedKubeconfig([f.path('missing.yaml')])).toThrow(KubeconfigError);
  });

  it('reads paths from the directory of the file that holds them, and tokenFile into the token', () => {
    const f = files({
      token: 'secret-token\n',
      'k.yaml': `clusters: [{ name: c, cluster: { server: "https://x", certificate-authority: ca.crt } }]
users:
  - { name: t, user: { tokenFile: token } }
  - { name: e, user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: ./plugin.sh } } }
  - { name: k, user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: kubelogin } } }
contexts: [{ name: c, context: { cluster: c, user: t } }]
current-context: c
`,
    });
    const m = merge([f.path('k.yaml')]);
    expect(m.clusters[0]?.cluster['certificate-authority']).toBe(join(f.dir, 'ca.crt'));
    expect(m.users[0]?.user).toEqual({ token: 'secret-token' });
    expect((m.users[1]?.user.exec as { command: string }).command).toBe(join(f.dir, 'plugin.sh'));
    expect((m.users[2]?.user.exec as { command: string }).command).toBe('kubelogin');
  });

  it('lets an http server through without TLS settings, and gives a context without a user its cluster', () => {
    const f = files({ 'p.yaml': 'clusters: [{ name: proxy, cluster: { server: "http://127.0.0.1:8001" } }]\ncontexts: [{ name: proxy, context: { cluster: proxy } }]\ncurrent-context: proxy\n' });
    const m = merge([f.path('p.yaml')]);
    expect(m.clusters[0]?.cluster['insecure-skip-tls-verify']).toBe(true);
    expect(m.contexts[0]?.context.user).toBe(NO_USER);
    expect(m.users.map((u) => u.name)).toEqual([NO_USER]);
  });

  it('names the file that is not a kubeconfig', () => {
    const f = files({ 'bad.yaml': '- just\n- a list\n', 'broken.yaml': 'clusters: [\n' });
    expect(() => mergedKubeconfig([f.path('bad.yaml')])).toThrow(/bad\.yaml: not a kubeconfig/);
    expect(() => mergedKubeconfig([f.path('broken.yaml')])).toThrow(/broken\.yaml/);
  });
});
