import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';
import { writeKubeconfig } from '../helpers/fake-kube.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: nginx}]}
`;

const ROLE_ONLY = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: unbound}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
`;

interface Answer {
  answered: boolean;
  grants?: unknown[];
  rules?: unknown[];
  errors: unknown[];
}

describe('palisade rbac who-can and can with nothing to answer from', () => {
  it('says nothing was read, not "no grant allows", when the input cannot be read', async () => {
    const dir = tempTree({});
    const r = await runCli(['rbac', 'who-can', 'get', 'secrets', '-n', 'kube-system', `${dir}/missing`]);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('no grant allows');
    expect(r.stdout).toBe(
      'Nothing was read: no RBAC object was read, and some input could not be read (see the input errors on stderr). No answer to who can get secrets in namespace kube-system.\n',
    );
    const can = await runCli(['rbac', 'can', 'User:alice', `${dir}/missing`]);
    expect(can.code).toBe(2);
    expect(can.stdout).not.toContain('holds no rule');
    expect(can.stdout).toContain('Nothing was read: no RBAC object was read');
    expect(can.stdout).toContain('No answer to what User:alice (groups: system:authenticated) holds.');
  });

  it('says nothing was read when the live cluster is out of reach', async () => {
    const env = { KUBECONFIG: writeKubeconfig([{ name: 'gone', server: 'https://127.0.0.1:1', token: 't' }], 'gone') };
    const r = await runCli(['rbac', 'who-can', 'get', 'secrets', '-n', 'kube-system', '--cluster', '-f', 'json'], { cwd: tempTree({}), env });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as Answer;
    expect(report.answered).toBe(false);
    expect(report.grants).toEqual([]);
    expect(report.errors).toHaveLength(1);
    const table = await runCli(['rbac', 'can', 'Group:ops', '--cluster'], { cwd: tempTree({}), env });
    expect(table.code).toBe(2);
    expect(table.stdout).toContain('Nothing was read');
    expect(table.stderr).toContain('cannot reach the API server https://127.0.0.1:1 of context gone');
  });

  it('says the input holds no RBAC object when it holds only workloads', async () => {
    const dir = tempTree({ 'deploy.yaml': DEPLOYMENT });
    const r = await runCli(['rbac', 'who-can', 'get', 'secrets', '-n', 'kube-system', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'No RBAC objects in the input (no Role, ClusterRole, RoleBinding, ClusterRoleBinding or Azure role assignment). No answer to who can get secrets in namespace kube-system.\n',
    );
    const can = await runCli(['rbac', 'can', 'ServiceAccount:shop/web', dir, '-f', 'json']);
    expect(can.code).toBe(0);
    expect((JSON.parse(can.stdout) as Answer).answered).toBe(false);
  });

  it('answers, empty, from an input with RBAC objects that grant nothing asked', async () => {
    const dir = tempTree({ 'role.yaml': ROLE_ONLY });
    const r = await runCli(['rbac', 'who-can', 'get', 'secrets', '-n', 'kube-system', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('no grant allows get secrets in namespace kube-system\n');
    const json = await runCli(['rbac', 'who-can', 'get', 'secrets', dir, '-f', 'json']);
    expect((JSON.parse(json.stdout) as Answer).answered).toBe(true);
  });
});
