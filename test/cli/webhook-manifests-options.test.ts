import { describe, expect, it } from 'vitest';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { DEFAULT_EXCLUDED_NAMESPACES, isSharedNamespace } from '../../src/admission/namespaces.js';
import { webhookObjects } from '../../src/admission/manifests.js';
import { DEFAULT_SHUTDOWN_DELAY_SECONDS } from '../../src/admission/server.js';
import { selects, type LabelExpression } from '../admission/cel-env.js';
import type { Obj } from '../../src/core/resource.js';
import { runCli, tempTree } from '../helpers/cli.js';
import { kubectlParse } from '../helpers/kubectl.js';

type Doc = Obj & { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } };

interface PodTemplate {
  metadata: { annotations?: Record<string, string> };
  spec: {
    terminationGracePeriodSeconds?: number;
    containers: Array<{ args: string[]; volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }> }>;
    volumes: Array<Obj & { name: string }>;
  };
}

function docsOf(yaml: string): Doc[] {
  const docs = loadAll(yaml) as Doc[];
  const byKubectl = kubectlParse<Doc>(yaml);
  if (byKubectl) expect(byKubectl.map((d) => d.kind)).toEqual(docs.map((d) => d.kind));
  return docs;
}

function templateOf(docs: Doc[]): PodTemplate {
  return (docs.find((d) => d.kind === 'Deployment')!.spec as { template: PodTemplate }).template;
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

function certificatesOf(docs: Doc[]): { leaf: X509Certificate; ca: X509Certificate; caBundle: string; key: string } {
  const secret = docs.find((d) => d.kind === 'Secret') as Doc & { data: Record<string, string> };
  const vwc = docs.find((d) => d.kind === 'ValidatingWebhookConfiguration')!;
  const caBundle = (vwc.webhooks as Array<{ clientConfig: { caBundle: string } }>)[0]!.clientConfig.caBundle;
  return {
    leaf: new X509Certificate(Buffer.from(secret.data['tls.crt']!, 'base64')),
    ca: new X509Certificate(Buffer.from(caBundle, 'base64')),
    caBundle,
    key: Buffer.from(secret.data['tls.key']!, 'base64').toString('utf8'),
  };
}

describe('palisade webhook manifests --namespace', () => {
  it('counts default, Kubernetes\' and AKS\'s namespaces as shared, and others not', () => {
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', ...DEFAULT_EXCLUDED_NAMESPACES]) expect(isSharedNamespace(ns)).toBe(true);
    for (const ns of ['palisade-system', 'sec', 'kube-systems', 'defaults']) expect(isSharedNamespace(ns)).toBe(false);
  });

  it.each(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'gatekeeper-system', 'aks-istio-system'])('refuses the shared namespace %s with a usage error', async (ns) => {
    const r = await runCli(['webhook', 'manifests', '-n', ns]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`--namespace ${ns} is shared with Kubernetes or AKS`);
  });

  it('keeps the Namespace object of a namespace of its own, saying that kubectl delete -f deletes it', async () => {
    const r = await runCli(['webhook', 'manifests', '-n', 'palisade-system']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# `kubectl delete -f` on these manifests deletes the namespace palisade-system');
    expect(docsOf(r.stdout)[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'palisade-system' } });
  });
});

describe('palisade webhook manifests --mode', () => {
  it('deploys audit mode unless told otherwise, as the rollout starts, and says so in the header', async () => {
    const r = await runCli(['webhook', 'manifests']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toContain('in audit mode');
    expect(argValue(templateOf(docsOf(r.stdout)).spec.containers[0]!.args, '--mode')).toBe('audit');
  });

  it.each(['warn', 'enforce'])('passes --mode %s to webhook serve', async (mode) => {
    const r = await runCli(['webhook', 'manifests', '--mode', mode]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toContain(`in ${mode} mode`);
    expect(argValue(templateOf(docsOf(r.stdout)).spec.containers[0]!.args, '--mode')).toBe(mode);
  });

  it('refuses a mode webhook serve does not know', async () => {
    const r = await runCli(['webhook', 'manifests', '--mode', 'deny']);
    expect(r.code).toBe(2);
  });
});

describe('palisade webhook manifests --config', () => {
  const CONFIG = [
    'failOn: medium',
    'settings:',
    '  trustedRegistries: [contoso.azurecr.io]',
    'exceptions:',
    '  - rule: workload/privileged-container',
    '    resources: ["shop/*/*"]',
    '    reason: "vendor agent: needs it (SEC-9)"',
    '    expires: 2099-01-31',
    'webhook:',
    '  exemptNamespaces: ["legacy-*"]',
    '  exemptUsers: ["system:serviceaccount:flux-system:*"]',
    '',
  ].join('\n');

  it('ships the file in a ConfigMap mounted read-only and passed to webhook serve --config', async () => {
    const dir = tempTree({ 'palisade.yaml': CONFIG });
    const r = await runCli(['webhook', 'manifests', '-n', 'sec', '--image', 'contoso.azurecr.io/palisade:0.1.0', '--config', join(dir, 'palisade.yaml')]);
    // The one warning is the one webhook serve gives at start for webhook.exemptUsers.
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^palisade: warning: .*webhook\.exemptUsers \(system:serviceaccount:flux-system:\*\) admits only what those users create or change themselves/)]);
    expect(r.code).toBe(0);
    const docs = docsOf(r.stdout);
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'ServiceAccount', 'ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Service', 'NetworkPolicy', 'ValidatingWebhookConfiguration']);
    const cm = docs.find((d) => d.kind === 'ConfigMap')! as Doc & { data: Record<string, string> };
    expect(cm.metadata).toMatchObject({ name: 'palisade-webhook-config', namespace: 'sec' });
    expect(cm.data['palisade.yaml']).toBe(CONFIG);
    const template = templateOf(docs);
    const container = template.spec.containers[0]!;
    const configPath = argValue(container.args, '--config')!;
    const mount = container.volumeMounts.find((m) => m.name === 'config')!;
    expect(mount.readOnly).toBe(true);
    expect(configPath).toBe(`${mount.mountPath}/palisade.yaml`);
    expect(template.spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'palisade-webhook-config' } });
    // The webhook reads its configuration at start: a changed file changes the template, which rolls the pods.
    expect(template.metadata.annotations?.['palisade.io/config-sha256']).toBe(createHash('sha256').update(CONFIG).digest('hex'));
  });

  it('without --config writes no ConfigMap and passes no --config', async () => {
    const r = await runCli(['webhook', 'manifests']);
    const docs = docsOf(r.stdout);
    expect(docs.some((d) => d.kind === 'ConfigMap')).toBe(false);
    expect(templateOf(docs).spec.containers[0]!.args).not.toContain('--config');
  });

  it.each([
    ['a setting serve refuses', 'failOn: sometimes\n', 'config'],
    ['YAML that does not parse', 'exceptions: [\n', 'config'],
    ['a rule the webhook cannot run', 'rules:\n  only: [rbac/*]\n', 'the webhook does not run'],
  ])('refuses %s at generation time with a usage error', async (_what, text, message) => {
    const dir = tempTree({ 'palisade.yaml': text });
    const r = await runCli(['webhook', 'manifests', '--config', join(dir, 'palisade.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('refuses a file that does not exist', async () => {
    const r = await runCli(['webhook', 'manifests', '--config', join(tempTree({}), 'missing.yaml')]);
    expect(r.code).toBe(2);
  });

  it('warns, as webhook serve does at start, of exceptions that expired and of -/Kind/name resources, and still writes the manifests', async () => {
    const text = [
      'exceptions:',
      '  - rule: workload/privileged-container',
      '    resources: ["shop/Pod/old"]',
      '    reason: expired',
      '    expires: 2026-01-01',
      '  - rule: workload/host-path-volume',
      '    resources: ["-/DaemonSet/node-agent"]',
      '    reason: node agent',
      '',
    ].join('\n');
    const dir = tempTree({ 'palisade.yaml': text });
    const r = await runCli(['webhook', 'manifests', '--image', 'contoso.azurecr.io/palisade:0.1.0', '--config', join(dir, 'palisade.yaml')]);
    expect(r.code).toBe(0);
    const warnings = r.stderr.trim().split('\n');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^palisade: warning: .*exception for workload\/privileged-container on shop\/Pod\/old expired on 2026-01-01 and no longer applies/);
    expect(warnings[1]).toMatch(/^palisade: warning: .*resource "-\/DaemonSet\/node-agent" matches manifests without a namespace only/);
    expect(docsOf(r.stdout).some((d) => d.kind === 'ConfigMap')).toBe(true);
  });
});

describe('palisade webhook manifests --image', () => {
  it('warns on stderr when the image is left to its default, which no registry serves', async () => {
    const r = await runCli(['webhook', 'manifests']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^palisade: warning: no --image: the Deployment runs palisade:\S+, which a node pulls from docker\.io\/library\/palisade, where no such image is published/);
    const given = await runCli(['webhook', 'manifests', '--image', 'contoso.azurecr.io/palisade:0.1.0']);
    expect(given.stderr).toBe('');
  });
});

describe('palisade webhook manifests -o FILE', () => {
  it('writes a file holding the TLS private key readable by its owner only, also over an existing file', async () => {
    const dir = tempTree({ 'existing.yaml': 'old\n' });
    chmodSync(join(dir, 'existing.yaml'), 0o644);
    for (const file of [join(dir, 'new.yaml'), join(dir, 'existing.yaml')]) {
      const r = await runCli(['webhook', 'manifests', '--image', 'contoso.azurecr.io/palisade:0.1.0', '--generate-certs', '-o', file]);
      expect(r.code, r.stderr).toBe(0);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(certificatesOf(docsOf(readFileSync(file, 'utf8'))).key).toContain('PRIVATE KEY');
    }
  });
});

describe('palisade webhook manifests: availability', () => {
  it('gives the pods a priority class and spreads them over zones, scheduling them anyway where there is one zone', async () => {
    const r = await runCli(['webhook', 'manifests', '--image', 'contoso.azurecr.io/palisade:0.1.0']);
    const spec = templateOf(docsOf(r.stdout)).spec as PodTemplate['spec'] & { priorityClassName?: string; topologySpreadConstraints?: unknown[] };
    expect(spec.priorityClassName).toBe('system-cluster-critical');
    expect(spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'palisade-webhook', 'app.kubernetes.io/part-of': 'palisade' } } },
    ]);
  });
});

describe('palisade webhook manifests: shutdown', () => {
  it('gives the pods a termination grace period longer than the drain of webhook serve', async () => {
    const r = await runCli(['webhook', 'manifests']);
    const grace = templateOf(docsOf(r.stdout)).spec.terminationGracePeriodSeconds!;
    expect(grace).toBeGreaterThan(DEFAULT_SHUTDOWN_DELAY_SECONDS);
  });
});

describe('palisade webhook manifests --generate-certs', () => {
  it('makes a certificate for a namespace of 63 characters (the longest the API accepts)', async () => {
    const ns = `p${'a'.repeat(61)}z`;
    const r = await runCli(['webhook', 'manifests', '-n', ns, '--image', 'contoso.azurecr.io/palisade:0.1.0', '--generate-certs']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { leaf, ca } = certificatesOf(docsOf(r.stdout));
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkHost(`palisade-webhook.${ns}.svc`)).toBe(`palisade-webhook.${ns}.svc`);
  });

  it('with --ca-cert and --ca-key makes the CA once, writes its key only to the file, and signs renewals with it', async () => {
    const dir = tempTree({});
    const caCert = join(dir, 'ca.crt');
    const caKey = join(dir, 'ca.key');
    const args = ['webhook', 'manifests', '-n', 'sec', '--image', 'contoso.azurecr.io/palisade:0.1.0', '--generate-certs', '--ca-cert', caCert, '--ca-key', caKey];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('made a new CA');
    expect(statSync(caKey).mode & 0o077).toBe(0);
    const keyPem = readFileSync(caKey, 'utf8');
    const keyBody = keyPem.replace(/-----[^-]+-----|\s/g, '');
    expect(first.stdout).not.toContain(keyBody);
    expect(first.stdout).not.toContain(Buffer.from(keyPem).toString('base64'));

    const renewed = await runCli(args);
    expect(renewed.code).toBe(0);
    expect(renewed.stderr).toBe('');
    const before = certificatesOf(docsOf(first.stdout));
    const after = certificatesOf(docsOf(renewed.stdout));
    // The caBundle the API server trusts does not change, so the pods' old and new certificates both verify.
    expect(after.caBundle).toBe(before.caBundle);
    expect(new X509Certificate(readFileSync(caCert)).fingerprint256).toBe(after.ca.fingerprint256);
    expect(after.leaf.serialNumber).not.toBe(before.leaf.serialNumber);
    expect(after.leaf.verify(after.ca.publicKey)).toBe(true);
    expect(before.leaf.verify(after.ca.publicKey)).toBe(true);
    expect(after.leaf.checkPrivateKey(createPrivateKey(after.key))).toBe(true);
  });

  it('refuses half a CA, a key that is not the certificate\'s, and --ca-cert without --generate-certs', async () => {
    const dir = tempTree({});
    const caCert = join(dir, 'ca.crt');
    const caKey = join(dir, 'ca.key');
    expect((await runCli(['webhook', 'manifests', '--generate-certs', '--ca-cert', caCert, '--ca-key', caKey])).code).toBe(0);

    const other = tempTree({});
    expect((await runCli(['webhook', 'manifests', '--generate-certs', '--ca-cert', join(other, 'ca.crt'), '--ca-key', join(other, 'ca.key')])).code).toBe(0);
    const mismatched = await runCli(['webhook', 'manifests', '--generate-certs', '--ca-cert', caCert, '--ca-key', join(other, 'ca.key')]);
    expect(mismatched.code, mismatched.stderr).toBe(2);
    expect(mismatched.stderr).toContain('--ca-key is not the key of --ca-cert');

    const half = await runCli(['webhook', 'manifests', '--generate-certs', '--ca-cert', caCert, '--ca-key', join(dir, 'missing.key')]);
    expect(half.code, half.stderr).toBe(2);
    expect(half.stderr).toContain('exists but');
    expect(existsSync(join(dir, 'missing.key'))).toBe(false);

    const alone = await runCli(['webhook', 'manifests', '--generate-certs', '--ca-cert', caCert]);
    expect(alone.code, alone.stderr).toBe(2);
    expect(alone.stderr).toContain('go together');
    const noGenerate = await runCli(['webhook', 'manifests', '--ca-cert', caCert, '--ca-key', caKey]);
    expect(noGenerate.code, noGenerate.stderr).toBe(2);
    expect(noGenerate.stderr).toContain('--generate-certs');
  });
});

describe('palisade webhook manifests: what the API server sends the webhook', () => {
  const vwc = webhookObjects({ namespace: 'sec' }).find((o) => o.object.kind === 'ValidatingWebhookConfiguration')!.object;
  const hook = (vwc.webhooks as Array<{ namespaceSelector: { matchExpressions: LabelExpression[] }; rules: Array<{ apiGroups: string[]; apiVersions: string[]; resources: string[] }> }>)[0]!;
  const sent = (labels: Record<string, string>) => hook.namespaceSelector.matchExpressions.every((e) => selects(e, labels));

  it('sends pods/resize, which the webhook judges on what it changes, and the kinds with a pod template scan judges', () => {
    const core = hook.rules.find((r) => r.apiGroups[0] === '')!;
    expect(core.resources).toEqual(expect.arrayContaining(['pods', 'pods/ephemeralcontainers', 'pods/resize']));
    expect(hook.rules).toContainEqual(expect.objectContaining({ apiGroups: ['argoproj.io'], apiVersions: ['v1alpha1'], resources: ['rollouts'] }));
    expect(hook.rules).toContainEqual(expect.objectContaining({ apiGroups: ['keda.sh'], apiVersions: ['v1alpha1'], resources: ['scaledjobs'] }));
  });

  it('leaves out the namespaces AKS labels as its own, besides those it names', () => {
    expect(sent({ 'kubernetes.io/metadata.name': 'shop' })).toBe(true);
    expect(sent({ 'kubernetes.io/metadata.name': 'shop', 'kubernetes.azure.com/managedby': 'someone-else' })).toBe(true);
    expect(sent({ 'kubernetes.io/metadata.name': 'aks-extension', 'kubernetes.azure.com/managedby': 'aks' })).toBe(false);
    expect(sent({ 'kubernetes.io/metadata.name': 'agent', 'control-plane': 'true' })).toBe(false);
    expect(sent({ 'kubernetes.io/metadata.name': 'sec' })).toBe(false);
    expect(sent({ 'kubernetes.io/metadata.name': 'kube-system' })).toBe(false);
  });
});
