import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadAll } from 'js-yaml';
import { DEFAULT_EXCLUDED_NAMESPACES } from '../../src/admission/namespaces.js';
import { toResource, type Obj } from '../../src/core/resource.js';
import { podOf } from '../../src/core/workload.js';
import { LATEST_PSS_VERSION } from '../../src/rules/pss/check.js';
import { evaluatePod } from '../../src/rules/pss/index.js';
import { runCli, tempTree } from '../helpers/cli.js';
import { kubectlParse } from '../helpers/kubectl.js';
import { testCertificate } from '../helpers/fake-arm.js';

type Doc = Obj & { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };


const KINDS = ['Namespace', 'ServiceAccount', 'Deployment', 'PodDisruptionBudget', 'Service', 'NetworkPolicy', 'ValidatingWebhookConfiguration'];

describe('palisade webhook manifests', () => {
  it('writes the objects that run the webhook, readable by js-yaml and kubectl, the Deployment restricted', async () => {
    const r = await runCli(['webhook', 'manifests', '--namespace', 'sec', '--image', 'contoso.azurecr.io/palisade:0.1.0']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("AKS's Admissions Enforcer rewrites the namespaceSelector");
    for (const docs of [loadAll(r.stdout) as Doc[], kubectlParse<Doc>(r.stdout)]) {
      if (!docs) continue;
      expect(docs.map((d) => d.kind)).toEqual(KINDS);
      const sa = docs.find((d) => d.kind === 'ServiceAccount')!;
      expect(sa.automountServiceAccountToken).toBe(false);
      const deployment = docs.find((d) => d.kind === 'Deployment')!;
      expect(deployment.metadata.namespace).toBe('sec');
      const spec = deployment.spec as { replicas: number; template: { spec: { affinity: { podAntiAffinity: unknown }; containers: Array<Obj & { image: string }>; volumes: unknown[] } } };
      expect(spec.replicas).toBe(2);
      expect(spec.template.spec.affinity.podAntiAffinity).toBeDefined();
      const container = spec.template.spec.containers[0]!;
      expect(container.image).toBe('contoso.azurecr.io/palisade:0.1.0');
      expect(container.resources).toMatchObject({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
      expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', scheme: 'HTTPS' } });
      expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', scheme: 'HTTPS' } });
      expect(spec.template.spec.volumes).toEqual([{ name: 'tls', secret: { secretName: 'palisade-webhook-tls' } }]);
      const pod = podOf(toResource(deployment, { file: '-', line: 1 })!)!;
      expect(evaluatePod(pod, 'restricted', LATEST_PSS_VERSION)).toEqual({ allowed: true, violations: [] });
      const vwc = docs.find((d) => d.kind === 'ValidatingWebhookConfiguration')!;
      const hook = (vwc.webhooks as Array<Obj & { namespaceSelector: { matchExpressions: Array<{ values: string[] }> }; clientConfig: Obj }>)[0]!;
      expect(hook).toMatchObject({ failurePolicy: 'Ignore', timeoutSeconds: 3, sideEffects: 'None', admissionReviewVersions: ['v1'] });
      const excluded = hook.namespaceSelector.matchExpressions[0]!.values;
      expect(excluded).toEqual(expect.arrayContaining(['kube-system', 'sec', ...DEFAULT_EXCLUDED_NAMESPACES]));
      expect(hook.clientConfig.caBundle).toBeUndefined();
      // cert-manager's CA injector acts only on objects that name the Certificate to take the CA from.
      expect((vwc.metadata as { annotations?: Record<string, string> }).annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'sec/palisade-webhook-tls' });
    }
  });

  it('with --generate-certs adds the TLS Secret and a caBundle whose CA signed a certificate for the service names', async () => {
    const r = await runCli(['webhook', 'manifests', '-n', 'sec', '--generate-certs']);
    expect(r.code).toBe(0);
    const docs = loadAll(r.stdout) as Doc[];
    expect(docs.map((d) => d.kind)).toEqual([...KINDS.slice(0, 2), 'Secret', ...KINDS.slice(2)]);
    kubectlParse<Doc>(r.stdout);
    const secret = docs.find((d) => d.kind === 'Secret')! as Doc & { type: string; data: Record<string, string> };
    expect(secret.type).toBe('kubernetes.io/tls');
    const cert = new X509Certificate(Buffer.from(secret.data['tls.crt']!, 'base64'));
    const vwc = docs.find((d) => d.kind === 'ValidatingWebhookConfiguration')!;
    const caBundle = (vwc.webhooks as Array<{ clientConfig: { caBundle: string } }>)[0]!.clientConfig.caBundle;
    const ca = new X509Certificate(Buffer.from(caBundle, 'base64'));
    expect(ca.ca).toBe(true);
    // The caBundle is written here: nothing should inject another.
    expect((vwc.metadata as { annotations?: unknown }).annotations).toBeUndefined();
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost('palisade-webhook.sec.svc')).toBe('palisade-webhook.sec.svc');
    expect(cert.subjectAltName).toContain('DNS:palisade-webhook.sec.svc.cluster.local');
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(Buffer.from(secret.data['tls.key']!, 'base64')))).toBe(true);
  });

  it('refuses a namespace that is not a namespace name', async () => {
    const r = await runCli(['webhook', 'manifests', '-n', 'Not_A_Name']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--namespace takes a namespace name');
  });
});

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('palisade webhook serve', () => {
  it('listens with the config exemptions and answers AdmissionReviews until stopped', async () => {
    const { cert, key } = testCertificate();
    const dir = tempTree({ 'palisade.yaml': 'webhook:\n  exemptNamespaces: [legacy]\n' });
    writeFileSync(join(dir, 'tls.crt'), cert);
    writeFileSync(join(dir, 'tls.key'), key);
    const child = spawn(
      process.execPath,
      ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, join(ROOT, 'src/cli/main.ts'), 'webhook', 'serve', '--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key'), '--port', '0', '--host', '127.0.0.1', '--shutdown-delay', '0', '--config', join(dir, 'palisade.yaml')],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      const port = await new Promise<number>((ok, fail) => {
        let err = '';
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /listening on https:\/\/127\.0\.0\.1:(\d+)\/validate \(enforce, \d+ rules, fail on high\)/.exec(err);
          if (m) ok(Number(m[1]));
        });
        child.on('exit', () => fail(new Error(err)));
      });
      const ask = (namespace: string, annotations: Record<string, string> = {}) =>
        new Promise<{ allowed: boolean }>((ok, fail) => {
          const body = JSON.stringify({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            request: { uid: 'u1', operation: 'CREATE', namespace, object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations }, spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] } } },
          });
          const req = httpsRequest({ host: '127.0.0.1', port, method: 'POST', path: '/validate', ca: cert, agent: false }, (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => ok((JSON.parse(text) as { response: { allowed: boolean } }).response));
          });
          req.on('error', fail);
          req.end(body);
        });
      expect((await ask('shop')).allowed).toBe(false);
      expect((await ask('legacy')).allowed).toBe(true);
      // Whoever creates the pod writes its annotations: at admission they exempt nothing unless the config says so.
      expect((await ask('shop', { 'palisade.io/ignore': '* -- trust me' })).allowed).toBe(false);
    } finally {
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
