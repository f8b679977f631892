import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';

const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: c, image: nginx}]\n';
const values = 'replicaCount: 2\npostgresql:\n  auth:\n    username: shop\n    password: !Tr0ub4dor&3xyz\n';
const chartTemplate = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    {{- toYaml .Values.containers | nindent 4 }}\n';

describe('palisade pss and what it read but left out', () => {
  it('prints the ingest notes as warnings and puts them in the JSON', async () => {
    const dir = tempTree({ 'pod.yaml': pod, 'template.yaml': chartTemplate, 'values.yaml': values });
    const r = await runCli(['pss', dir, '--level', 'baseline', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { results: Array<{ resource: { name: string } }>; errors: unknown[]; notes?: Array<{ source: string; line: number; message: string }> };
    expect(out.results.map((x) => x.resource.name)).toEqual(['web']);
    expect(out.errors).toEqual([]);
    expect(out.notes).toEqual([
      { source: join(dir, 'template.yaml'), line: 1, message: 'document 1 is an unrendered template ({{ ... }}): render it (helm template, ...) and scan the output; skipped' },
      { source: join(dir, 'values.yaml'), line: 1, message: 'document 1 is not a Kubernetes object (no apiVersion/kind); skipped' },
    ]);
    expect(r.stderr).toContain(`palisade: warning: ${join(dir, 'template.yaml')}:1: document 1 is an unrendered template`);
    expect(r.stderr).toContain(`palisade: warning: ${join(dir, 'values.yaml')}:1: document 1 is not a Kubernetes object`);
  });

  it('leaves notes out of the JSON when there are none, as before', async () => {
    const r = await runCli(['pss', '-', '--level', 'baseline', '-f', 'json'], { stdin: pod });
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout) as object)).toEqual(['schema', 'level', 'version', 'results', 'errors']);
    expect(r.stderr).toBe('');
  });
});

describe('palisade pss on a PodTemplate', () => {
  it('judges its template as Pod Security Admission does (podtemplates are among the kinds it warns and audits on)', async () => {
    const template = 'apiVersion: v1\nkind: PodTemplate\nmetadata: {name: batch-worker, namespace: jobs}\ntemplate:\n  metadata: {labels: {app: worker}}\n  spec:\n    hostPID: true\n    containers: [{name: w, image: worker}]\n';
    const r = await runCli(['pss', '-', '--level', 'baseline', '-f', 'json'], { stdin: template });
    const out = JSON.parse(r.stdout) as { results: Array<{ resource: { kind: string; name: string }; allowed: boolean; violations: Array<{ check: string }> }> };
    expect(out.results).toHaveLength(1);
    expect(out.results[0]).toMatchObject({ resource: { kind: 'PodTemplate', name: 'batch-worker' }, allowed: false, violations: [{ check: 'hostNamespaces' }] });
    expect(r.code).toBe(1);
    // A custom resource of the same kind name is not the API server's PodTemplate.
    const custom = await runCli(['pss', '-', '--level', 'baseline', '-f', 'json'], { stdin: template.replace('apiVersion: v1', 'apiVersion: example.com/v1') });
    expect((JSON.parse(custom.stdout) as { results: unknown[] }).results).toEqual([]);
  });
});
