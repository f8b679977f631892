import { LIVE_KINDS, type LiveKind } from '../src/ingest/kube-kinds.js';
import { mulberry32 } from './generate.js';

/**
 * A seeded cluster as the API server stores it, for the live benchmark (`live.ts`): every object in
 * the shape a list answer carries it (no apiVersion or kind on the item; uid, resourceVersion,
 * creationTimestamp, generation and the managedFields every write leaves), grouped by the kind's
 * entry in LIVE_KINDS. Workloads are a chain of owners as the controllers make them: Deployments own
 * ReplicaSets (the current revision and, for most, an older one scaled to zero) that own Pods;
 * StatefulSets and DaemonSets own Pods; CronJobs own Jobs (their history) that own completed Pods.
 * Pods carry what the kubelet and the scheduler add (node, default tolerations, the projected token
 * volume, conditions, container statuses). About half the objects were written by `kubectl apply`
 * and carry the last-applied-configuration annotation; Secrets are mostly Helm release records.
 */

type Json = Record<string, unknown>;

export interface GeneratedCluster {
  /** List items by kind name (every kind in LIVE_KINDS, possibly empty), in list order. */
  items: Map<string, Json[]>;
  /** Objects in total, and Pods. */
  objects: number;
  pods: number;
  kinds: Record<string, number>;
}

export interface ClusterSize {
  pods: number;
  objects: number;
}

const NODES = 60;
const CREATED = '2026-10-01T08:00:00Z';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const TEAMS = ['shop', 'payments', 'search', 'data', 'ml', 'web', 'identity', 'ops', 'media', 'ads'];
const IMAGES = ['nginx', 'api', 'worker', 'gateway', 'cache', 'indexer', 'scheduler', 'exporter', 'auth', 'frontend'];

/** fieldsV1 as the API server records it: `f:<field>` for each field set, `k:{"name":...}` for list items keyed by name. */
function fieldsOf(value: unknown): Json {
  if (Array.isArray(value)) {
    const out: Json = {};
    value.forEach((v, i) => {
      const key = v !== null && typeof v === 'object' && 'name' in v ? `k:${JSON.stringify({ name: (v as Json).name })}` : `i:${i}`;
      out[key] = { '.': {}, ...fieldsOf(v) };
    });
    return out;
  }
  if (value === null || typeof value !== 'object') return {};
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) out[`f:${k}`] = fieldsOf(v);
  return out;
}

function managed(manager: string, apiVersion: string, fields: Json, subresource?: string): Json {
  return { manager, operation: 'Update', apiVersion, time: CREATED, fieldsType: 'FieldsV1', fieldsV1: fields, ...(subresource ? { subresource } : {}) };
}

export function generateCluster(seed: number, size: ClusterSize = { pods: 10_000, objects: 50_000 }): GeneratedCluster {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const hex = (n: number) => {
    let s = '';
    while (s.length < n) s += Math.floor(rnd() * 0x1_0000_0000).toString(16).padStart(8, '0');
    return s.slice(0, n);
  };
  let uidCount = 0;
  let rv = 100_000;
  const uid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${(++uidCount).toString(16).padStart(12, '0')}`;

  const items = new Map<string, Json[]>(LIVE_KINDS.map((k) => [k.kind, []]));
  const kindOf = new Map<string, LiveKind>(LIVE_KINDS.map((k) => [k.kind, k]));
  const apiVersionOf = (kind: string) => {
    const k = kindOf.get(kind)!;
    return k.group === '' ? k.version : `${k.group}/${k.version}`;
  };

  /** Stores an object: server metadata added, managedFields from the fields set, last-applied for applied ones. */
  const add = (kind: string, namespace: string | null, name: string, body: Json, opts: { labels?: Record<string, string>; annotations?: Record<string, string>; owner?: Json; applied?: boolean; status?: Json; manager?: string; generateName?: string } = {}): Json => {
    const apiVersion = apiVersionOf(kind);
    const annotations: Record<string, string> = { ...opts.annotations };
    const metaUser: Json = { name, ...(namespace !== null ? { namespace } : {}), ...(opts.labels ? { labels: opts.labels } : {}) };
    if (opts.applied) annotations[LAST_APPLIED] = `${JSON.stringify({ apiVersion, kind, metadata: { annotations: {}, ...metaUser }, ...body })}\n`;
    const managedFields = [managed(opts.manager ?? (opts.applied ? 'kubectl-client-side-apply' : 'helm'), apiVersion, fieldsOf({ metadata: { labels: opts.labels ?? {}, annotations }, ...body }))];
    if (opts.status) managedFields.push(managed(kind === 'Pod' ? 'kubelet' : 'kube-controller-manager', apiVersion, fieldsOf({ status: opts.status }), 'status'));
    const metadata: Json = {
      name,
      ...(opts.generateName ? { generateName: opts.generateName } : {}),
      ...(namespace !== null ? { namespace } : {}),
      uid: uid(),
      resourceVersion: String(++rv),
      ...(kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet' || kind === 'ReplicaSet' ? { generation: int(1, 9) } : {}),
      creationTimestamp: CREATED,
      ...(opts.labels ? { labels: opts.labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ...(opts.owner ? { ownerReferences: [opts.owner] } : {}),
      managedFields,
    };
    const item: Json = { metadata, ...body, ...(opts.status ? { status: opts.status } : {}) };
    items.get(kind)!.push(item);
    return item;
  };
  const ownerRef = (kind: string, owner: Json): Json => {
    const m = owner.metadata as Json;
    return { apiVersion: apiVersionOf(kind), kind, name: m.name, uid: m.uid, controller: true, blockOwnerDeletion: true };
  };

  // ---------------------------------------------------------------- namespaces
  const namespaces = ['kube-system', 'monitoring', 'ingress-nginx', 'cert-manager', 'logging'];
  for (let i = 0; namespaces.length < 150; i++) namespaces.push(`${TEAMS[i % TEAMS.length]}-${Math.floor(i / TEAMS.length)}`);
  const apps = namespaces.slice(5);
  for (const ns of namespaces)
    add('Namespace', null, ns, { spec: { finalizers: ['kubernetes'] } }, { labels: { 'kubernetes.io/metadata.name': ns, ...(rnd() < 0.5 ? { 'pod-security.kubernetes.io/enforce': pick(['restricted', 'baseline']) } : {}) }, status: { phase: 'Active' }, manager: 'kubectl-create' });

  // ---------------------------------------------------------------- pod templates
  /** A container from hardened to careless: one workload in four misses something a rule checks. */
  const container = (name: string): Json => {
    const careless = rnd() < 0.25;
    const env = Array.from({ length: int(1, 6) }, (_, i) => ({ name: `SETTING_${i}`, value: rnd() < 0.5 ? `value-${hex(6)}` : String(int(1, 9999)) }));
    return {
      name,
      image: `registry.example.com/${pick(TEAMS)}/${pick(IMAGES)}:${int(1, 9)}.${int(0, 30)}.${int(0, 9)}`,
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'http', containerPort: pick([8080, 8443, 9090, 3000]), protocol: 'TCP' }],
      env,
      ...(careless && rnd() < 0.5 ? {} : { resources: { limits: { cpu: `${int(1, 4) * 250}m`, memory: `${int(1, 8) * 128}Mi` }, requests: { cpu: `${int(1, 4) * 50}m`, memory: `${int(1, 4) * 64}Mi` } } }),
      readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 15, periodSeconds: 20, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      securityContext: careless
        ? rnd() < 0.3
          ? { privileged: true }
          : { allowPrivilegeEscalation: true }
        : { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 10001 },
      volumeMounts: [{ name: 'config', mountPath: '/etc/app', readOnly: true }],
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    };
  };
  const template = (app: string, restartPolicy = 'Always'): Json => {
    const containers = [container(app), ...(rnd() < 0.2 ? [container('sidecar')] : [])];
    return {
      metadata: { labels: { app, team: pick(TEAMS) } },
      spec: {
        containers,
        volumes: [{ name: 'config', configMap: { name: `${app}-config`, defaultMode: 420 } }],
        restartPolicy,
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        serviceAccountName: rnd() < 0.7 ? app : 'default',
        securityContext: rnd() < 0.6 ? { seccompProfile: { type: 'RuntimeDefault' }, fsGroup: 10001 } : {},
        schedulerName: 'default-scheduler',
        ...(rnd() < 0.05 ? { hostNetwork: true } : {}),
      },
    };
  };
  let podCount = 0;
  /** A running (or, for Jobs, completed) Pod of a template: what the scheduler, admission and kubelet add. */
  const pod = (ns: string, name: string, generateName: string, tpl: Json, owner: Json, hash?: string, done = false) => {
    podCount++;
    const spec = tpl.spec as Json;
    const containers = (spec.containers as Json[]).map((c): Json => ({ ...c, volumeMounts: [...(c.volumeMounts as Json[]), { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }] }));
    const node = `aks-nodepool1-${String(int(0, NODES - 1)).padStart(8, '0')}`;
    const ip = `10.244.${int(0, 255)}.${int(2, 254)}`;
    const at = '2026-11-20T10:00:00Z';
    const status: Json = {
      phase: done ? 'Succeeded' : 'Running',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: done && type === 'Ready' ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: at })),
      hostIP: `10.224.0.${int(4, 250)}`,
      hostIPs: [{ ip: `10.224.0.${int(4, 250)}` }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: at,
      containerStatuses: containers.map((c) => ({
        name: c.name,
        state: done ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: at, finishedAt: at, containerID: `containerd://${hex(64)}` } } : { running: { startedAt: at } },
        lastState: {},
        ready: !done,
        restartCount: rnd() < 0.1 ? int(1, 20) : 0,
        image: c.image,
        imageID: `${String(c.image).split(':')[0]}@sha256:${hex(64)}`,
        containerID: `containerd://${hex(64)}`,
        started: !done,
      })),
      qosClass: 'Burstable',
    };
    add(
      'Pod',
      ns,
      name,
      {
        spec: {
          ...spec,
          containers,
          volumes: [
            ...(spec.volumes as Json[]),
            { name: 'kube-api-access', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } }] } },
          ],
          serviceAccount: spec.serviceAccountName,
          nodeName: node,
          enableServiceLinks: true,
          preemptionPolicy: 'PreemptLowerPriority',
          priority: 0,
          tolerations: [
            { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
            { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          ],
        },
      },
      { labels: { ...((tpl.metadata as Json).labels as Record<string, string>), ...(hash ? { 'pod-template-hash': hash } : {}) }, owner, status, manager: 'kube-controller-manager', generateName },
    );
  };

  // ---------------------------------------------------------------- workloads
  // Fixed shares of the pods: DaemonSets on every node, StatefulSets, CronJob history, a few bare Pods;
  // Deployments take the rest.
  const daemonSets = 12;
  const dsPods = Math.min(daemonSets * NODES, Math.floor(size.pods * 0.08));
  const stsPods = Math.floor(size.pods * 0.04);
  const cronJobs = Math.max(1, Math.floor(size.pods * 0.025));
  const jobPods = cronJobs * 3;
  const barePods = Math.floor(size.pods * 0.005);
  const deployPods = size.pods - dsPods - stsPods - jobPods - barePods;
  const deployments = Math.max(1, Math.floor(deployPods / 7));

  const appNames: Array<[string, string]> = [];
  for (let d = 0; d < deployments; d++) {
    const ns = pick(apps);
    const app = `${pick(IMAGES)}-${d}`;
    appNames.push([ns, app]);
    const replicas = Math.floor(deployPods / deployments) + (d < deployPods % deployments ? 1 : 0);
    const tpl = template(app);
    const dep = add(
      'Deployment',
      ns,
      app,
      { spec: { replicas, selector: { matchLabels: { app } }, template: tpl, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 } },
      { labels: { app, team: pick(TEAMS) }, annotations: { 'deployment.kubernetes.io/revision': String(int(2, 9)) }, applied: rnd() < 0.5, status: { observedGeneration: 3, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: CREATED, lastTransitionTime: CREATED, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }, { type: 'Progressing', status: 'True', lastUpdateTime: CREATED, lastTransitionTime: CREATED, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${app}-${hex(10)}" has successfully progressed.` }] } },
    );
    const revisions = rnd() < 0.7 ? 2 : 1;
    for (let r = 0; r < revisions; r++) {
      const hash = hex(10);
      const current = r === revisions - 1;
      const rsTpl = { ...tpl, metadata: { labels: { ...((tpl.metadata as Json).labels as Json), 'pod-template-hash': hash } } };
      const rs = add('ReplicaSet', ns, `${app}-${hash}`, { spec: { replicas: current ? replicas : 0, selector: { matchLabels: { app, 'pod-template-hash': hash } }, template: rsTpl } }, { labels: { app, 'pod-template-hash': hash }, annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + 1), 'deployment.kubernetes.io/revision': String(r + 1) }, owner: ownerRef('Deployment', dep), status: { replicas: current ? replicas : 0, observedGeneration: 2 }, manager: 'kube-controller-manager' });
      if (current) for (let p = 0; p < replicas; p++) pod(ns, `${app}-${hash}-${hex(5)}`, `${app}-${hash}-`, rsTpl, ownerRef('ReplicaSet', rs), hash);
    }
  }
  const statefulSets = Math.max(1, Math.floor(stsPods / 2));
  for (let s = 0; s < statefulSets; s++) {
    const ns = pick(apps);
    const app = `db-${s}`;
    appNames.push([ns, app]);
    const replicas = Math.floor(stsPods / statefulSets) + (s < stsPods % statefulSets ? 1 : 0);
    const tpl = template(app);
    const sts = add('StatefulSet', ns, app, { spec: { replicas, serviceName: app, selector: { matchLabels: { app } }, template: tpl, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }], podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate' } } }, { labels: { app }, applied: rnd() < 0.5, status: { replicas, readyReplicas: replicas, currentRevision: `${app}-${hex(10)}` } });
    for (let p = 0; p < replicas; p++) pod(ns, `${app}-${p}`, `${app}-`, tpl, ownerRef('StatefulSet', sts));
  }
  for (let d = 0; d < daemonSets; d++) {
    const ns = pick(['kube-system', 'monitoring', 'logging']);
    const app = `agent-${d}`;
    const tpl = template(app);
    const n = Math.floor(dsPods / daemonSets) + (d < dsPods % daemonSets ? 1 : 0);
    const ds = add('DaemonSet', ns, app, { spec: { selector: { matchLabels: { app } }, template: tpl, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } } }, { labels: { app }, status: { desiredNumberScheduled: n, numberReady: n } });
    for (let p = 0; p < n; p++) pod(ns, `${app}-${hex(5)}`, `${app}-`, tpl, ownerRef('DaemonSet', ds));
  }
  for (let c = 0; c < cronJobs; c++) {
    const ns = pick(apps);
    const app = `batch-${c}`;
    const tpl = template(app, 'Never');
    const cj = add('CronJob', ns, app, { spec: { schedule: `${int(0, 59)} * * * *`, concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { spec: { backoffLimit: 2, template: tpl } } } }, { labels: { app }, applied: rnd() < 0.5, status: { lastScheduleTime: CREATED } });
    for (let j = 0; j < 3; j++) {
      const job = add('Job', ns, `${app}-${29_000_000 + j}`, { spec: { backoffLimit: 2, completions: 1, parallelism: 1, template: tpl } }, { labels: { app }, owner: ownerRef('CronJob', cj), status: { succeeded: 1, startTime: CREATED, completionTime: CREATED }, manager: 'kube-controller-manager' });
      pod(ns, `${app}-${29_000_000 + j}-${hex(5)}`, `${app}-${29_000_000 + j}-`, tpl, ownerRef('Job', job), undefined, true);
    }
  }
  for (let b = 0; b < barePods; b++) {
    const ns = pick(apps);
    const tpl = template(`debug-${b}`);
    podCount++;
    add('Pod', ns, `debug-${b}`, { spec: { ...(tpl.spec as Json), nodeName: `aks-nodepool1-${String(int(0, NODES - 1)).padStart(8, '0')}` } }, { labels: (tpl.metadata as Json).labels as Record<string, string>, status: { phase: 'Running', podIP: `10.244.${int(0, 255)}.${int(2, 254)}` }, manager: 'kubectl-run' });
  }

  // ---------------------------------------------------------------- everything around the workloads
  const fixed: Array<[string, number]> = [
    ['Service', Math.round(size.objects * 0.036)],
    ['Ingress', Math.round(size.objects * 0.008)],
    ['NetworkPolicy', Math.round(size.objects * 0.01)],
    ['ServiceAccount', Math.round(size.objects * 0.032)],
    ['Role', Math.round(size.objects * 0.012)],
    ['RoleBinding', Math.round(size.objects * 0.024)],
    ['ClusterRole', Math.round(size.objects * 0.007)],
    ['ClusterRoleBinding', Math.round(size.objects * 0.005)],
    ['HorizontalPodAutoscaler', Math.round(size.objects * 0.008)],
    ['PodDisruptionBudget', Math.round(size.objects * 0.007)],
    ['PersistentVolume', Math.round(size.objects * 0.004)],
    ['CustomResourceDefinition', Math.round(size.objects * 0.0012)],
    ['ValidatingWebhookConfiguration', 8],
    ['MutatingWebhookConfiguration', 6],
    ['Secret', Math.round(size.objects * 0.14)],
  ];
  const workloadObjects = [...items.values()].reduce((n, xs) => n + xs.length, 0);
  const configMaps = Math.max(0, size.objects - workloadObjects - fixed.reduce((n, [, c]) => n + c, 0));
  const nsApp = (i: number): [string, string] => appNames[i % appNames.length]!;
  for (const [kind, count] of [...fixed, ['ConfigMap', configMaps] as [string, number]]) {
    for (let i = 0; i < count; i++) {
      const [ns, app] = nsApp(i);
      const applied = rnd() < 0.5;
      switch (kind) {
        case 'Service':
          add(kind, ns, i < appNames.length ? app : `${app}-${i}`, { spec: { type: rnd() < 0.05 ? 'LoadBalancer' : 'ClusterIP', clusterIP: `10.0.${int(0, 255)}.${int(1, 254)}`, clusterIPs: [`10.0.${int(0, 255)}.${int(1, 254)}`], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster', sessionAffinity: 'None', selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } }, { labels: { app }, applied, status: { loadBalancer: {} } });
          break;
        case 'Ingress':
          add(kind, ns, `${app}-${i}`, { spec: { ingressClassName: 'nginx', tls: rnd() < 0.7 ? [{ hosts: [`${app}.example.com`], secretName: `${app}-tls` }] : undefined, rules: [{ host: `${app}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: app, port: { name: 'http' } } } }] } }] } }, { labels: { app }, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt', 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' }, applied, status: { loadBalancer: { ingress: [{ ip: `20.0.${int(0, 255)}.${int(1, 254)}` }] } } });
          break;
        case 'NetworkPolicy':
          add(kind, ns, i % 3 === 0 ? `default-deny-${i}` : `allow-${app}-${i}`, { spec: i % 3 === 0 ? { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } : { podSelector: { matchLabels: { app } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }, { podSelector: { matchLabels: { app: pick(IMAGES) } } }], ports: [{ protocol: 'TCP', port: 8080 }] }] } }, { applied });
          break;
        case 'ServiceAccount':
          add(kind, ns, i < appNames.length ? app : `${app}-sa-${i}`, rnd() < 0.3 ? { automountServiceAccountToken: false } : {}, { labels: { app }, applied });
          break;
        case 'Role':
          add(kind, ns, `${app}-role-${i}`, { rules: Array.from({ length: int(1, 4) }, () => ({ apiGroups: [pick(['', 'apps', 'batch'])], resources: [pick(['configmaps', 'pods', 'secrets', 'deployments', 'jobs', 'pods/log'])], verbs: pick([['get', 'list', 'watch'], ['get'], ['*'], ['create', 'delete']]) })) }, { labels: { app }, applied });
          break;
        case 'RoleBinding':
          add(kind, ns, `${app}-binding-${i}`, { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: rnd() < 0.5 ? 'Role' : 'ClusterRole', name: rnd() < 0.5 ? `${app}-role-${i}` : pick(['view', 'edit', 'admin']) }, subjects: [{ kind: 'ServiceAccount', name: app, namespace: ns }, ...(rnd() < 0.3 ? [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `${pick(TEAMS)}-devs` }] : [])] }, { labels: { app }, applied });
          break;
        case 'ClusterRole':
          add(kind, null, `${pick(TEAMS)}-operator-${i}`, { rules: Array.from({ length: int(2, 12) }, () => ({ apiGroups: [pick(['', 'apps', 'batch', 'networking.k8s.io', '*'])], resources: [pick(['configmaps', 'pods', 'secrets', 'deployments', 'nodes', 'events', '*'])], verbs: pick([['get', 'list', 'watch'], ['*'], ['create', 'update', 'patch', 'delete']]) })) }, { labels: { 'app.kubernetes.io/managed-by': 'Helm' } });
          break;
        case 'ClusterRoleBinding':
          add(kind, null, `${pick(TEAMS)}-operator-${i}`, { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: rnd() < 0.05 ? 'cluster-admin' : `${pick(TEAMS)}-operator-${i}` }, subjects: [{ kind: 'ServiceAccount', name: app, namespace: ns }] }, { labels: { 'app.kubernetes.io/managed-by': 'Helm' } });
          break;
        case 'HorizontalPodAutoscaler':
          add(kind, ns, `${app}-${i}`, { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app }, minReplicas: 2, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] } }, { applied, status: { currentReplicas: 2, desiredReplicas: 2 } });
          break;
        case 'PodDisruptionBudget':
          add(kind, ns, `${app}-${i}`, { spec: { minAvailable: 1, selector: { matchLabels: { app } } } }, { applied, status: { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 2, observedGeneration: 1 } });
          break;
        case 'PersistentVolume':
          add(kind, null, `pvc-${hex(8)}-${i}`, { spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'managed-csi', csi: { driver: 'disk.csi.azure.com', volumeHandle: `/subscriptions/0000/resourceGroups/mc/providers/Microsoft.Compute/disks/pvc-${hex(8)}`, fsType: 'ext4' }, claimRef: { kind: 'PersistentVolumeClaim', namespace: ns, name: `data-${app}-0` } } }, { status: { phase: 'Bound' } });
          break;
        case 'CustomResourceDefinition': {
          // Operators' CRDs carry an OpenAPI schema, often tens of kilobytes.
          const props = Object.fromEntries(Array.from({ length: int(20, 120) }, (_, p) => [`field${p}`, { type: pick(['string', 'integer', 'boolean']), description: `Field ${p} of the resource: ${'documentation text '.repeat(int(1, 8))}` }]));
          add(kind, null, `widgets${i}.${pick(TEAMS)}.example.com`, { spec: { group: `${pick(TEAMS)}.example.com`, names: { kind: `Widget${i}`, plural: `widgets${i}`, singular: `widget${i}`, listKind: `Widget${i}List` }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: props } } } } }] } }, { status: { acceptedNames: { kind: `Widget${i}` }, storedVersions: ['v1'] } });
          break;
        }
        case 'ValidatingWebhookConfiguration':
        case 'MutatingWebhookConfiguration':
          add(kind, null, `${pick(TEAMS)}-webhook-${i}`, { webhooks: [{ name: `validate.${pick(TEAMS)}.example.com`, admissionReviewVersions: ['v1'], sideEffects: 'None', failurePolicy: pick(['Fail', 'Ignore']), timeoutSeconds: 10, clientConfig: { service: { name: 'webhook', namespace: ns, path: '/validate', port: 443 }, caBundle: Buffer.from(hex(600)).toString('base64') }, rules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'], scope: '*' }], namespaceSelector: {}, objectSelector: {}, matchPolicy: 'Equivalent' }] });
          break;
        case 'Secret': {
          // Helm keeps each release as a Secret; the rest are TLS certificates and application settings.
          const helm = rnd() < 0.6;
          const data = helm ? { release: Buffer.from(hex(int(2000, 12000))).toString('base64') } : { username: Buffer.from(`user-${hex(6)}`).toString('base64'), password: Buffer.from(hex(32)).toString('base64') };
          add(kind, ns, helm ? `sh.helm.release.v1.${app}.v${i}` : `${app}-secret-${i}`, { type: helm ? 'helm.sh/release.v1' : 'Opaque', data }, helm ? { labels: { name: app, owner: 'helm', status: 'deployed', version: String(i) } } : { labels: { app }, applied });
          break;
        }
        default:
          add('ConfigMap', ns, `${app}-config-${i}`, { data: Object.fromEntries(Array.from({ length: int(1, 5) }, (_, k) => [`setting-${k}.yaml`, `key: ${hex(int(8, 400))}\n`])) }, { labels: { app }, applied });
      }
    }
  }
  const kinds = Object.fromEntries([...items].filter(([, xs]) => xs.length > 0).map(([k, xs]) => [k, xs.length]));
  return { items, objects: [...items.values()].reduce((n, xs) => n + xs.length, 0), pods: podCount, kinds };
}
