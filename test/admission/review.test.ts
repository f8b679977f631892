import { describe, expect, it } from 'vitest';
import { parseAdmissionReview, reviewRequest, type AdmissionRequest } from '../../src/admission/review.js';
import { reviewPolicy as policy } from './review-policy.js';

const IMAGE = 'contoso.azurecr.io/web:1.4.2@sha256:0000000000000000000000000000000000000000000000000000000000000000';
const HARDENED = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
const RESOURCES = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } };

function podSpec(privileged: boolean) {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: IMAGE, resources: RESOURCES, securityContext: privileged ? { privileged: true } : HARDENED }],
  };
}

const rsOwner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-5d8f9c7b6', uid: 'u1', controller: true };

function pod(over: { privileged?: boolean; labels?: Record<string, string>; finalizers?: string[]; ephemeral?: unknown[]; annotations?: Record<string, string> } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'api-5d8f9c7b6-x2x9q',
      namespace: 'shop',
      labels: { app: 'api', 'pod-template-hash': '5d8f9c7b6', ...over.labels },
      ownerReferences: [rsOwner],
      ...(over.finalizers ? { finalizers: over.finalizers } : {}),
      ...(over.annotations ? { annotations: over.annotations } : {}),
    },
    spec: { ...podSpec(over.privileged ?? true), ...(over.ephemeral ? { ephemeralContainers: over.ephemeral } : {}) },
  };
}

function replicaSet(replicas: number, privileged = true) {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'api-5d8f9c7b6', namespace: 'shop', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', uid: 'u0', controller: true }] },
    spec: { replicas, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: podSpec(privileged) } },
  };
}

function request(object: unknown, over: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return { uid: 'u', operation: 'CREATE', namespace: 'shop', userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' }, object, ...over };
}

const update = (oldObject: unknown, object: unknown, over: Partial<AdmissionRequest> = {}) => request(object, { operation: 'UPDATE', oldObject, ...over });
const allowed = (r: AdmissionRequest, p = policy()) => reviewRequest(r, p).response.allowed;

describe('webhook decisions on UPDATE', () => {
  it('judges an update only when it changes the pod: scaling, finalizers and labels go through on objects admitted before enforcement', () => {
    expect(allowed(request(replicaSet(3)))).toBe(false);
    expect(allowed(update(replicaSet(3), replicaSet(2)))).toBe(true);
    expect(reviewRequest(update(replicaSet(3), replicaSet(2)), policy()).skipped).toBe('pod-unchanged');
    expect(allowed(update(pod({ finalizers: ['batch.kubernetes.io/job-tracking'] }), pod()))).toBe(true);
    expect(allowed(update(pod(), pod({ labels: { release: 'canary' } })))).toBe(true);
  });

  it('judges an update that changes the pod, and a template whose change keeps a violation', () => {
    expect(allowed(update(replicaSet(3, false), replicaSet(3, true)))).toBe(false);
    const bumped = replicaSet(3);
    bumped.spec.template.spec.containers[0]!.image = IMAGE.replace('1.4.2', '1.4.3');
    expect(allowed(update(replicaSet(3), bumped))).toBe(false);
    // Key order is not a change.
    const reordered = replicaSet(2);
    reordered.spec.template = { spec: reordered.spec.template.spec, metadata: reordered.spec.template.metadata };
    expect(allowed(update(replicaSet(3), reordered))).toBe(true);
  });

  it('judges an ephemeral container on what it adds: kubectl debug goes through on a violating pod, a privileged debug container does not', () => {
    const debug = { name: 'debugger', image: 'mcr.microsoft.com/azurelinux/base/core:3.0', targetContainerName: 'app', securityContext: HARDENED };
    const sub = { subResource: 'ephemeralcontainers', userInfo: { username: 'alice@contoso.com' } };
    expect(allowed(update(pod(), pod({ ephemeral: [debug] }), sub))).toBe(true);
    const rootDebug = { ...debug, securityContext: { privileged: true } };
    const refused = reviewRequest(update(pod(), pod({ ephemeral: [rootDebug] }), sub), policy());
    expect(refused.response.allowed).toBe(false);
    expect(refused.violations.map((f) => f.container)).toEqual(['debugger']);
  });

  describe('a Pod UPDATE, which can change little but images (ValidatePodUpdate)', () => {
    const privileged = () => pod();
    const changed = (edit: (p: ReturnType<typeof pod>) => void) => {
      const p = privileged();
      edit(p);
      return p;
    };
    const spec = (p: ReturnType<typeof pod>) => p.spec as Record<string, unknown>;

    it.each([
      ['activeDeadlineSeconds set', (p: ReturnType<typeof pod>) => void (spec(p).activeDeadlineSeconds = 60)],
      ['a toleration added', (p: ReturnType<typeof pod>) => void (spec(p).tolerations = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }])],
      ['terminationGracePeriodSeconds changed', (p: ReturnType<typeof pod>) => void (spec(p).terminationGracePeriodSeconds = 1)],
    ])('admits a pod that already violates when %s, changing no image', (_what, edit) => {
      const outcome = reviewRequest(update(privileged(), changed(edit)), policy());
      expect(outcome.response.allowed).toBe(true);
      expect(outcome.skipped).toBe('pod-unchanged');
    });

    it('admits the removal of scheduling gates from a pod that already violates', () => {
      const gated = changed((p) => void (spec(p).schedulingGates = [{ name: 'example.com/quota' }]));
      expect(allowed(update(gated, privileged()))).toBe(true);
    });

    it('judges a changed image on the image rules of that container alone', () => {
      // kubectl set image on a privileged pod: privileged-container predates the update and is not judged again.
      const pinned = changed((p) => void (p.spec.containers[0]!.image = IMAGE.replace('1.4.2', '1.4.3')));
      expect(allowed(update(privileged(), pinned))).toBe(true);
      const latest = changed((p) => void (p.spec.containers[0]!.image = 'docker.io/library/nginx:latest'));
      const outcome = reviewRequest(update(privileged(), latest), policy({ failOn: 'medium' }));
      expect(outcome.response.allowed).toBe(false);
      expect(outcome.violations.length).toBeGreaterThan(0);
      expect(outcome.violations.every((f) => f.container === 'app' && /\.image(PullPolicy)?$/.test(f.field ?? ''))).toBe(true);
      expect(outcome.violations.map((f) => f.rule)).not.toContain('workload/privileged-container');
    });

    it('still judges a Deployment template update whole', () => {
      const bumped = replicaSet(3);
      bumped.spec.template.spec.containers[0]!.image = IMAGE.replace('1.4.2', '1.4.3');
      expect(reviewRequest(update(replicaSet(3), bumped), policy()).violations.map((f) => f.rule)).toContain('workload/privileged-container');
    });
  });

  it('reads oldObject and subResource from the AdmissionReview', () => {
    const parsed = parseAdmissionReview({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'a', operation: 'UPDATE', subResource: 'ephemeralcontainers', object: pod(), oldObject: pod() },
    });
    expect('request' in parsed && parsed.request.subResource).toBe('ephemeralcontainers');
    expect('request' in parsed && parsed.request.oldObject).toEqual(pod());
  });
});

describe('webhook exceptions for controllers', () => {
  const exception = (resource: string) => ({ rule: 'workload/privileged-container', resources: [resource], reason: 'CNI plug-in', expires: undefined });
  const withPrivilegedAllowed = (resource: string) =>
    policy({ exceptions: [exception(resource), { rule: 'pss/*', resources: [resource], reason: 'CNI plug-in', expires: undefined }] });

  it("an exception for a Deployment covers its ReplicaSets and their Pods, as the controllers create them", () => {
    const p = withPrivilegedAllowed('shop/Deployment/api');
    expect(allowed(request(replicaSet(1)), p)).toBe(true);
    expect(allowed(request(pod()), p)).toBe(true);
    // Another Deployment's exception does not.
    expect(allowed(request(pod()), withPrivilegedAllowed('shop/Deployment/web'))).toBe(false);
  });

  it("an exception for a CronJob covers the Pods of its Jobs, and one for a DaemonSet its Pods", () => {
    const jobPod = { ...pod(), metadata: { name: 'backup-28373520-abcde', namespace: 'shop', ownerReferences: [{ kind: 'Job', name: 'backup-28373520', controller: true }] } };
    expect(allowed(request(jobPod), withPrivilegedAllowed('shop/CronJob/backup'))).toBe(true);
    const dsPod = { ...pod(), metadata: { name: 'node-exporter-7xk2p', namespace: 'shop', ownerReferences: [{ kind: 'DaemonSet', name: 'node-exporter', controller: true }] } };
    expect(allowed(request(dsPod), withPrivilegedAllowed('shop/DaemonSet/node-exporter'))).toBe(true);
    // An owner that is not the controller stands for nothing.
    const notController = { ...dsPod, metadata: { ...dsPod.metadata, ownerReferences: [{ kind: 'DaemonSet', name: 'node-exporter' }] } };
    expect(allowed(request(notController), withPrivilegedAllowed('shop/DaemonSet/node-exporter'))).toBe(false);
  });
});

describe('webhook exemptions leave a trace', () => {
  it('writes what an exception or annotation let through to the audit annotations, in enforce mode too', () => {
    const p = policy({ exceptions: [{ rule: '*', resources: ['shop/Deployment/api'], reason: 'vendor agent', expires: undefined }] });
    const { response } = reviewRequest(request(pod()), p);
    expect(response.allowed).toBe(true);
    expect(response.auditAnnotations?.suppressed).toMatch(/^workload\/privileged-container \(exception: vendor agent\)/);
    const annotated = pod({ annotations: { 'palisade.io/ignore': '* -- debugging' } });
    const { response: viaAnnotation } = reviewRequest(request({ ...annotated, metadata: { ...annotated.metadata, ownerReferences: [] } }), policy());
    expect(viaAnnotation.allowed).toBe(true);
    expect(viaAnnotation.auditAnnotations?.suppressed).toContain('(annotation: debugging)');
    // Nothing excused, nothing written.
    expect(reviewRequest(request({ ...pod({ privileged: false }), metadata: { name: 'x', namespace: 'shop' } }), policy()).response.auditAnnotations).toBeUndefined();
  });

  it('ignores palisade.io/ignore when the policy does not allow it', () => {
    const annotated = pod({ annotations: { 'palisade.io/ignore': '* -- debugging' } });
    expect(allowed(request(annotated), policy({ allowIgnoreAnnotation: false }))).toBe(false);
  });
});

describe('webhook denials', () => {
  const twoPrivileged = () => {
    const p = pod();
    const spec = p.spec as Record<string, unknown>;
    spec.hostPID = true;
    spec.hostIPC = true;
    p.spec.containers.push({ ...p.spec.containers[0]!, name: 'sidecar' });
    return p;
  };

  it('names every finding of each rule: both privileged containers, hostPID and hostIPC', () => {
    const message = reviewRequest(request(twoPrivileged()), policy()).response.status?.message ?? '';
    expect(message).toContain('container app sets privileged: true');
    expect(message).toContain('container sidecar sets privileged: true');
    expect(message).toContain('hostPID');
    expect(message).toContain('hostIPC');
  });

  it('counts the findings of a rule past its share of the message', () => {
    const many = pod();
    many.spec.containers = Array.from({ length: 40 }, (_, i) => ({ ...many.spec.containers[0]!, name: `container-${i}` }));
    const message = reviewRequest(request(many), policy()).response.status?.message ?? '';
    const privileged = /workload\/privileged-container \(critical\): (.*?)(; [a-z]+\/[a-z-]+ \(|$)/.exec(message)?.[1] ?? '';
    expect(privileged).toContain('container container-0 sets privileged: true');
    const named = (privileged.match(/sets privileged: true/g) ?? []).length;
    expect(named).toBeGreaterThan(1);
    expect(named).toBeLessThan(40);
    expect(privileged).toContain(`and ${40 - named} more finding(s) of this rule`);
    expect(privileged.length).toBeLessThanOrEqual(600);
  });
});

describe('webhook warnings', () => {
  it('keeps each warning within the 120 characters Kubernetes recommends, counting the other findings of the rule', () => {
    const p = pod();
    const spec = p.spec as Record<string, unknown>;
    spec.hostPID = true;
    spec.hostIPC = true;
    p.spec.containers.push({ ...p.spec.containers[0]!, name: 'sidecar' });
    const warnings = reviewRequest(request(p), policy({ mode: 'warn' })).response.warnings ?? [];
    expect(warnings.length).toBeGreaterThan(1);
    for (const w of warnings) expect(w.length).toBeLessThanOrEqual(120);
    expect(warnings).toContain('palisade workload/privileged-container (critical): container app sets privileged: true (+1 more)');
    expect(warnings.find((w) => w.startsWith('palisade workload/host-namespace (high): pod sets hostPID'))).toMatch(/\.\.\. \(\+1 more\)$/);
  });

  it('warns once per rule, within a budget that leaves other webhooks room', () => {
    const many = pod();
    many.spec.containers = Array.from({ length: 9 }, (_, i) => ({ name: `c${i}`, image: `docker.io/library/nginx:latest`, resources: RESOURCES, securityContext: { privileged: true } }));
    const { response } = reviewRequest(request(many), policy({ mode: 'warn' }));
    const warnings = response.warnings ?? [];
    const rules = warnings.map((w) => /^palisade (\S+) /.exec(w)?.[1]);
    expect(new Set(rules).size).toBe(rules.length);
    expect(warnings.join('').length).toBeLessThanOrEqual(2048 + 120);
    expect(rules).toContain('workload/privileged-container');
  });
});

describe('palisade.io/ignore on a controller rather than on its pod template', () => {
  const annotation = { 'palisade.io/ignore': 'workload/privileged-container -- vendor appliance needs it' };
  const deployment = (own: Record<string, string> | undefined, template: Record<string, string> | undefined) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'shop', ...(own ? { annotations: own } : {}) },
    spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' }, ...(template ? { annotations: template } : {}) }, spec: podSpec(true) } },
  });
  const cronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'backup', namespace: 'shop', annotations: annotation },
    spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: podSpec(true) } } } },
  };
  const WARNING = /^palisade: Pods do not inherit the (Deployment|ReplicaSet|CronJob)'s palisade\.io\/ignore; move it to the pod template/;

  it.each(['enforce', 'warn', 'audit'] as const)('admits the controller with a warning that its Pods are judged without it (%s)', (mode) => {
    for (const object of [deployment(annotation, undefined), { ...replicaSet(1), metadata: { ...replicaSet(1).metadata, annotations: annotation } }, cronJob]) {
      const { response } = reviewRequest(request(object), policy({ mode }));
      expect(response.allowed).toBe(true);
      expect(response.warnings?.filter((w) => WARNING.test(w))).toHaveLength(1);
      for (const w of response.warnings ?? []) expect(w.length).toBeLessThanOrEqual(120);
    }
    // The Pod itself, which does not inherit the annotation, is refused in enforce mode.
    expect(reviewRequest(request(pod()), policy({ mode })).response.allowed).toBe(mode !== 'enforce');
  });

  it('says nothing when the pod template carries it, or the object is a Pod, or annotations do not apply', () => {
    const quiet = [
      reviewRequest(request(deployment(undefined, annotation)), policy()),
      reviewRequest(request(deployment(annotation, annotation)), policy()),
      reviewRequest(request(pod({ annotations: annotation })), policy()),
      reviewRequest(request(deployment(annotation, undefined)), policy({ allowIgnoreAnnotation: false })),
    ];
    for (const { response } of quiet) expect(response.warnings ?? []).toEqual([]);
    expect(quiet.map((o) => o.response.allowed)).toEqual([true, true, true, false]);
  });

  it('says nothing when the pod template shares the object\'s metadata (a YAML alias), annotation and all', () => {
    const object = deployment(annotation, undefined);
    (object.spec.template as { metadata: unknown }).metadata = object.metadata;
    const { response } = reviewRequest(request(object), policy());
    expect(response.warnings ?? []).toEqual([]);
    expect(response.allowed).toBe(true);
  });

  it('names the rules it excuses that the template does not, when they fit', () => {
    const own = { 'palisade.io/ignore': 'workload/host-namespace -- node agent' };
    const object = deployment(own, undefined);
    (object.spec.template.spec as Record<string, unknown>).hostPID = true;
    (object.spec.template.spec.containers[0] as { securityContext: unknown }).securityContext = HARDENED;
    const { response } = reviewRequest(request(object), policy());
    expect(response.warnings).toEqual(["palisade: Pods do not inherit the Deployment's palisade.io/ignore; move it to the pod template (workload/host-namespace)"]);
  });
});
