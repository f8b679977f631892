import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { scannerRbacYaml } from '../../src/cli/manifests.js';
import { kubectlParse } from '../helpers/kubectl.js';

const DEPLOY = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'deploy');

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown>; subjects?: { kind: string; name: string; namespace?: string }[] };

function read(file: string): { text: string; docs: Obj[] } {
  const text = readFileSync(join(DEPLOY, file), 'utf8');
  return { text, docs: (loadAll(text) as (Obj | null)[]).filter((d): d is Obj => d !== null) };
}

describe('deploy manifests', () => {
  it('ship the read-only scanner role exactly as `palisade manifests scanner-rbac` prints it', () => {
    expect(read('scanner-rbac.yaml').text).toBe(scannerRbacYaml('palisade'));
  });

  it('run serve as the ServiceAccount the scanner role is bound to, probing /readyz and /healthz', () => {
    const serve = read('serve.yaml').docs;
    expect(serve.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Namespace/palisade',
      'ServiceAccount/palisade',
      'PersistentVolumeClaim/palisade-history',
      'Deployment/palisade-serve',
      'Service/palisade-serve',
      'NetworkPolicy/palisade-serve',
      'NetworkPolicy/default-deny-ingress',
    ]);
    const deployment = serve[3]!;
    const pod = (deployment.spec!.template as { spec: { serviceAccountName: string; containers: { args: string[]; readinessProbe: { httpGet: { path: string } }; livenessProbe: { httpGet: { path: string } }; securityContext: Record<string, unknown> }[] } }).spec;
    expect(pod.serviceAccountName).toBe('palisade');
    const c = pod.containers[0]!;
    expect(c.args.slice(0, 2)).toEqual(['serve', '--listen=0.0.0.0']);
    expect([c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path]).toEqual(['/readyz', '/healthz']);
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true });
    for (const file of ['scanner-rbac.yaml', 'policy-reports-rbac.yaml']) {
      const binding = read(file).docs.find((d) => d.kind === 'ClusterRoleBinding')!;
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'palisade', namespace: 'palisade' }]);
    }
  });

  it('are objects kubectl decodes', () => {
    for (const file of ['serve.yaml', 'scanner-rbac.yaml', 'policy-reports-rbac.yaml']) {
      const parsed = kubectlParse<Obj>(read(file).text);
      if (parsed) expect(parsed.map((d) => d.kind)).toEqual(read(file).docs.map((d) => d.kind));
    }
  });
});
