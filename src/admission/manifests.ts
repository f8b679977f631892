import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { errorMessage, UsageError } from '../core/errors.js';
import type { Obj } from '../core/resource.js';
import { VERSION } from '../core/version.js';
import { excludedNamespaces } from './namespaces.js';
import { MATCHED_KINDS, namespaceSelector, resourceRules } from './policies.js';
import type { WebhookMode } from './review.js';
import { DEFAULT_SHUTDOWN_DELAY_SECONDS, REQUEST_TIMEOUT_SECONDS } from './server.js';

export const WEBHOOK_NAME = 'palisade-webhook';
const TLS_SECRET = `${WEBHOOK_NAME}-tls`;
const CONFIG_MAP = `${WEBHOOK_NAME}-config`;
const CONFIG_DIR = '/etc/palisade/config';
const CONFIG_KEY = 'palisade.yaml';
const PORT = 8443;
/** What `palisade webhook manifests` deploys unless told otherwise: the first step of the rollout. */
export const DEFAULT_MANIFEST_MODE: WebhookMode = 'audit';
/** A ConfigMap holds at most 1 MiB (etcd's object limit, less room for the rest of the object). */
export const MAX_CONFIG_BYTES = 1024 * 1024 - 16 * 1024;
/**
 * Long enough for the drain after SIGTERM, then the requests still in flight, with room to spare:
 * past it the kubelet kills the container whatever it is doing.
 */
const TERMINATION_GRACE_SECONDS = DEFAULT_SHUTDOWN_DELAY_SECONDS + REQUEST_TIMEOUT_SECONDS + 10;
/** The priority of the webhook's pods: what the scheduler keeps when it must evict. */
export const PRIORITY_CLASS = 'system-cluster-critical';
const LABELS = { 'app.kubernetes.io/name': WEBHOOK_NAME, 'app.kubernetes.io/part-of': 'palisade' };
// On the objects, not in selectors: what `kubectl get -l app.kubernetes.io/managed-by=palisade` finds.
const OBJECT_LABELS = { ...LABELS, 'app.kubernetes.io/managed-by': 'palisade' };

/**
 * What the API server sends the webhook: the pod-bearing kinds the policies match (Argo Rollouts and
 * KEDA ScaledJobs among them), plus `pods/resize`, which the webhook judges on what it changes.
 */
const WEBHOOK_RULES = resourceRules(MATCHED_KINDS).map((r) => ({ ...r, resources: r.apiGroups[0] === '' ? [...r.resources, 'pods/resize'] : r.resources, scope: 'Namespaced' }));

/** Where `palisade webhook manifests` installs the webhook unless told otherwise. */
export const DEFAULT_WEBHOOK_NAMESPACE = 'palisade-system';

export interface WebhookManifestOptions {
  namespace: string;
  image?: string;
  /** What the webhook does with violations; `audit` unless given. */
  mode?: WebhookMode;
  /** A `.palisade.yaml` to ship in a ConfigMap and pass to `webhook serve --config` (already validated). */
  configText?: string;
  /** Make a serving certificate, the TLS Secret and the caBundle (needs the openssl CLI). */
  generateCerts?: boolean;
  /** The CA that signs the serving certificate; without it a CA is made and its key dropped. */
  authority?: CertificateAuthority;
  /** Certificates to use instead of making them (tests). */
  certificates?: WebhookCertificates;
}

/** A CA certificate and its private key, PEM. */
export interface CertificateAuthority {
  cert: string;
  key: string;
}

export interface WebhookCertificates {
  caCert: string;
  cert: string;
  key: string;
}

/**
 * The image name `palisade webhook manifests` writes when none is given: the build of this version,
 * by a name with no registry, which a node resolves to docker.io/library/palisade, where no such image
 * is published; the command warns when it falls back to it.
 */
export function defaultImage(): string {
  return `palisade:${VERSION}`;
}

/** The names the API server may use to reach the Service: what the serving certificate must cover. */
export function serviceDnsNames(namespace: string): string[] {
  return [WEBHOOK_NAME, `${WEBHOOK_NAME}.${namespace}`, `${WEBHOOK_NAME}.${namespace}.svc`, `${WEBHOOK_NAME}.${namespace}.svc.cluster.local`];
}

/** Runs openssl in a directory of its own, or explains how to do without it. */
function withOpenssl<T>(work: (run: (args: string[]) => void, dir: string) => T): T {
  const probe = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new UsageError('--generate-certs needs the openssl command, which was not found; install it, or leave --generate-certs out and create the TLS Secret and caBundle yourself (cert-manager, or kubectl create secret tls)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'palisade-webhook-certs-'));
  try {
    return work((args) => void execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] }), dir);
  } finally {
    // A CA key made here and not returned goes with the directory: nobody can sign with it again.
    rmSync(dir, { recursive: true, force: true });
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A new CA for the webhook alone (needs the openssl CLI). */
export function generateAuthority(days = 3650): CertificateAuthority {
  return withOpenssl((run, dir) => {
    run(['req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', String(days), '-subj', `/CN=${WEBHOOK_NAME}-ca`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    return { cert: readFileSync(join(dir, 'ca.crt'), 'utf8'), key: readFileSync(join(dir, 'ca.key'), 'utf8') };
  });
}

/**
 * Checks that a CA given to sign the serving certificate can: a CA certificate, its own key, not
 * expired. Returns the days it has left, which bound the serving certificate's.
 */
export function checkAuthority(ca: CertificateAuthority, now = new Date()): { daysLeft: number; validTo: Date } {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(ca.cert);
  } catch (e) {
    throw new UsageError(`--ca-cert is not a PEM certificate: ${errorMessage(e)}`);
  }
  if (!cert.ca) throw new UsageError('--ca-cert is not a CA certificate (basicConstraints CA:TRUE)');
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(ca.key));
  } catch (e) {
    throw new UsageError(`--ca-key is not a PEM private key: ${errorMessage(e)}`);
  }
  if (!matches) throw new UsageError('--ca-key is not the key of --ca-cert');
  const validTo = new Date(cert.validTo);
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / 86_400_000);
  if (daysLeft < 1) throw new UsageError(`the CA of --ca-cert expires on ${validTo.toISOString().slice(0, 10)}: make a new one (see docs/admission.md, renewing the certificates)`);
  return { daysLeft, validTo };
}

/**
 * A serving certificate for the webhook Service, signed by `authority` or, without one, by a CA made
 * for it whose key is then dropped. Node's crypto makes keys but not X.509 certificates, so the
 * openssl CLI does it; without openssl the error says how to proceed.
 */
export function generateCertificates(namespace: string, days = 365, authority?: CertificateAuthority): WebhookCertificates {
  const ca = authority ?? generateAuthority(days);
  return withOpenssl((run, dir) => {
    writeFileSync(join(dir, 'ca.crt'), ca.cert);
    writeFileSync(join(dir, 'ca.key'), ca.key, { mode: 0o600 });
    // A CN holds at most 64 characters and the DNS name of a long namespace exceeds that; clients
    // check the subjectAltName, so the CN is only a label.
    run(['req', '-new', ...EC_KEY, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', `/CN=${WEBHOOK_NAME}`]);
    writeFileSync(
      join(dir, 'ext.cnf'),
      [`subjectAltName=${serviceDnsNames(namespace).map((n) => `DNS:${n}`).join(',')}`, 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth', ''].join('\n'),
    );
    run(['x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tls.crt', '-days', String(days), '-extfile', 'ext.cnf']);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    return { caCert: ca.cert, cert: read('tls.crt'), key: read('tls.key') };
  });
}

/** A year, or what is left of the signing CA's validity: a certificate is trusted no longer than its CA. */
function certificateDays(authority: CertificateAuthority | undefined): number {
  return authority ? Math.min(365, checkAuthority(authority).daysLeft) : 365;
}

/** The objects that run the webhook, in apply order, each with the comment that precedes it. */
export function webhookObjects(opts: WebhookManifestOptions): Array<{ comment?: string[]; object: Obj }> {
  const ns = opts.namespace;
  const image = opts.image ?? defaultImage();
  const mode = opts.mode ?? DEFAULT_MANIFEST_MODE;
  const certs = opts.certificates ?? (opts.generateCerts ? generateCertificates(ns, certificateDays(opts.authority), opts.authority) : undefined);
  const meta = (name: string) => ({ name, namespace: ns, labels: OBJECT_LABELS });
  const out: Array<{ comment?: string[]; object: Obj }> = [];
  out.push({
    comment: [`\`kubectl delete -f\` on these manifests deletes the namespace ${ns} and everything in it.`],
    object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ...OBJECT_LABELS, 'pod-security.kubernetes.io/enforce': 'restricted' } } },
  });
  out.push({
    comment: ['The webhook calls no Kubernetes API: its ServiceAccount gets no token.'],
    object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(WEBHOOK_NAME), automountServiceAccountToken: false },
  });
  if (certs) {
    out.push({
      comment: [opts.authority ? 'Serving certificate and key, signed by the CA of --ca-cert (its key is not written here).' : 'Serving certificate and key, signed by a CA made for this webhook alone (its key was not kept).'],
      object: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: meta(TLS_SECRET),
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': Buffer.from(certs.cert).toString('base64'), 'tls.key': Buffer.from(certs.key).toString('base64'), 'ca.crt': Buffer.from(certs.caCert).toString('base64') },
      },
    });
  }
  if (opts.configText !== undefined) {
    out.push({
      comment: ['The configuration of the webhook (.palisade.yaml), read once at start: the Deployment rolls out again when it changes.'],
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(CONFIG_MAP), data: { [CONFIG_KEY]: opts.configText } },
    });
  }
  const args = ['webhook', 'serve', '--tls-cert', '/etc/palisade/tls/tls.crt', '--tls-key', '/etc/palisade/tls/tls.key', '--port', String(PORT), '--mode', mode];
  const volumeMounts = [{ name: 'tls', mountPath: '/etc/palisade/tls', readOnly: true }];
  const volumes: Obj[] = [{ name: 'tls', secret: { secretName: TLS_SECRET } }];
  if (opts.configText !== undefined) {
    args.push('--config', `${CONFIG_DIR}/${CONFIG_KEY}`);
    volumeMounts.push({ name: 'config', mountPath: CONFIG_DIR, readOnly: true });
    volumes.push({ name: 'config', configMap: { name: CONFIG_MAP } });
  }
  // The webhook reads its configuration once; a changed ConfigMap alone would not reach running pods.
  const templateAnnotations = opts.configText === undefined ? undefined : { 'palisade.io/config-sha256': createHash('sha256').update(opts.configText).digest('hex') };
  out.push({
    comment: certs
      ? undefined
      : [`The TLS Secret ${ns}/${TLS_SECRET} (tls.crt, tls.key) is not written here: create it, e.g. with cert-manager,`, `or run this command again with --generate-certs. The certificate must name ${serviceDnsNames(ns)[2]}.`],
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(WEBHOOK_NAME),
      spec: {
        replicas: 2,
        selector: { matchLabels: LABELS },
        template: {
          metadata: { labels: LABELS, ...(templateAnnotations ? { annotations: templateAnnotations } : {}) },
          spec: {
            serviceAccountName: WEBHOOK_NAME,
            // SIGTERM starts a drain of DEFAULT_SHUTDOWN_DELAY_SECONDS while the endpoints catch up.
            terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
            automountServiceAccountToken: false,
            // A webhook preempted for other pods fails open unnoticed (failurePolicy Ignore). Since
            // Kubernetes 1.17 this class may be used in any namespace, unless the API server limits it
            // by ResourceQuota, which upstream does not by default (docs/admission.md: clusters that do).
            priorityClassName: PRIORITY_CLASS,
            // Two replicas on one node, or in one zone, fall together: spread them when the cluster has
            // the nodes and zones, and schedule them anyway when it has not (a single-zone cluster).
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: LABELS } } },
                ],
              },
            },
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: LABELS } }],
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'webhook',
                image,
                imagePullPolicy: 'IfNotPresent',
                args,
                ports: [{ name: 'https', containerPort: PORT, protocol: 'TCP' }],
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true },
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
                readinessProbe: { httpGet: { path: '/readyz', port: PORT, scheme: 'HTTPS' }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: '/healthz', port: PORT, scheme: 'HTTPS' }, periodSeconds: 10, failureThreshold: 3 },
                volumeMounts,
              },
            ],
            volumes,
          },
        },
      },
    },
  });
  out.push({
    comment: ['Node drains and upgrades keep one replica serving.'],
    object: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(WEBHOOK_NAME), spec: { minAvailable: 1, selector: { matchLabels: LABELS } } },
  });
  out.push({
    object: { apiVersion: 'v1', kind: 'Service', metadata: meta(WEBHOOK_NAME), spec: { selector: LABELS, ports: [{ name: 'https', port: 443, targetPort: PORT, protocol: 'TCP' }] } },
  });
  out.push({
    comment: [
      'Inbound only to the webhook port, from anywhere: on AKS the API server reaches pods through its tunnel or',
      'VNet integration, from addresses a policy cannot name. No egress: the webhook calls nothing.',
    ],
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(WEBHOOK_NAME),
      spec: { podSelector: { matchLabels: LABELS }, policyTypes: ['Ingress', 'Egress'], ingress: [{ ports: [{ protocol: 'TCP', port: PORT }] }], egress: [] },
    },
  });
  out.push({
    comment: [
      'failurePolicy Ignore: a webhook that is down or slow admits instead of blocking the cluster.',
      'The namespaceSelector leaves out kube-system, the AKS-managed namespaces, the webhook\'s own, and the',
      'namespaces AKS labels as its own (control-plane, kubernetes.azure.com/managedby: aks).',
      'AKS\'s Admissions Enforcer rewrites the namespaceSelector of every admission webhook to leave those out',
      'as well; what `kubectl get validatingwebhookconfiguration -o yaml` shows in the cluster is the rewritten selector.',
      ...(certs
        ? []
        : [
            `No caBundle: cert-manager's CA injector fills it in from the Certificate ${ns}/${TLS_SECRET} (the annotation`,
            'names it); without cert-manager, set webhooks[0].clientConfig.caBundle to the CA that signed the certificate.',
          ]),
    ],
    object: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: {
        name: WEBHOOK_NAME,
        labels: OBJECT_LABELS,
        // An empty caBundle makes every call fail, and failurePolicy Ignore then admits everything unchecked.
        ...(certs ? {} : { annotations: { 'cert-manager.io/inject-ca-from': `${ns}/${TLS_SECRET}` } }),
      },
      webhooks: [
        {
          name: `validate.${WEBHOOK_NAME}.palisade.io`,
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          failurePolicy: 'Ignore',
          timeoutSeconds: 3,
          matchPolicy: 'Equivalent',
          clientConfig: { service: { name: WEBHOOK_NAME, namespace: ns, path: '/validate', port: 443 }, ...(certs ? { caBundle: Buffer.from(certs.caCert).toString('base64') } : {}) },
          namespaceSelector: namespaceSelector(excludedNamespaces([ns])),
          rules: WEBHOOK_RULES,
        },
      ],
    },
  });
  return out;
}

/** The objects as one YAML stream for `kubectl apply -f -`. */
export function webhookManifests(opts: WebhookManifestOptions): string {
  const mode = opts.mode ?? DEFAULT_MANIFEST_MODE;
  const header = [
    `# palisade ${VERSION}: the validating admission webhook in namespace ${opts.namespace}, in ${mode} mode.`,
    '# Roll out with --mode audit, then warn, then enforce: generate these manifests again with the next mode and apply them.',
  ];
  const docs = webhookObjects(opts).map(({ comment, object }) => `---\n${(comment ?? []).map((c) => `# ${c}\n`).join('')}${dump(object, { lineWidth: -1, noRefs: true })}`);
  return `${header.join('\n')}\n${docs.join('')}`;
}
