import { describe, expect, it } from 'vitest';
import type { Severity } from '../../src/core/severity.js';
import { DETECTORS } from '../../src/audit/detectors/index.js';
import { applySettings, parseRulesFile, type AuditSettingsInput } from '../../src/audit/rules-file.js';
import { auditEvent, of, podCreate, runEvents } from './helpers.js';

interface Fires {
  name: string;
  events: Array<Record<string, unknown>>;
  settings?: AuditSettingsInput;
  message: string;
  severity?: Severity;
  falco?: string;
}

interface Quiet {
  name: string;
  events: Array<Record<string, unknown>>;
  settings?: AuditSettingsInput;
}

interface Cases {
  fires: Fires[];
  quiet: Quiet[];
  /** AKS's identities whose doing the fires cases must not be reported (default: aksService and kube-system:metrics-server). */
  aksIdentities?: string[];
}

const user = (username: string, groups: string[] = ['system:authenticated']) => ({ user: { username, groups } });
const ref = (resource: string, name?: string, namespace?: string, subresource?: string) => ({
  objectRef: { resource, ...(name ? { name } : {}), ...(namespace ? { namespace } : {}), ...(subresource ? { subresource } : {}) },
});
const code = (c: number) => ({ responseStatus: { code: c } });
const body = (requestObject: unknown) => ({ requestObject });
const stream = (sub: string, query = '') =>
  auditEvent({ stage: 'ResponseStarted', verb: 'create', requestURI: `/api/v1/namespaces/shop/pods/web-0/${sub}${query}`, ...ref('pods', 'web-0', 'shop', sub), ...code(101) });
const role = (resource: 'roles' | 'clusterroles', verb: string, name: string, rules: unknown[], extra: Record<string, unknown> = {}) =>
  auditEvent({ verb, ...ref(resource, name, resource === 'roles' ? 'shop' : undefined), ...body({ kind: 'ClusterRole', metadata: { name }, rules }), ...code(verb === 'create' ? 201 : 200), ...extra });
const binding = (resource: 'clusterrolebindings' | 'rolebindings', roleName: string) =>
  auditEvent({
    ...ref(resource, 'b', resource === 'rolebindings' ? 'shop' : undefined),
    ...body({ metadata: { name: 'b' }, subjects: [{ kind: 'User', name: 'mallory@contoso.com' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName } }),
  });
const aksAddon = (spec: Record<string, unknown>) => podCreate(spec, { namespace: 'kube-system', ...user('system:serviceaccount:kube-system:daemon-set-controller') });
const mcr = 'mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.31.2';

/** AKS's default pod, service and node ranges (settings.ts: AKS_CLUSTER_CIDRS without the Docker bridge). */
const AKS_CIDRS = ['10.244.0.0/16', '10.0.0.0/16', '10.224.0.0/12'];
/** A request by a service account from these addresses (the first a proxy's X-Forwarded-For). */
const sa = (ns: string, name: string, ...sourceIPs: string[]) =>
  auditEvent({ verb: 'list', requestURI: `/api/v1/namespaces/${ns}/secrets`, ...user(`system:serviceaccount:${ns}:${name}`, ['system:serviceaccounts']), ...ref('secrets', undefined, ns), ...code(200), sourceIPs });
/** A kubelet renewing its lease from this address: where the cluster's own requests come from. */
const kubelet = (ip: string) => auditEvent({ verb: 'update', ...user('system:node:aks-nodepool1-0', ['system:nodes']), ...ref('leases', 'aks-nodepool1-0', 'kube-node-lease'), ...code(200), sourceIPs: [ip] });
/** A server-side apply (`kubectl apply --server-side`, Flux, Argo CD) that created its object: PATCH answered 201. */
const applied = (e: Record<string, unknown>) => ({ ...e, verb: 'patch', requestURI: `${String(e.requestURI)}?fieldManager=kustomize-controller&force=true`, ...code(201) });
const at = (hhmm: string) => ({ requestReceivedTimestamp: `2026-11-02T${hhmm}:00Z`, stageTimestamp: `2026-11-02T${hhmm}:00Z` });
/** An identity listing pods at a time of 2026-11-02. */
const seen = (username: string, hhmm: string) => auditEvent({ verb: 'list', ...user(username), ...ref('pods', undefined, 'shop'), ...code(200), ...at(hhmm) });

const CASES: Record<string, Cases> = {
  'audit/exec-into-pod': {
    fires: [
      { name: 'exec, with the command', events: [stream('exec', '?command=cat&command=%2Fetc%2Fshadow&container=app')], message: 'exec into pod shop/web-0 (container app): cat /etc/shadow', falco: 'Attach/Exec Pod' },
      { name: 'attach', events: [stream('attach', '?container=app')], message: 'attach to pod shop/web-0 (container app)' },
      {
        name: 'exec, credentials in the command masked',
        events: [stream('exec', '?command=mysql&command=-uroot&command=-pS3cret&command=--password%3Dhunter2&command=--token&command=abc&command=PGPASSWORD%3Dx')],
        message: 'mysql -uroot -p*** --password=*** --token *** PGPASSWORD=***',
      },
      {
        name: 'exec, an Authorization header and a bare token masked',
        events: [stream('exec', '?command=curl&command=-H&command=Authorization%3A%20Bearer%20eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln&command=https%3A%2F%2Fkubernetes.default&command=--oauth2-bearer&command=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ5In0.c2ln')],
        message: 'curl -H Authorization: Bearer *** https://kubernetes.default --oauth2-bearer ***',
      },
      { name: 'exec logged only at completion', events: [{ ...stream('exec'), stage: 'ResponseComplete', ...code(200) }], message: 'exec into pod shop/web-0' },
      {
        name: 'a command run through the kubelet (nodes/proxy), which makes no pods/exec request',
        events: [
          auditEvent({
            verb: 'create',
            requestURI: '/api/v1/nodes/aks-nodepool1-0/proxy/run/kube-system/coredns-5d9f8/coredns?cmd=cat%20%2Fvar%2Frun%2Fsecrets%2Fkubernetes.io%2Fserviceaccount%2Ftoken',
            ...ref('nodes', 'aks-nodepool1-0', undefined, 'proxy'),
            ...code(200),
          }),
        ],
        message: 'command run in pod kube-system/coredns-5d9f8 (container coredns) through the kubelet (nodes/aks-nodepool1-0/proxy): cat /var/run/secrets/kubernetes.io/serviceaccount/token',
        severity: 'high',
      },
    ],
    quiet: [
      { name: 'metrics scraped through the node proxy', events: [auditEvent({ verb: 'get', requestURI: '/api/v1/nodes/aks-nodepool1-0/proxy/metrics', ...ref('nodes', 'aks-nodepool1-0', undefined, 'proxy'), ...code(200) })] },
      {
        name: 'a refused command through the kubelet',
        events: [auditEvent({ verb: 'create', requestURI: '/api/v1/nodes/n1/proxy/run/kube-system/coredns-1/coredns?cmd=id', ...ref('nodes', 'n1', undefined, 'proxy'), ...code(403) })],
      },
      { name: 'refused exec', events: [{ ...stream('exec'), stage: 'ResponseComplete', ...code(403) }] },
      { name: 'pod logs', events: [auditEvent({ verb: 'get', ...ref('pods', 'web-0', 'shop', 'log'), ...code(200) })] },
    ],
  },
  'audit/port-forward': {
    fires: [{ name: 'port-forward', events: [stream('portforward', '?ports=5432')], message: 'port forwarded to pod shop/web-0 (ports 5432)', falco: 'port-forward' }],
    quiet: [{ name: 'exec is not port-forward', events: [stream('exec')] }],
  },
  'audit/ephemeral-container': {
    fires: [
      {
        name: 'kubectl debug',
        events: [auditEvent({ verb: 'patch', ...ref('pods', 'web-0', 'shop', 'ephemeralcontainers'), ...code(200), ...body({ spec: { ephemeralContainers: [{ name: 'debugger-x', image: 'busybox' }] } }) })],
        message: 'ephemeral container added to pod shop/web-0 (debugger-x, image busybox)',
        falco: 'EphemeralContainers Created',
      },
    ],
    quiet: [{ name: 'reading them', events: [auditEvent({ verb: 'get', ...ref('pods', 'web-0', 'shop', 'ephemeralcontainers'), ...code(200) })] }],
  },
  'audit/privileged-pod': {
    fires: [
      {
        name: 'second container privileged',
        events: [podCreate({ containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'mysql:8', securityContext: { privileged: true } }] })],
        message: 'pod shop/web created with privileged container b (images nginx, mysql:8)',
        falco: 'Create Privileged Pod',
      },
      { name: 'init container', events: [podCreate({ initContainers: [{ name: 'i', image: 'x', securityContext: { privileged: true } }], containers: [{ name: 'a', image: 'nginx' }] })], message: 'privileged container i' },
      {
        name: 'created by a server-side apply (PATCH answered 201)',
        events: [applied(podCreate({ containers: [{ name: 'a', image: 'nginx', securityContext: { privileged: true } }] }))],
        message: 'pod shop/web created with privileged container a',
      },
      {
        name: 'the spec read from the stored pod when the request body does not carry it',
        events: [applied(podCreate({}, { requestObject: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' } }, responseObject: { metadata: { name: 'web' }, spec: { containers: [{ name: 'a', image: 'nginx', securityContext: { privileged: true } }] } } }))],
        message: 'pod shop/web created with privileged container a',
      },
      {
        name: 'a person creating a pod in kube-system from a Microsoft image: no add-on vouches for it',
        events: [podCreate({ containers: [{ name: 'debug', image: 'mcr.microsoft.com/cbl-mariner/busybox:2.0', securityContext: { privileged: true } }] }, { namespace: 'kube-system', ...user('alice@contoso.com') })],
        message: 'pod kube-system/web created with privileged container debug',
      },
    ],
    quiet: [
      { name: 'unprivileged', events: [podCreate({ containers: [{ name: 'a', image: 'nginx', securityContext: { privileged: false } }] })] },
      { name: 'trusted image', events: [podCreate({ containers: [{ name: 'a', image: 'nginx:1.27', securityContext: { privileged: true } }] })], settings: { trustedImages: { privileged: ['nginx'] } } },
      { name: 'AKS add-on in kube-system', events: [aksAddon({ containers: [{ name: 'kube-proxy', image: mcr, securityContext: { privileged: true } }] })] },
      { name: 'no body (audit level Metadata)', events: [podCreate({}, { requestObject: undefined, level: 'Metadata' })] },
      { name: 'a pod patched (its containers cannot change once it exists)', events: [{ ...podCreate({ containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] }), verb: 'patch', ...code(200) }] },
      { name: 'pod read, not created', events: [podCreate({ containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] }, { verb: 'get', ...code(200) })] },
      {
        name: 'refused by an admission policy (the ReplicaSet controller retrying): it never ran',
        events: [1, 2, 3].map((i) => podCreate({ containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] }, { auditID: `r${i}`, ...code(403) })),
      },
      {
        name: 'a server-side dry run (kubectl diff, --dry-run=server): nothing was stored',
        events: [podCreate({ containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] }, { requestURI: '/api/v1/namespaces/shop/pods?dryRun=All&fieldManager=kubectl-client-side-apply' })],
      },
    ],
  },
  'audit/host-network-pod': {
    fires: [
      { name: 'hostNetwork', events: [podCreate({ hostNetwork: true, containers: [{ name: 'a', image: 'nginx' }] })], message: 'pod shop/web created with hostNetwork: true (images nginx)', falco: 'Create HostNetwork Pod' },
      { name: 'hostNetwork, server-side applied', events: [applied(podCreate({ hostNetwork: true, containers: [{ name: 'a', image: 'nginx' }] }))], message: 'pod shop/web created with hostNetwork: true' },
    ],
    quiet: [
      { name: 'hostNetwork false', events: [podCreate({ hostNetwork: false, containers: [{ name: 'a', image: 'nginx' }] })] },
      { name: 'AKS add-on', events: [aksAddon({ hostNetwork: true, containers: [{ name: 'a', image: mcr }] })] },
    ],
  },
  'audit/host-pid-pod': {
    fires: [{ name: 'hostPID', events: [podCreate({ hostPID: true, containers: [{ name: 'a', image: 'ubuntu' }] })], message: 'pod shop/web created with hostPID: true', falco: 'Create HostPid Pod' }],
    quiet: [{ name: 'trusted for all detectors', events: [podCreate({ hostPID: true, containers: [{ name: 'a', image: 'contoso.azurecr.io/agent:2' }] })], settings: { trustedImages: { all: ['contoso.azurecr.io/agent'] } } }],
  },
  'audit/host-ipc-pod': {
    fires: [{ name: 'hostIPC', events: [podCreate({ hostIPC: true, containers: [{ name: 'a', image: 'ubuntu' }] })], message: 'pod shop/web created with hostIPC: true', falco: 'Create HostIPC Pod' }],
    quiet: [{ name: 'hostIPC absent', events: [podCreate({ containers: [{ name: 'a', image: 'ubuntu' }] })] }],
  },
  'audit/sensitive-mount-pod': {
    fires: [
      { name: '/etc', events: [podCreate({ volumes: [{ name: 'etc', hostPath: { path: '/etc' } }], containers: [{ name: 'a', image: 'nginx' }] })], message: 'sensitive host path etc=/etc', falco: 'Create Sensitive Mount Pod' },
      { name: 'below a sensitive directory, written untidily', events: [podCreate({ volumes: [{ name: 'pki', hostPath: { path: '/var/lib//kubelet/pki/' } }], containers: [{ name: 'a', image: 'x' }] })], message: 'pki=/var/lib/kubelet/pki' },
      { name: 'the container runtime socket', events: [podCreate({ volumes: [{ name: 's', hostPath: { path: '/run/containerd/containerd.sock' } }], containers: [{ name: 'a', image: 'x' }] })], message: 's=/run/containerd/containerd.sock' },
      { name: '/var, which holds the kubelet\'s directory', events: [podCreate({ volumes: [{ name: 'v', hostPath: { path: '/var' } }], containers: [{ name: 'a', image: 'x' }] })], message: 'v=/var (holds /var/lib/kubelet)' },
      { name: '/run, which holds the container runtime sockets', events: [podCreate({ volumes: [{ name: 'r', hostPath: { path: '/run/' } }], containers: [{ name: 'a', image: 'x' }] })], message: 'r=/run (holds /run/docker.sock)' },
      { name: '/var/run', events: [podCreate({ volumes: [{ name: 'r', hostPath: { path: '/var/run' } }], containers: [{ name: 'a', image: 'x' }] })], message: 'r=/var/run (holds /var/run/docker.sock)' },
      { name: '/var/lib', events: [podCreate({ volumes: [{ name: 'l', hostPath: { path: '/var/lib' } }], containers: [{ name: 'a', image: 'x' }] })], message: 'l=/var/lib (holds /var/lib/kubelet)' },
      { name: "the Azure VM agent's directory (ovf-env.xml, the node's custom data)", events: [podCreate({ volumes: [{ name: 'w', hostPath: { path: '/var/lib/waagent' } }], containers: [{ name: 'a', image: 'x' }] })], message: 'w=/var/lib/waagent' },
      { name: 'server-side applied', events: [applied(podCreate({ volumes: [{ name: 'etc', hostPath: { path: '/etc' } }], containers: [{ name: 'a', image: 'x' }] }))], message: 'etc=/etc' },
      { name: 'the cloud-provider credentials below /etc', events: [podCreate({ volumes: [{ name: 'az', hostPath: { path: '/etc/kubernetes/azure.json' } }], containers: [{ name: 'a', image: 'x' }] })], message: 'az=/etc/kubernetes/azure.json' },
    ],
    quiet: [
      { name: 'a harmless host path', events: [podCreate({ volumes: [{ name: 'logs', hostPath: { path: '/var/log/app' } }], containers: [{ name: 'a', image: 'x' }] })] },
      { name: '/var/log, which holds nothing sensitive', events: [podCreate({ volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }], containers: [{ name: 'a', image: 'x' }] })] },
      { name: '/ matches only itself', events: [podCreate({ volumes: [{ name: 'data', hostPath: { path: '/data' } }], containers: [{ name: 'a', image: 'x' }] })] },
      {
        name: 'the public files charts mount from /etc',
        events: [podCreate({ volumes: [{ name: 'tz', hostPath: { path: '/etc/localtime', type: 'File' } }, { name: 'ca', hostPath: { path: '/etc/ssl/certs/' } }], containers: [{ name: 'a', image: 'x' }] })],
      },
    ],
  },
  'audit/pod-in-kube-namespace': {
    fires: [
      { name: 'nginx in kube-system', events: [podCreate({ containers: [{ name: 'a', image: 'nginx' }] }, { namespace: 'kube-system' })], message: 'pod kube-system/web created in kube-system (images nginx)', falco: 'Pod Created in Kube Namespace' },
      { name: 'a person, body not logged', events: [podCreate({}, { namespace: 'kube-public', requestObject: undefined, ...user('mallory@contoso.com') })], message: 'created in kube-public (request body not logged)' },
      { name: 'server-side applied', events: [applied(podCreate({ containers: [{ name: 'a', image: 'nginx' }] }, { namespace: 'kube-system' }))], message: 'pod kube-system/web created in kube-system' },
    ],
    quiet: [
      { name: 'AKS add-on', events: [aksAddon({ containers: [{ name: 'a', image: mcr }] })] },
      { name: 'elsewhere', events: [podCreate({ containers: [{ name: 'a', image: 'nginx' }] })] },
      { name: 'a controller, body not logged', events: [podCreate({}, { namespace: 'kube-system', requestObject: undefined })] },
    ],
  },
  'audit/pod-image-not-allowed': {
    fires: [{ name: 'image outside the list', events: [podCreate({ containers: [{ name: 'a', image: 'docker.io/evil/miner:latest' }] })], settings: { allowedImages: ['contoso.azurecr.io/*'] }, message: 'outside the allowed list: docker.io/evil/miner:latest', falco: 'Create Disallowed Pod' }],
    quiet: [
      { name: 'off without a list', events: [podCreate({ containers: [{ name: 'a', image: 'docker.io/evil/miner:latest' }] })] },
      { name: 'allowed image', events: [podCreate({ containers: [{ name: 'a', image: 'contoso.azurecr.io/shop/web:1' }] })], settings: { allowedImages: ['contoso.azurecr.io/*'] } },
    ],
  },
  'audit/nodeport-service': {
    fires: [
      { name: 'NodePort', events: [auditEvent({ ...ref('services', 'web', 'shop'), ...body({ spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } }) })], message: 'Service shop/web created with type NodePort (ports 80→node:30080)', falco: 'Create NodePort Service' },
      { name: 'server-side applied (PATCH answered 201)', events: [applied(auditEvent({ requestURI: '/api/v1/namespaces/shop/services/web', ...ref('services', 'web', 'shop'), ...body({ spec: { type: 'NodePort', ports: [{ port: 80 }] } }) }))], message: 'Service shop/web created with type NodePort (ports 80)' },
      { name: 'kubectl patch switching the type', events: [auditEvent({ verb: 'patch', ...ref('services', 'web', 'shop'), ...code(200), ...body({ spec: { type: 'NodePort' } }) })], message: 'Service shop/web patched with type NodePort' },
      { name: 'updated', events: [auditEvent({ verb: 'update', ...ref('services', 'web', 'shop'), ...code(200), ...body({ spec: { type: 'NodePort', ports: [{ port: 443 }] } }) })], message: 'Service shop/web updated with type NodePort (ports 443)' },
    ],
    quiet: [
      {
        name: 'a patch of something else of a NodePort Service: the type did not change',
        events: [auditEvent({ verb: 'patch', ...ref('services', 'web', 'shop'), ...code(200), ...body({ metadata: { labels: { tier: 'web' } } }), responseObject: { spec: { type: 'NodePort' } } })],
      },
      { name: 'a patch to ClusterIP', events: [auditEvent({ verb: 'patch', ...ref('services', 'web', 'shop'), ...code(200), ...body({ spec: { type: 'ClusterIP' } }) })] },
      { name: 'ClusterIP', events: [auditEvent({ ...ref('services', 'web', 'shop'), ...body({ spec: { type: 'ClusterIP' } }) })] },
      { name: 'refused: nothing is exposed', events: [auditEvent({ ...ref('services', 'web', 'shop'), ...body({ spec: { type: 'NodePort', ports: [{ port: 80 }] } }), ...code(403) })] },
    ],
  },
  'audit/configmap-credentials': {
    fires: [
      { name: 'a password', events: [auditEvent({ verb: 'update', ...ref('configmaps', 'app', 'shop'), ...code(200), ...body({ data: { 'db.properties': 'user=app\npassword=s3cr3t-value\n', 'ui.properties': 'color=blue' } }) })], message: 'ConfigMap shop/app modified with credentials under key db.properties', falco: 'Create/Modify Configmap With Private Credentials' },
      { name: 'an Azure storage connection string', events: [auditEvent({ ...ref('configmaps', 'app', 'shop'), ...body({ data: { conn: 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc==' } }) })], message: 'under key conn' },
    ],
    quiet: [{ name: 'plain settings', events: [auditEvent({ ...ref('configmaps', 'app', 'shop'), ...body({ data: { 'ui.properties': 'color.good=purple' } }) })] }],
  },
  'audit/anonymous-request-allowed': {
    fires: [{ name: 'anonymous namespace create', events: [auditEvent({ ...user('system:anonymous', ['system:unauthenticated']), requestURI: '/api/v1/namespaces', ...ref('namespaces', 'foo') })], message: 'anonymous create /api/v1/namespaces allowed', falco: 'Anonymous Request Allowed' }],
    quiet: [
      { name: 'health and version', events: ['/healthz', '/readyz?verbose', '/livez/etcd', '/version'].map((uri) => auditEvent({ ...user('system:anonymous'), verb: 'get', requestURI: uri, objectRef: undefined, ...code(200) })) },
      { name: 'refused', events: [auditEvent({ ...user('system:anonymous'), verb: 'list', requestURI: '/api/v1/secrets', ...ref('secrets'), ...code(403), annotations: { 'authorization.k8s.io/decision': 'forbid' } })] },
    ],
  },
  'audit/namespace-not-allowed': {
    fires: [{ name: 'unknown namespace', events: [auditEvent({ requestURI: '/api/v1/namespaces', ...ref('namespaces', 'crypto') })], settings: { allowedNamespaces: ['shop', 'payments'] }, message: 'namespace crypto created', falco: 'Create Disallowed Namespace' }],
    quiet: [
      { name: 'off without a list', events: [auditEvent({ ...ref('namespaces', 'crypto') })] },
      { name: 'listed', events: [auditEvent({ ...ref('namespaces', 'shop') })], settings: { allowedNamespaces: ['shop'] } },
    ],
  },
  'audit/user-not-allowed': {
    fires: [{ name: 'unlisted user, once per verb and resource', events: [auditEvent({ ...user('mallory'), verb: 'get', ...code(200) }), auditEvent({ ...user('mallory'), verb: 'get', ...code(200) })], settings: { allowedUsers: ['alice@contoso.com'] }, message: 'mallory (not in settings.allowedUsers): get pods/web', falco: 'Disallowed K8s User' }],
    quiet: [
      { name: 'listed user', events: [auditEvent()], settings: { allowedUsers: ['alice@*'] } },
      { name: 'system users', events: [auditEvent({ ...user('system:kube-scheduler') })], settings: { allowedUsers: [] } },
    ],
  },
  'audit/service-account-in-kube-namespace': {
    fires: [
      { name: 'new account in kube-system', events: [auditEvent({ requestURI: '/api/v1/namespaces/kube-system/serviceaccounts', ...ref('serviceaccounts', 'backup', 'kube-system') })], message: 'service account kube-system/backup created', falco: 'Service Account Created in Kube Namespace' },
      { name: 'server-side applied', events: [applied(auditEvent({ requestURI: '/api/v1/namespaces/kube-system/serviceaccounts/backup', ...ref('serviceaccounts', 'backup', 'kube-system') }))], message: 'service account kube-system/backup created' },
    ],
    quiet: [
      { name: "a controller's account", events: [auditEvent({ ...ref('serviceaccounts', 'replicaset-controller', 'kube-system') })] },
      { name: 'elsewhere', events: [auditEvent({ ...ref('serviceaccounts', 'backup', 'shop') })] },
      { name: 'refused', events: [auditEvent({ ...ref('serviceaccounts', 'backup', 'kube-system'), ...code(403) })] },
      { name: 'an existing account patched', events: [auditEvent({ verb: 'patch', ...ref('serviceaccounts', 'backup', 'kube-system'), ...code(200) })] },
    ],
  },
  'audit/system-role-changed': {
    fires: [
      { name: 'system ClusterRole patched', events: [auditEvent({ verb: 'patch', ...ref('clusterroles', 'system:node'), ...code(200) })], message: 'ClusterRole system:node modified', falco: 'System ClusterRole Modified/Deleted' },
      { name: 'system ClusterRole deleted', events: [auditEvent({ verb: 'delete', ...ref('clusterroles', 'system:kube-aggregator'), ...code(200) })], message: 'ClusterRole system:kube-aggregator deleted' },
    ],
    quiet: [
      { name: 'CoreDNS role', events: [auditEvent({ verb: 'update', ...ref('clusterroles', 'system:coredns'), ...code(200) })] },
      { name: 'the aggregation controller', events: [auditEvent({ verb: 'update', ...ref('clusterroles', 'system:aggregate-to-edit'), ...user('system:serviceaccount:kube-system:clusterrole-aggregation-controller'), ...code(200) })] },
      { name: 'reading', events: [auditEvent({ verb: 'get', ...ref('clusterroles', 'system:node'), ...code(200) })] },
    ],
  },
  'audit/cluster-admin-binding': {
    fires: [
      { name: 'ClusterRoleBinding to cluster-admin', events: [binding('clusterrolebindings', 'cluster-admin')], message: 'ClusterRoleBinding b binds ClusterRole cluster-admin to User mallory@contoso.com', severity: 'critical', falco: 'Attach to cluster-admin Role' },
      { name: 'RoleBinding to cluster-admin', events: [binding('rolebindings', 'cluster-admin')], message: 'RoleBinding shop/b binds ClusterRole cluster-admin', severity: 'high' },
      { name: 'RoleBinding to admin', events: [binding('rolebindings', 'admin')], message: 'binds ClusterRole admin', severity: 'medium' },
      {
        name: 'created by a server-side apply (PATCH answered 201): a creation, not a change',
        events: [applied(binding('clusterrolebindings', 'cluster-admin'))],
        message: 'ClusterRoleBinding b binds ClusterRole cluster-admin to User mallory@contoso.com',
        severity: 'critical',
        falco: 'Attach to cluster-admin Role',
      },
      {
        name: 'an existing cluster-admin binding updated: who it binds is what changed',
        events: [{ ...binding('clusterrolebindings', 'cluster-admin'), verb: 'update', ...code(200) }],
        message: 'ClusterRoleBinding b to ClusterRole cluster-admin updated: it now binds User mallory@contoso.com',
        severity: 'high',
      },
      {
        name: 'a patch, the role read from the stored object',
        events: [
          auditEvent({
            verb: 'patch',
            ...ref('clusterrolebindings', 'aks-cluster-admin-binding'),
            ...body({ subjects: [{ kind: 'User', name: 'mallory@contoso.com' }] }),
            responseObject: { metadata: { name: 'aks-cluster-admin-binding' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'admins' }, { kind: 'User', name: 'mallory@contoso.com' }] },
            ...code(200),
          }),
        ],
        message: 'patched: it now binds Group admins, User mallory@contoso.com',
      },
      {
        name: 'refused by RBAC\'s escalation check: an attempt, at low',
        events: [{ ...binding('clusterrolebindings', 'cluster-admin'), ...code(403) }],
        message: 'ClusterRoleBinding b to ClusterRole cluster-admin for User mallory@contoso.com: create refused (answered 403)',
        severity: 'low',
      },
    ],
    quiet: [
      { name: 'binding to view', events: [binding('clusterrolebindings', 'view')] },
      { name: 'a patch that does not say the role (no response logged)', events: [auditEvent({ verb: 'patch', ...ref('clusterrolebindings', 'b'), ...body({ subjects: [] }), ...code(200) })] },
      { name: 'a server-side dry run', events: [{ ...binding('clusterrolebindings', 'cluster-admin'), requestURI: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?dryRun=All' }] },
    ],
  },
  'audit/wildcard-role': {
    fires: [
      { name: 'wildcard resources', events: [role('clusterroles', 'create', 'r', [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }])], message: 'ClusterRole r created with a wildcard rule: get *', falco: 'ClusterRole With Wildcard Created' },
      { name: 'wildcard verbs added later', events: [role('roles', 'update', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }])], message: 'Role shop/r modified with a wildcard rule: * pods' },
      {
        name: 'refused ("attempting to grant RBAC permissions not currently held"): an attempt, at low',
        events: [role('clusterroles', 'create', 'pwn', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], code(403))],
        message: 'ClusterRole pwn create refused (answered 403) with a wildcard rule',
        severity: 'low',
      },
    ],
    quiet: [{ name: 'explicit rules', events: [role('clusterroles', 'create', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }])] }],
  },
  'audit/write-role': {
    fires: [
      { name: 'delete verb', events: [role('clusterroles', 'create', 'r', [{ nonResourceURLs: ['/api'], verbs: ['delete'] }])], message: 'ClusterRole r created with write permissions: delete /api', severity: 'low', falco: 'ClusterRole With Write Privileges Created' },
      { name: 'server-side applied (PATCH answered 201)', events: [role('clusterroles', 'patch', 'r', [{ resources: ['pods'], verbs: ['create'] }], code(201))], message: 'ClusterRole r created with write permissions: create pods' },
    ],
    quiet: [
      { name: 'read only', events: [role('clusterroles', 'create', 'r', [{ resources: ['pods'], verbs: ['get', 'list'] }])] },
      { name: 'updates are not creations', events: [role('clusterroles', 'update', 'edit', [{ resources: ['pods'], verbs: ['create'] }])] },
      { name: 'nor patches of an existing role', events: [role('clusterroles', 'patch', 'edit', [{ resources: ['pods'], verbs: ['create'] }])] },
    ],
  },
  'audit/exec-role': {
    fires: [{ name: 'pods/exec', events: [role('clusterroles', 'create', 'r', [{ resources: ['pods/exec'], verbs: ['get'] }])], message: 'ClusterRole r created with pod exec: get pods/exec', falco: 'ClusterRole With Pod Exec Created' }],
    quiet: [{ name: 'pods/log', events: [role('clusterroles', 'create', 'r', [{ resources: ['pods/log'], verbs: ['get'] }])] }],
  },
  'audit/resource-activity': {
    fires: [
      { name: 'Deployment created', events: [auditEvent({ ...ref('deployments', 'web', 'shop') })], message: 'Deployment shop/web created', severity: 'info', falco: 'K8s Deployment Created' },
      { name: 'ClusterRole deleted (0.6.0 name too)', events: [auditEvent({ verb: 'delete', ...ref('clusterroles', 'r'), ...code(200) })], message: 'ClusterRole r deleted', falco: 'K8s Role/Clusterrole Deleted' },
      { name: 'Namespace deleted', events: [auditEvent({ verb: 'delete', ...ref('namespaces', 'foo', 'foo'), ...code(200) })], message: 'Namespace foo deleted', falco: 'K8s Namespace Deleted' },
      { name: 'Deployment server-side applied (PATCH answered 201)', events: [applied(auditEvent({ requestURI: '/apis/apps/v1/namespaces/shop/deployments/web', ...ref('deployments', 'web', 'shop') }))], message: 'Deployment shop/web created', falco: 'K8s Deployment Created' },
      { name: 'Secrets deleted by deletecollection', events: [auditEvent({ verb: 'deletecollection', requestURI: '/api/v1/namespaces/shop/secrets', ...ref('secrets', undefined, 'shop'), ...code(200) })], message: 'Secrets in shop deleted', severity: 'info', falco: 'K8s Secret Deleted' },
      {
        name: "a person wiping a namespace's Events (kubectl delete events --all)",
        events: [auditEvent({ verb: 'deletecollection', requestURI: '/api/v1/namespaces/shop/events', ...ref('events', undefined, 'shop'), ...code(200) })],
        message: 'Events in shop deleted',
        severity: 'medium',
      },
      { name: 'a person deleting an Event', events: [auditEvent({ verb: 'delete', ...ref('events', 'web-0.17f3a', 'shop'), ...code(200) })], message: 'Event shop/web-0.17f3a deleted', severity: 'low' },
    ],
    quiet: [
      { name: 'failed create', events: [auditEvent({ ...ref('deployments', 'web', 'shop'), ...code(409) })] },
      { name: 'switched off', events: [auditEvent({ ...ref('deployments', 'web', 'shop') })], settings: { activity: false } },
      { name: 'secrets of kube-system', events: [auditEvent({ ...ref('secrets', 'bootstrap-token-abc', 'kube-system') })] },
      { name: "Events deleted by the namespace controller (the namespace's own deletion)", events: [auditEvent({ verb: 'deletecollection', ...user('system:serviceaccount:kube-system:namespace-controller'), ...ref('events', undefined, 'shop'), ...code(200) })] },
      { name: 'the namespace controller emptying a namespace being deleted', events: [auditEvent({ verb: 'deletecollection', ...user('system:serviceaccount:kube-system:namespace-controller'), ...ref('configmaps', undefined, 'shop'), ...code(200) })] },
      { name: 'Events created', events: [auditEvent({ ...user('system:node:aks-nodepool1-0'), ...ref('events', 'web-0.17f3a', 'shop') })] },
      { name: 'an existing Deployment patched', events: [auditEvent({ verb: 'patch', ...ref('deployments', 'web', 'shop'), ...code(200) })] },
      { name: 'secrets created by the control plane', events: [auditEvent({ ...user('system:kube-controller-manager'), ...ref('secrets', 'tok', 'shop') })] },
    ],
  },
  'audit/secret-read': {
    fires: [
      { name: 'a kube-system secret read by a person', events: [auditEvent({ verb: 'get', ...ref('secrets', 'azure-storage', 'kube-system'), ...code(200) })], message: 'secret kube-system/azure-storage read', falco: 'K8s Secret Get Successfully' },
      { name: 'every secret listed by a workload', events: [auditEvent({ verb: 'list', requestURI: '/api/v1/secrets', ...user('system:serviceaccount:shop:web'), ...ref('secrets'), ...code(200) })], message: 'secrets in every namespace listed', severity: 'high' },
      {
        name: 'a watch of every secret, reported when it opens (it may close an hour later, in another log)',
        events: [auditEvent({ verb: 'watch', stage: 'ResponseStarted', requestURI: '/api/v1/secrets?watch=true', ...ref('secrets'), ...code(200) })],
        message: 'secrets in every namespace watched',
        severity: 'high',
      },
      {
        name: 'helm list -A: narrowed to Helm release secrets, the selector shown, at medium',
        events: [auditEvent({ verb: 'list', requestURI: '/api/v1/secrets?labelSelector=owner%3Dhelm', ...ref('secrets'), ...code(200) })],
        message: 'secrets in every namespace (labelSelector owner=helm) listed',
        severity: 'medium',
      },
      {
        name: 'another selector is shown, and stays high',
        events: [auditEvent({ verb: 'list', requestURI: '/api/v1/secrets?labelSelector=app%3Dweb', ...ref('secrets'), ...code(200) })],
        message: 'secrets in every namespace (labelSelector app=web) listed',
        severity: 'high',
      },
      { name: 'a denied attempt', events: [auditEvent({ verb: 'get', ...ref('secrets', 'x', 'kube-system'), ...code(403) })], message: 'secret kube-system/x: get denied (403)', severity: 'low', falco: 'K8s Secret Get Unsuccessfully Tried' },
      {
        name: 'secrets listed namespace after namespace: 5 within 10 minutes, reported once',
        events: ['shop', 'payments', 'billing', 'web', 'db', 'ops'].map((ns, i) => auditEvent({ verb: 'list', requestURI: `/api/v1/namespaces/${ns}/secrets`, ...ref('secrets', undefined, ns), ...code(200), ...at(`10:0${i}`) })),
        message: 'secrets read in 5 namespaces within 10 minutes: shop, payments, billing, web, db',
        severity: 'high',
      },
      {
        name: "kube-system's default service account listing every secret (not one of the cluster's components)",
        events: [auditEvent({ verb: 'list', requestURI: '/api/v1/secrets', ...user('system:serviceaccount:kube-system:default'), ...ref('secrets'), ...code(200) })],
        message: 'secrets in every namespace listed',
      },
    ],
    quiet: [
      { name: 'a get, not yet complete', events: [auditEvent({ verb: 'get', stage: 'ResponseStarted', ...ref('secrets', 'x', 'kube-system'), ...code(200) })] },
      { name: "an app's own namespace", events: [auditEvent({ verb: 'get', ...ref('secrets', 'db', 'shop'), ...code(200) })] },
      { name: 'the kubelet', events: [auditEvent({ verb: 'get', ...user('system:node:aks-nodepool1-0'), ...ref('secrets', 'x', 'kube-system'), ...code(200) })] },
      { name: 'a kube-system controller', events: [auditEvent({ verb: 'list', ...user('system:serviceaccount:kube-system:generic-garbage-collector'), ...ref('secrets'), ...code(200) })] },
      {
        name: 'secrets of 5 namespaces read over an hour and more, fewer than 5 within any 10 minutes',
        events: ['shop', 'payments', 'billing', 'web', 'db'].map((ns, i) => auditEvent({ verb: 'get', ...ref('secrets', 'x', ns), ...code(200), ...at(`1${i}:00`) })),
      },
      { name: 'secrets of 4 namespaces', events: ['shop', 'payments', 'billing', 'web'].map((ns, i) => auditEvent({ verb: 'list', ...ref('secrets', undefined, ns), ...code(200), ...at(`10:0${i}`) })) },
      { name: 'one namespace read again and again', events: Array.from({ length: 6 }, (_, i) => auditEvent({ verb: 'get', ...ref('secrets', `s${i}`, 'shop'), ...code(200), ...at(`10:0${i}`) })) },
      {
        name: 'denied reads in 5 namespaces (the attempts are not reads)',
        events: ['shop', 'payments', 'billing', 'web', 'db'].map((ns, i) => auditEvent({ verb: 'list', ...ref('secrets', undefined, ns), ...code(403), ...at(`10:0${i}`) })),
      },
    ],
  },
  'audit/token-request': {
    fires: [{ name: 'kubectl create token', events: [auditEvent({ requestURI: '/api/v1/namespaces/kube-system/serviceaccounts/cluster-autoscaler/token', ...ref('serviceaccounts', 'cluster-autoscaler', 'kube-system', 'token') })], message: 'token issued for service account kube-system/cluster-autoscaler to alice@contoso.com' }],
    quiet: [
      { name: 'the kubelet', events: [auditEvent({ ...user('system:node:aks-nodepool1-0'), ...ref('serviceaccounts', 'web', 'shop', 'token') })] },
      { name: 'the account itself', events: [auditEvent({ ...user('system:serviceaccount:shop:web'), ...ref('serviceaccounts', 'web', 'shop', 'token') })] },
    ],
  },
  'audit/impersonation': {
    fires: [
      { name: 'impersonating a member of system:masters', events: [auditEvent({ verb: 'list', ...ref('secrets'), ...code(200), impersonatedUser: { username: 'admin', groups: ['system:masters'] } })], message: 'alice@contoso.com acted as admin (groups system:masters): list secrets', severity: 'critical' },
      { name: 'impersonating an account', events: [auditEvent({ verb: 'get', ...ref('pods', 'web', 'shop'), ...code(200), impersonatedUser: { username: 'system:serviceaccount:shop:web' } })], message: 'acted as system:serviceaccount:shop:web', severity: 'high' },
    ],
    quiet: [{ name: 'no impersonation', events: [auditEvent()] }],
  },
  'audit/csr-approved': {
    fires: [{ name: 'approved by a person', events: [auditEvent({ verb: 'update', ...ref('certificatesigningrequests', 'csr-x', undefined, 'approval'), ...code(200), ...body({ spec: { signerName: 'kubernetes.io/kube-apiserver-client' }, status: { conditions: [{ type: 'Approved', status: 'True' }] } }) })], message: 'CertificateSigningRequest csr-x approved (signer kubernetes.io/kube-apiserver-client)' }],
    quiet: [
      { name: 'the controller approving kubelet certificates', events: [auditEvent({ verb: 'update', ...user('system:serviceaccount:kube-system:certificate-controller'), ...ref('certificatesigningrequests', 'csr-x', undefined, 'approval'), ...code(200) })] },
      { name: 'denied', events: [auditEvent({ verb: 'update', ...ref('certificatesigningrequests', 'csr-x', undefined, 'approval'), ...code(200), ...body({ status: { conditions: [{ type: 'Denied', status: 'True' }] } }) })] },
    ],
  },
  'audit/admission-webhook-changed': {
    fires: [
      { name: 'deleted', events: [auditEvent({ verb: 'delete', ...ref('validatingwebhookconfigurations', 'gatekeeper'), ...code(200) })], message: 'ValidatingWebhookConfiguration gatekeeper deleted', severity: 'high' },
      { name: 'created', events: [auditEvent({ ...ref('mutatingwebhookconfigurations', 'sidecar') })], message: 'MutatingWebhookConfiguration sidecar created', severity: 'medium' },
    ],
    quiet: [{ name: 'read', events: [auditEvent({ verb: 'list', ...ref('validatingwebhookconfigurations'), ...code(200) })] }],
  },
  'audit/ingress-without-tls': {
    fires: [{ name: 'plain HTTP', events: [auditEvent({ ...ref('ingresses', 'web', 'shop'), ...body({ spec: { rules: [{ host: 'shop.contoso.com' }] } }) })], message: 'Ingress shop/web created without TLS', falco: 'Ingress Object without TLS Certificate Created' }],
    quiet: [{ name: 'with tls', events: [auditEvent({ ...ref('ingresses', 'web', 'shop'), ...body({ spec: { tls: [{ hosts: ['shop.contoso.com'], secretName: 'tls' }] } }) })] }],
  },
  'audit/auth-failure-burst': {
    fires: [
      {
        name: 'refusals in a burst',
        events: Array.from({ length: 5 }, (_, i) => auditEvent({ verb: 'list', ...ref('secrets'), ...code(403), stageTimestamp: `2026-11-02T10:00:0${i}Z` })),
        settings: { authFailures: { threshold: 5, windowSeconds: 60 } },
        message: '5 refused requests (401/403) for alice@contoso.com from 203.0.113.7 within 60s',
      },
    ],
    quiet: [
      { name: 'spread out', events: Array.from({ length: 5 }, (_, i) => auditEvent({ verb: 'list', ...ref('secrets'), ...code(403), stageTimestamp: `2026-11-02T1${i}:00:00Z` })), settings: { authFailures: { threshold: 5, windowSeconds: 60 } } },
      {
        name: "a kubelet refused by the node authorizer during a scale-up (no pod bound to its node yet)",
        events: Array.from({ length: 5 }, (_, i) => auditEvent({ verb: 'get', ...user('system:node:aks-nodepool1-3', ['system:nodes']), ...ref('secrets', 'db', 'shop'), ...code(403), stageTimestamp: `2026-11-02T10:00:0${i}Z` })),
        settings: { authFailures: { threshold: 5, windowSeconds: 60 } },
      },
    ],
  },
  'audit/service-account-token-outside-cluster': {
    // metrics-server runs as a pod on the nodes: its token used from outside is theft like any other.
    aksIdentities: ['aksService', 'system:serviceaccount:kube-system:replicaset-controller'],
    fires: [
      {
        name: "a workload's token replayed from a public address no kubelet uses within the window",
        events: [{ ...kubelet('10.224.0.4'), ...at('10:00') }, { ...sa('shop', 'web', '203.0.113.7'), ...at('10:01') }, { ...kubelet('10.224.0.4'), ...at('10:11') }],
        message: 'token of service account shop/web used from 203.0.113.7, a public address no node was seen using (outside the cluster unless it is an outbound IP of the cluster no kubelet used; list those in settings.clusterCidrs): list /api/v1/namespaces/shop/secrets (answered 200)',
        severity: 'medium',
      },
      {
        name: 'used before the first kubelet request, from an address no kubelet then uses: reported at the end of the log',
        events: [sa('shop', 'web', '203.0.113.7'), kubelet('20.50.1.2')],
        message: 'token of service account shop/web used from 203.0.113.7, a public address no node was seen using',
        severity: 'medium',
      },
      {
        name: 'a log without any kubelet request and without clusterCidrs: reported as unverified, at info',
        events: [sa('shop', 'web', '203.0.113.7')],
        message: "token of service account shop/web used from 203.0.113.7, a public address not verified as outside the cluster (no kubelet request in the log to learn the cluster's addresses from, and no settings.clusterCidrs): list /api/v1/namespaces/shop/secrets (answered 200)",
        severity: 'info',
      },
      { name: 'with clusterCidrs, from a private address outside them', events: [sa('shop', 'web', '192.168.7.9')], settings: { clusterCidrs: AKS_CIDRS }, message: 'token of service account shop/web used from 192.168.7.9, outside the cluster: list', severity: 'high' },
      {
        name: 'with clusterCidrs (the outbound IPs listed), a public address outside them: high at once, without waiting for kubelets',
        events: [kubelet('10.224.0.4'), sa('shop', 'web', '203.0.113.7')],
        settings: { clusterCidrs: [...AKS_CIDRS, '20.50.1.2/32'] },
        message: 'token of service account shop/web used from 203.0.113.7, outside the cluster: list',
        severity: 'high',
      },
      { name: 'used again from the same address: one alert', events: [sa('shop', 'web', '203.0.113.7'), sa('shop', 'web', '203.0.113.7')], message: 'used from 203.0.113.7' },
      { name: 'refused requests too', events: [kubelet('10.224.0.4'), { ...sa('shop', 'web', '2001:db8::7'), ...code(403) }], message: 'used from 2001:db8::7, a public address no node was seen using (outside the cluster unless it is an outbound IP of the cluster no kubelet used; list those in settings.clusterCidrs): list /api/v1/namespaces/shop/secrets (answered 403)' },
      { name: 'a public peer behind an X-Forwarded-For header naming an in-cluster client: the peer is judged', events: [kubelet('10.224.0.4'), sa('shop', 'web', '10.244.0.9', '198.51.100.4')], message: 'used from 198.51.100.4' },
      { name: "an AKS add-on's token, allowed for everything else, replayed from the internet", events: [sa('kube-system', 'azure-policy', '203.0.113.7')], message: 'token of service account kube-system/azure-policy used from 203.0.113.7' },
      ...['metrics-server', 'coredns', 'konnectivity-agent', 'azure-cns', 'cloud-node-manager'].map((name) => ({
        name: `the token of ${name}, an add-on running as a pod on the nodes, replayed from outside`,
        events: [sa('kube-system', name, '203.0.113.7')],
        settings: { clusterCidrs: AKS_CIDRS },
        message: `token of service account kube-system/${name} used from 203.0.113.7, outside the cluster`,
        severity: 'high' as const,
      })),
    ],
    quiet: [
      { name: 'from a pod address', events: [sa('shop', 'web', '10.244.1.17')] },
      {
        name: "before the first kubelet request, from the address kubelets then use (a public cluster's outbound IP; a run or an hourly blob starting)",
        events: [sa('shop', 'web', '20.50.1.2'), sa('kube-system', 'azure-policy', '20.50.1.2'), kubelet('20.50.1.2')],
      },
      {
        name: 'a cluster with several outbound IPs: a pod uses one before any kubelet is seen on it, within the window',
        events: [{ ...kubelet('20.50.1.2'), ...at('10:00') }, { ...sa('shop', 'web', '20.50.1.3'), ...at('10:01') }, { ...kubelet('20.50.1.2'), ...at('10:03') }, { ...kubelet('20.50.1.3'), ...at('10:05') }],
      },
      { name: 'an in-cluster proxy forwarding for an outside client (X-Forwarded-For names it, the pod connected)', events: [kubelet('10.224.0.4'), sa('headlamp', 'headlamp', '203.0.113.80', '10.244.1.40')] },
      {
        name: "cloud-controller-manager's controllers, which run in the control plane",
        events: [kubelet('10.224.0.4'), ...['cloud-node-lifecycle-controller', 'route-controller', 'cloud-node-controller', 'cloud-controller-manager', 'service-controller'].map((n) => sa('kube-system', n, '20.61.7.9'))],
      },
      { name: 'from inside clusterCidrs', events: [sa('shop', 'web', '10.224.0.4')], settings: { clusterCidrs: AKS_CIDRS } },
      { name: "from the cluster's outbound address, which kubelets use", events: [auditEvent({ verb: 'update', ...user('system:node:aks-nodepool1-0', ['system:nodes']), ...ref('leases', 'aks-nodepool1-0', 'kube-node-lease'), ...code(200), sourceIPs: ['20.50.1.2'] }), sa('shop', 'web', '20.50.1.2')], settings: { clusterCidrs: AKS_CIDRS } },
      { name: 'a person from a public address', events: [auditEvent({ verb: 'list', ...ref('secrets', undefined, 'shop'), ...code(200) })] },
      { name: "a controller's account, which runs in the control plane", events: [{ ...sa('kube-system', 'replicaset-controller', '172.31.20.43'), verb: 'create' }], settings: { clusterCidrs: AKS_CIDRS } },
      { name: 'the API server talking to itself', events: [sa('shop', 'web', '127.0.0.1'), sa('shop', 'web', '::1')], settings: { clusterCidrs: AKS_CIDRS } },
    ],
  },
  'audit/first-seen-identity': {
    fires: [
      { name: 'a newcomer after the learning window binds a role', events: [seen('alice@contoso.com', '10:00'), { ...seen('mallory@contoso.com', '11:30'), verb: 'create', ...ref('clusterrolebindings', 'admin-x'), ...code(201) }], message: 'mallory@contoso.com (first seen 2026-11-02T11:30:00.000Z): create clusterrolebindings admin-x from 203.0.113.7' },
      { name: 'a newcomer opens a shell', events: [seen('alice@contoso.com', '10:00'), { ...stream('exec'), ...at('11:30'), ...user('ci-bot@contoso.com') }], message: 'ci-bot@contoso.com (first seen 2026-11-02T11:30:00.000Z): create pods/exec shop/web-0' },
      { name: 'a service account new after a short window writes a secret, twice: one alert', events: [seen('alice@contoso.com', '10:00'), seen('system:serviceaccount:shop:web', '10:02'), { ...seen('system:serviceaccount:shop:web', '10:03'), verb: 'patch', ...ref('secrets', 'db', 'shop'), ...code(200) }, { ...seen('system:serviceaccount:shop:web', '10:04'), verb: 'delete', ...ref('secrets', 'db', 'shop'), ...code(200) }], settings: { firstSeen: { learningSeconds: 60 } }, message: 'system:serviceaccount:shop:web (first seen 2026-11-02T10:02:00.000Z): patch secrets shop/db' },
    ],
    quiet: [
      { name: 'seen during the learning window', events: [seen('mallory@contoso.com', '10:00'), { ...seen('mallory@contoso.com', '11:30'), verb: 'create', ...ref('clusterrolebindings', 'admin-x'), ...code(201) }] },
      { name: 'a newcomer that only reads', events: [seen('alice@contoso.com', '10:00'), { ...seen('mallory@contoso.com', '11:30'), verb: 'get', ...ref('secrets', 'db', 'shop'), ...code(200) }] },
      { name: 'a newcomer writing a ConfigMap', events: [seen('alice@contoso.com', '10:00'), { ...seen('mallory@contoso.com', '11:30'), verb: 'update', ...ref('configmaps', 'app', 'shop'), ...code(200) }] },
      { name: 'a refused write', events: [seen('alice@contoso.com', '10:00'), { ...seen('mallory@contoso.com', '11:30'), ...ref('secrets', 'db', 'shop'), ...code(403) }] },
      { name: 'a node added by the autoscaler', events: [seen('alice@contoso.com', '10:00'), { ...seen('system:node:aks-nodepool1-vmss000009', '11:30'), ...ref('serviceaccounts', 'web', 'shop', 'token'), ...code(201) }] },
    ],
  },
};

describe('every detector has cases', () => {
  it('covers the catalog', () => {
    const ids = DETECTORS.map((d) => d.meta.id).filter((id) => id !== 'audit/body-not-logged');
    expect(Object.keys(CASES).sort()).toEqual(ids.sort());
  });
  it('ids follow audit/kebab-case and every meta says why and what to do', () => {
    for (const d of DETECTORS) {
      expect(d.meta.id).toMatch(/^audit\/[a-z0-9-]+$/);
      expect(d.meta.description.length).toBeGreaterThan(40);
      expect(d.meta.remediation.length).toBeGreaterThan(10);
    }
  });
});

for (const [id, cases] of Object.entries(CASES)) {
  describe(id, () => {
    for (const c of cases.fires) {
      it(`fires: ${c.name}`, () => {
        const r = runEvents(c.events, { settings: applySettings(c.settings) });
        const hits = of(r.alerts, id);
        expect(hits).toHaveLength(1);
        expect(hits[0]?.message).toContain(c.message);
        if (c.severity) expect(hits[0]?.severity).toBe(c.severity);
        if (c.falco) expect(hits[0]?.frameworks.filter((f) => f.framework === 'falco').map((f) => f.id)).toContain(c.falco);
      });
      it(`stays quiet when AKS itself does it: ${c.name}`, () => {
        for (const username of cases.aksIdentities ?? ['aksService', 'system:serviceaccount:kube-system:metrics-server']) {
          const asAks = c.events.map((e) => ({ ...e, user: { username, groups: ['system:masters'] } }));
          expect(of(runEvents(asAks, { settings: applySettings(c.settings) }).alerts, id)).toEqual([]);
        }
      });
    }
    for (const c of cases.quiet) {
      it(`stays quiet: ${c.name}`, () => {
        expect(of(runEvents(c.events, { settings: applySettings(c.settings) }).alerts, id)).toEqual([]);
      });
    }
  });
}

it('a pod with an mcr.microsoft.com image outside the AKS namespaces is not taken for an add-on', () => {
  const r = runEvents([podCreate({ hostNetwork: true, containers: [{ name: 'a', image: mcr }] })]);
  expect(of(r.alerts, 'audit/host-network-pod')).toHaveLength(1);
});

it('first-seen identities: memory is bounded, the least recently seen forgotten first', () => {
  const settings = applySettings({ firstSeen: { learningSeconds: 3600, maxIdentities: 2 } });
  const write = (username: string, hhmm: string) => ({ ...seen(username, hhmm), verb: 'create', ...ref('secrets', 'x', 'shop'), ...code(201) });
  const events = [seen('alice@contoso.com', '10:00'), seen('bob@contoso.com', '10:01'), seen('alice@contoso.com', '11:10'), seen('carol@contoso.com', '11:20'), write('alice@contoso.com', '11:30'), write('bob@contoso.com', '11:40')];
  // carol pushed bob (the least recently seen) out; alice, seen since, is still known.
  expect(of(runEvents(events, { settings }).alerts, 'audit/first-seen-identity').map((a) => a.user)).toEqual(['bob@contoso.com']);
});

it('clusterCidrs in a rules file must be CIDRs; firstSeen takes a window and a bound', () => {
  expect(() => parseRulesFile('settings:\n  clusterCidrs: [10.244.0.0/16, 10.0.0/16]\n', 'rules.yaml')).toThrow('rules.yaml: settings.clusterCidrs.1: not a CIDR (10.244.0.0/16, fd00::/8)');
  const { settings } = parseRulesFile('settings:\n  clusterCidrs: [10.244.0.0/16, "fd00::/8"]\n  firstSeen: { learningSeconds: 600 }\n', 'rules.yaml');
  expect(settings.clusterCidrs).toEqual(['10.244.0.0/16', 'fd00::/8']);
  expect(settings.firstSeen).toEqual({ learningSeconds: 600, maxIdentities: 50_000 });
});

describe('audit/secret-read repeats', () => {
  const watch = (day: string, id: string) =>
    auditEvent({
      auditID: id,
      verb: 'watch',
      requestURI: '/api/v1/secrets?watch=true',
      ...user('system:serviceaccount:ingress-nginx:ingress-nginx'),
      ...ref('secrets'),
      ...code(200),
      requestReceivedTimestamp: `${day}T10:00:00Z`,
      stageTimestamp: `${day}T10:00:00Z`,
    });

  it('reports a watch that reopens every hour once a day per identity and scope', () => {
    const events = [watch('2026-11-02', 'a'), watch('2026-11-02', 'b'), watch('2026-11-02', 'c'), watch('2026-11-03', 'd')];
    expect(of(runEvents(events).alerts, 'audit/secret-read').map((a) => a.time?.slice(0, 10))).toEqual(['2026-11-02', '2026-11-03']);
  });

  it('reports a watch once, when it opens, not again when it closes', () => {
    const opened = { ...watch('2026-11-02', 'w'), stage: 'ResponseStarted' };
    const closed = { ...watch('2026-11-02', 'w'), stage: 'ResponseComplete', stageTimestamp: '2026-11-02T10:45:00Z' };
    expect(of(runEvents([opened, closed]).alerts, 'audit/secret-read')).toMatchObject([{ stage: 'ResponseStarted' }]);
  });

  it('still reports another identity, or another way of reading, the same day', () => {
    const other = { ...watch('2026-11-02', 'x'), user: { username: 'mallory@contoso.com', groups: [] } };
    const list = { ...watch('2026-11-02', 'y'), verb: 'list' };
    expect(of(runEvents([watch('2026-11-02', 'a'), other, list]).alerts, 'audit/secret-read')).toHaveLength(3);
  });
});
