import { describe, expect, it } from 'vitest';
import { admissionPolicies, createdOrPodChanged, type GeneratedPolicy, type PolicyOptions } from '../../src/admission/policies.js';
import { renderPolicySet } from '../../src/admission/policy-yaml.js';
import { reviewRequest } from '../../src/admission/review.js';
import type { ExceptionConfig } from '../../src/core/config.js';
import type { Rule } from '../../src/core/rule.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../../src/core/settings.js';
import { RULES } from '../../src/rules/index.js';
import { PolicyEvaluator, selects, type LabelExpression } from './cel-env.js';
import { reviewPolicy } from './review-policy.js';

const evaluator = new PolicyEvaluator();
const SETTINGS: RuleSettings = { ...DEFAULT_SETTINGS, pssVersion: 'v1.37' };
const rule = (id: string) => RULES.find((r) => r.meta.id === id) as Rule;
const CEL_RULES = RULES.filter((r) => r.cel !== undefined && 'validation' in r.cel);

function generate(ids: readonly string[], over: Partial<PolicyOptions> = {}) {
  return admissionPolicies(ids.map(rule), { settings: SETTINGS, mode: 'deny', excludedNamespaces: [], ...over });
}
const policyOf = (set: { policies: GeneratedPolicy[] }, id: string) => set.policies.find((p) => p.rule.meta.id === id) as GeneratedPolicy;
const namespaceOf = (object: unknown) => (object as { metadata: { namespace: string } }).metadata.namespace;
const admits = (p: GeneratedPolicy, object: unknown) => evaluator.review(p, { object, namespace: namespaceOf(object) });

/** Whether the webhook, running only these rules at the lowest severity, admits the object on CREATE. */
function webhookAdmits(rules: readonly Rule[], object: unknown, over: { exceptions?: ExceptionConfig[]; allowIgnoreAnnotation?: boolean } = {}): boolean {
  const policy = reviewPolicy({ rules, settings: SETTINGS, failOn: 'low', aksManaged: false, allowIgnoreAnnotation: over.allowIgnoreAnnotation ?? false, exceptions: over.exceptions ?? [] });
  return reviewRequest({ uid: 'u', operation: 'CREATE', namespace: namespaceOf(object), userInfo: { username: 'alice' }, object }, policy, new Date('2026-06-01T00:00:00Z')).response.allowed;
}

const HOST_PATH_POD = { volumes: [{ name: 'proc', hostPath: { path: '/proc' } }], containers: [{ name: 'app', image: 'busybox' }] };
const owner = (kind: string, name: string) => ({ apiVersion: 'v1', kind, name, uid: 'u', controller: true });

function obj(kind: string, ns: string, name: string, over: { owner?: ReturnType<typeof owner>; labels?: Record<string, string>; annotations?: Record<string, string>; templateAnnotations?: Record<string, string> } = {}) {
  const metadata = {
    name, namespace: ns,
    ...(over.labels ? { labels: over.labels } : {}),
    ...(over.annotations ? { annotations: over.annotations } : {}),
    ...(over.owner ? { ownerReferences: [over.owner] } : {}),
  };
  const template = { metadata: { labels: { app: name }, ...(over.templateAnnotations ? { annotations: over.templateAnnotations } : {}) }, spec: HOST_PATH_POD };
  const apiVersion = { Pod: 'v1', Job: 'batch/v1', CronJob: 'batch/v1' }[kind] ?? 'apps/v1';
  if (kind === 'Pod') return { apiVersion, kind, metadata, spec: HOST_PATH_POD };
  if (kind === 'CronJob') return { apiVersion, kind, metadata, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template } } } };
  return { apiVersion, kind, metadata, spec: { selector: { matchLabels: { app: name } }, template } };
}

describe('exceptions of the configuration in the policies', () => {
  const exceptions: ExceptionConfig[] = [
    { rule: 'workload/host-path-volume', resources: ['monitoring/DaemonSet/node-exporter'], reason: 'node metrics', expires: undefined },
    { rule: 'workload/host-*', resources: ['shop/Deployment/api', 'batch/cronjob/backup'], reason: 'legacy', expires: undefined },
    { rule: 'workload/host-path-volume', resources: ['logs/*/fluent-?it'], reason: 'log shipping', expires: undefined },
    { rule: 'workload/privileged-container', resources: ['*/*/*'], reason: 'another rule', expires: undefined },
    { rule: 'workload/host-path-volume', resources: ['shop/Rollout/web', 'jobs/ScaledJob/worker'], reason: 'node logs', expires: undefined },
  ];
  const set = generate(['workload/host-path-volume'], { exceptions });
  const hostPath = policyOf(set, 'workload/host-path-volume');
  const cases: Array<[string, unknown, boolean]> = [
    ['the excepted DaemonSet', obj('DaemonSet', 'monitoring', 'node-exporter'), true],
    ['its Pods, through their controller reference', obj('Pod', 'monitoring', 'node-exporter-x7k2p', { owner: owner('DaemonSet', 'node-exporter') }), true],
    ['another DaemonSet of the namespace', obj('DaemonSet', 'monitoring', 'other'), false],
    ['the same name in another namespace', obj('DaemonSet', 'prod', 'node-exporter'), false],
    ['a Deployment excepted by a rule glob', obj('Deployment', 'shop', 'api'), true],
    ['its ReplicaSet api-<pod-template-hash>', obj('ReplicaSet', 'shop', 'api-5d8f9c7b6', { owner: owner('Deployment', 'api'), labels: { 'pod-template-hash': '5d8f9c7b6' } }), true],
    ['the ReplicaSet\'s Pods', obj('Pod', 'shop', 'api-5d8f9c7b6-x2x9q', { owner: owner('ReplicaSet', 'api-5d8f9c7b6'), labels: { 'pod-template-hash': '5d8f9c7b6' } }), true],
    ['a Pod of a ReplicaSet whose name does not end in the hash', obj('Pod', 'shop', 'api-x', { owner: owner('ReplicaSet', 'api-5d8f9c7b6'), labels: { 'pod-template-hash': 'other' } }), false],
    ['a CronJob excepted with its kind in lower case', obj('CronJob', 'batch', 'backup'), true],
    ['its Job <cronjob>-<minute>', obj('Job', 'batch', 'backup-29000000', { owner: owner('CronJob', 'backup') }), true],
    ['the Job\'s Pods', obj('Pod', 'batch', 'backup-29000000-abcde', { owner: owner('Job', 'backup-29000000') }), true],
    ['a Pod of a Job not named after a CronJob', obj('Pod', 'batch', 'backup-x-abcde', { owner: owner('Job', 'backup-x') }), false],
    ['a DaemonSet matched by * and ? globs', obj('DaemonSet', 'logs', 'fluent-bit'), true],
    ['a name the ? glob does not match', obj('DaemonSet', 'logs', 'fluent-bits'), false],
    ['the ReplicaSet <rollout>-<hash> of an Argo Rollout', obj('ReplicaSet', 'shop', 'web-6f7c9d8b5', { owner: owner('Rollout', 'web'), labels: { 'rollouts-pod-template-hash': '6f7c9d8b5' } }), true],
    ['its Pods, labelled rollouts-pod-template-hash', obj('Pod', 'shop', 'web-6f7c9d8b5-x2x9q', { owner: owner('ReplicaSet', 'web-6f7c9d8b5'), labels: { 'rollouts-pod-template-hash': '6f7c9d8b5' } }), true],
    ['a Pod of a ReplicaSet whose name does not end in the Rollout hash', obj('Pod', 'shop', 'web-x', { owner: owner('ReplicaSet', 'web-6f7c9d8b5'), labels: { 'rollouts-pod-template-hash': 'other' } }), false],
    ['a Job of a KEDA ScaledJob', obj('Job', 'jobs', 'worker-x7k2p', { owner: owner('ScaledJob', 'worker') }), true],
    ['its Pods, through the generated Job name <scaledjob>-<suffix>', obj('Pod', 'jobs', 'worker-x7k2p-q9v4z', { owner: owner('Job', 'worker-x7k2p') }), true],
    ['a Pod of a Job named by hand', obj('Pod', 'jobs', 'worker-manual-q9v4z', { owner: owner('Job', 'worker-manual') }), false],
  ];

  it.each(cases)('%s: as the webhook decides', (_label, object, admitted) => {
    expect(webhookAdmits([rule('workload/host-path-volume')], object, { exceptions })).toBe(admitted);
    expect(admits(hostPath, object)).toMatchObject({ admitted });
  });

  it('leaves the rule\'s own check as it was', () => {
    expect(admits(hostPath, obj('DaemonSet', 'monitoring', 'node-exporter')).matched).toBe(false);
    expect(admits(policyOf(generate(['workload/host-path-volume']), 'workload/host-path-volume'), obj('DaemonSet', 'monitoring', 'node-exporter')).admitted).toBe(false);
  });

  it('leaves out an expired exception and carries one that expires, with a warning and a header line for each', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const dated = generate(['workload/host-path-volume'], {
      now,
      exceptions: [
        { rule: 'workload/host-path-volume', resources: ['monitoring/DaemonSet/node-exporter'], reason: 'old', expires: '2026-05-31' },
        { rule: 'workload/host-path-volume', resources: ['logs/DaemonSet/fluent-bit'], reason: 'until the migration', expires: '2026-07-01' },
      ],
    });
    const p = policyOf(dated, 'workload/host-path-volume');
    expect(admits(p, obj('DaemonSet', 'monitoring', 'node-exporter')).admitted).toBe(false);
    expect(admits(p, obj('DaemonSet', 'logs', 'fluent-bit')).admitted).toBe(true);
    expect(dated.warnings).toEqual([
      expect.stringMatching(/^exception for workload\/host-path-volume on monitoring\/DaemonSet\/node-exporter expired on 2026-05-31 and no longer applies/),
      expect.stringMatching(/^exception for workload\/host-path-volume on logs\/DaemonSet\/fluent-bit expires on 2026-07-01, .*generate and apply the policies again/),
    ]);
    const text = renderPolicySet(dated, { generator: 'palisade 0.1.0', pssVersion: 'v1.37', pssLatest: true }).replace(/\n#\s*/g, ' ');
    expect(text).toContain('workload/host-path-volume on logs/DaemonSet/fluent-bit: expires on 2026-07-01.');
  });
});

describe('palisade.io/ignore annotations in the policies', () => {
  const values = [
    'workload/host-path-volume -- node metrics',
    'workload/* -- all workload rules',
    '* -- everything',
    'workload/host-* -- host access',
    ' workload/privileged-container ,workload/host-path-volume -- two rules',
    'workload/host-path-volume--tight',
    'workload/host-path-volume -- a -- b',
    'workload/privileged-container,\n workload/host-path-volume -- on two lines',
    'workload/host-path-volume',
    'workload/host-path-volume --   ',
    'workload/privileged-container -- another rule',
    'workload/host-path-volumes -- a longer id',
    'workload/host-path -- a shorter id',
    'xworkload/* -- not a prefix',
    ' -- no rule',
  ];
  const allowed = policyOf(generate(['workload/host-path-volume'], { allowIgnoreAnnotation: true }), 'workload/host-path-volume');
  const refused = policyOf(generate(['workload/host-path-volume']), 'workload/host-path-volume');
  const hostPath = [rule('workload/host-path-volume')];

  it.each(values)('%j on a Pod decides as the webhook, and only when the config allows annotations', (value) => {
    const pod = obj('Pod', 'shop', 'p', { annotations: { 'palisade.io/ignore': value } });
    expect(admits(allowed, pod)).toMatchObject({ admitted: webhookAdmits(hostPath, pod, { allowIgnoreAnnotation: true }) });
    expect(admits(refused, pod).admitted).toBe(false);
    expect(webhookAdmits(hostPath, pod)).toBe(false);
  });

  it('reads the pod template\'s annotation as well as the object\'s own, as the scan does', () => {
    const onTemplate = obj('Deployment', 'shop', 'd', { templateAnnotations: { 'palisade.io/ignore': 'workload/host-path-volume -- metrics' } });
    const ownFirst = obj('Deployment', 'shop', 'd', { annotations: { 'palisade.io/ignore': 'workload/privileged-container -- x' }, templateAnnotations: { 'palisade.io/ignore': 'workload/host-path-volume -- metrics' } });
    const onCron = obj('CronJob', 'shop', 'c', { templateAnnotations: { 'palisade.io/ignore': 'workload/host-path-volume -- metrics' } });
    for (const [object, admitted] of [[onTemplate, true], [ownFirst, true], [onCron, true]] as const) {
      expect(webhookAdmits(hostPath, object, { allowIgnoreAnnotation: true })).toBe(admitted);
      expect(admits(allowed, object).admitted).toBe(admitted);
    }
  });

  it("warns when generated that one on a controller's own metadata does not reach its Pods, which are refused", () => {
    const annotations = { 'palisade.io/ignore': 'workload/host-path-volume -- metrics' };
    const deployment = obj('Deployment', 'shop', 'd', { annotations });
    const itsPod = obj('Pod', 'shop', 'd-5d4f8-x7k2p', { labels: { 'pod-template-hash': '5d4f8' }, owner: owner('ReplicaSet', 'd-5d4f8') });
    expect(admits(allowed, deployment).admitted).toBe(true);
    expect(admits(allowed, itsPod).admitted).toBe(false);
    expect(webhookAdmits(hostPath, itsPod, { allowIgnoreAnnotation: true })).toBe(false);
    const warning = /^palisade\.io\/ignore on a controller's own metadata excuses the controller .* but not its Pods, which inherit only the pod template's annotations and are refused/;
    expect(generate(['workload/host-path-volume'], { allowIgnoreAnnotation: true }).warnings).toContainEqual(expect.stringMatching(warning));
    expect(generate(['workload/host-path-volume']).warnings.filter((w) => warning.test(w))).toEqual([]);
  });
});

describe('namespaces the bindings leave out', () => {
  const binding = policyOf(generate(['workload/privileged-container'], { excludedNamespaces: ['kube-system', 'palisade-system'] }), 'workload/privileged-container').binding;
  const expressions = (binding.spec as { matchResources: { namespaceSelector: { matchExpressions: LabelExpression[] } } }).matchResources.namespaceSelector.matchExpressions;
  const bound = (labels: Record<string, string>) => expressions.every((e) => selects(e, labels));

  it('leave out the named ones and those AKS labels as its own, and match every other', () => {
    expect(bound({ 'kubernetes.io/metadata.name': 'shop' })).toBe(true);
    expect(bound({ 'kubernetes.io/metadata.name': 'shop', 'kubernetes.azure.com/managedby': 'terraform' })).toBe(true);
    expect(bound({ 'kubernetes.io/metadata.name': 'palisade-system' })).toBe(false);
    expect(bound({ 'kubernetes.io/metadata.name': 'kube-system' })).toBe(false);
    expect(bound({ 'kubernetes.io/metadata.name': 'aks-periscope', 'kubernetes.azure.com/managedby': 'aks' })).toBe(false);
    expect(bound({ 'kubernetes.io/metadata.name': 'agentpool-extension', 'control-plane': 'true' })).toBe(false);
    expect(bound({ 'kubernetes.io/metadata.name': 'x', 'control-plane': '' })).toBe(false);
  });
});

describe('Argo Rollouts, KEDA ScaledJobs and ARC runner sets', () => {
  const set = generate(CEL_RULES.map((r) => r.meta.id));
  const privileged = policyOf(set, 'workload/privileged-container');
  const pod = (flag: boolean) => ({ metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'app', image: 'busybox', securityContext: { privileged: flag } }] } });
  const rollout = (flag: boolean) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r', namespace: 'shop' }, spec: { replicas: 2, template: pod(flag) } });
  const scaledJob = (flag: boolean) => ({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledJob', metadata: { name: 's', namespace: 'shop' }, spec: { jobTargetRef: { template: pod(flag) } } });
  const runnerSet = (flag: boolean) => ({
    apiVersion: 'actions.github.com/v1alpha1',
    kind: 'AutoscalingRunnerSet',
    metadata: { name: 'arc', namespace: 'arc-runners' },
    spec: { githubConfigUrl: 'https://github.com/contoso', template: pod(flag) },
  });

  it.each([['Rollout', rollout], ['ScaledJob', scaledJob], ['AutoscalingRunnerSet', runnerSet]] as const)('judge the pod template of a %s, as the webhook does', (_kind, make) => {
    expect(admits(privileged, make(true))).toEqual({ matched: true, admitted: false });
    expect(admits(privileged, make(false))).toEqual({ matched: true, admitted: true });
    expect(webhookAdmits([rule('workload/privileged-container')], make(true))).toBe(false);
  });

  it('admit a Rollout that runs a Deployment\'s pods (workloadRef, no template), with no policy in error', () => {
    const ref = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r', namespace: 'shop' }, spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } };
    for (const p of set.policies) expect(admits(p, ref)).toMatchObject({ admitted: true });
  });

  it('admit an AutoscalingRunnerSet without a template (its CRD does not require one), with no policy in error', () => {
    const bare = { apiVersion: 'actions.github.com/v1alpha1', kind: 'AutoscalingRunnerSet', metadata: { name: 'arc', namespace: 'arc-runners' }, spec: { githubConfigUrl: 'https://github.com/contoso' } };
    for (const p of set.policies) expect(admits(p, bare)).toMatchObject({ admitted: true });
  });

  it('check an update only when the pod template changes', () => {
    const condition = createdOrPodChanged(false);
    const run = (oldObject: unknown, object: unknown) => evaluator.evaluate(privileged, condition!.expression, { object, oldObject, operation: 'UPDATE' });
    expect(run(scaledJob(true), { ...scaledJob(true), spec: { ...scaledJob(true).spec, maxReplicaCount: 5 } })).toBe(false);
    expect(run(scaledJob(false), scaledJob(true))).toBe(true);
    expect(run(rollout(true), { ...rollout(true), spec: { ...rollout(true).spec, replicas: 5 } })).toBe(false);
    expect(run(rollout(false), rollout(true))).toBe(true);
    expect(run(runnerSet(true), { ...runnerSet(true), spec: { ...runnerSet(true).spec, maxRunners: 10 } })).toBe(false);
    expect(run(runnerSet(false), runnerSet(true))).toBe(true);
  });
});

describe('rules that take over from others (one cause, one refusal)', () => {
  const volumes = (...vs: object[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop', ownerReferences: [owner('ReplicaSet', 'p')] }, spec: { volumes: vs, containers: [{ name: 'app', image: 'busybox' }] } });
  const hostPathVolume = { name: 'h', hostPath: { path: '/var/log' } };
  const nfsVolume = { name: 'n', nfs: { server: 'files', path: '/x' } };

  it('a superseded rule does not refuse what the rule that takes over refuses, when both are generated', () => {
    const both = generate(['workload/restricted-volume-type', 'workload/host-path-volume']);
    const refusing = (object: unknown) => both.policies.filter((p) => !admits(p, object).admitted).map((p) => p.rule.meta.id);
    expect(refusing(volumes(hostPathVolume))).toEqual(['workload/host-path-volume']);
    expect(refusing(volumes(nfsVolume))).toEqual(['workload/restricted-volume-type']);
    // Field by field: the NFS volume is still restricted-volume-type's, as in a scan.
    expect(refusing(volumes(hostPathVolume, nfsVolume))).toEqual(['workload/restricted-volume-type', 'workload/host-path-volume']);
  });

  it('a superseded rule alone refuses on its own', () => {
    const alone = policyOf(generate(['workload/restricted-volume-type']), 'workload/restricted-volume-type');
    expect(admits(alone, volumes(hostPathVolume)).admitted).toBe(false);
  });

  it('capabilities: dangerous over non-default over not-dropped, as the scan drops them', () => {
    const set = generate(['workload/dangerous-capability-added', 'workload/non-default-capability', 'workload/capabilities-not-dropped']);
    const withCaps = (add: string[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop', ownerReferences: [owner('ReplicaSet', 'p')] }, spec: { containers: [{ name: 'app', image: 'busybox', securityContext: { capabilities: { add, drop: ['ALL'] } } }] } });
    const refusing = (object: unknown) => set.policies.filter((p) => !admits(p, object).admitted).map((p) => p.rule.meta.id);
    expect(refusing(withCaps(['SYS_ADMIN']))).toEqual(['workload/dangerous-capability-added']);
    expect(refusing(withCaps(['SYS_NICE']))).toEqual(['workload/non-default-capability']);
    expect(refusing(withCaps(['CHOWN']))).toEqual(['workload/capabilities-not-dropped']);
  });

  it('all generated together, refuse exactly the objects the webhook refuses', async () => {
    const { parseResources } = await import('../helpers/rule-tester.js');
    const set = generate(CEL_RULES.map((r) => r.meta.id), { settings: { ...SETTINGS, trustedRegistries: ['*.azurecr.io'] } });
    const objects = ['workload/restricted-volume-type', 'workload/non-default-capability', 'workload/capabilities-not-dropped', 'workload/seccomp-profile-missing', 'workload/unmasked-proc-mount-in-user-namespace']
      .flatMap((id) => [volumes(hostPathVolume, nfsVolume), ...parseResources(`apiVersion: v1\nkind: Pod\nmetadata: {name: ${id.split('/')[1]}, namespace: shop}\nspec: {containers: [{name: a, image: busybox, securityContext: {procMount: Unmasked, seccompProfile: {type: Unconfined}, capabilities: {add: [SYS_ADMIN, SYS_NICE, CHOWN]}}}]}`).map((r) => r.object)]);
    for (const object of objects) {
      const policiesAdmit = set.policies.every((p) => admits(p, object).admitted);
      const policy = reviewPolicy({ rules: CEL_RULES, settings: { ...SETTINGS, trustedRegistries: ['*.azurecr.io'] }, failOn: 'low', aksManaged: false, allowIgnoreAnnotation: false });
      expect(policiesAdmit).toBe(reviewRequest({ uid: 'u', operation: 'CREATE', namespace: 'shop', userInfo: { username: 'a' }, object }, policy).response.allowed);
    }
  });
});

describe('messages and --fail-on', () => {
  it('names the configured mutable tags in the refusal of workload/image-tag-latest', () => {
    const message = (tags: string[]) => (policyOf(generate(['workload/image-tag-latest'], { settings: { ...SETTINGS, mutableTags: tags } }), 'workload/image-tag-latest').policy.spec as { validations: Array<{ message: string }> }).validations[0]!.message;
    expect(message(['latest'])).toBe('Image uses the latest tag or no tag (workload/image-tag-latest)');
    expect(message(['latest', 'stable', 'dev-*'])).toBe('Image uses no tag or a mutable tag (latest, stable, dev-*) (workload/image-tag-latest)');
  });

  it('enforces only the rules whose findings can reach --fail-on, listing the others', () => {
    const ids = CEL_RULES.map((r) => r.meta.id);
    const high = generate(ids, { failOn: 'high' });
    for (const p of high.policies) expect(['critical', 'high']).toContain(p.rule.meta.maxSeverity ?? p.rule.meta.severity);
    expect(high.policies.map((p) => p.rule.meta.id)).toEqual(expect.arrayContaining(['workload/privileged-container', 'workload/host-path-volume']));
    expect(high.notEnforced).toContainEqual({ rule: 'workload/image-tag-latest', why: 'below-fail-on', reason: 'its findings are medium at most, below --fail-on high' });
    expect(high.policies.length + high.notEnforced.length).toBe(ids.length);
    expect(generate(ids).policies).toHaveLength(ids.length);
    const text = renderPolicySet(high, { generator: 'palisade 0.1.0', pssVersion: 'v1.37', pssLatest: true }).replace(/\n#\s*/g, ' ');
    expect(text).toContain(`${high.policies.length} rules enforced below, those whose findings can reach high.`);
    expect(text).toMatch(/Below --fail-on high: these rules are not enforced: .*workload\/image-tag-latest/);
  });
});

describe('rules whose findings carry severities of their own, at --fail-on', () => {
  const ids = CEL_RULES.map((r) => r.meta.id);
  const high = generate(ids, { failOn: 'high' });
  const capabilityPod = (cap: string) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25', securityContext: { capabilities: { add: [cap] } } }] },
  });
  const webhookAt = (failOn: 'high' | 'medium', object: unknown) =>
    reviewRequest({ uid: 'u', operation: 'CREATE', namespace: 'shop', userInfo: { username: 'a' }, object }, reviewPolicy({ rules: CEL_RULES, settings: SETTINGS, failOn, aksManaged: false, allowIgnoreAnnotation: false }));
  const refusedBy = (set: { policies: GeneratedPolicy[] }, object: unknown) => set.policies.filter((p) => !admits(p, object).admitted).map((p) => p.rule.meta.id).sort();

  it.each(['NET_ADMIN', 'NET_RAW', 'SYS_TIME', 'BPF', 'PERFMON'])('refuse a pod adding a medium capability (%s) at --fail-on high only where the webhook does', (cap) => {
    const object = capabilityPod(cap);
    const webhook = [...new Set(webhookAt('high', object).violations.map((f) => f.rule))].sort();
    expect(webhook).not.toContain('workload/dangerous-capability-added');
    expect(refusedBy(high, object)).toEqual(webhook);
  });

  it.each(['SYS_ADMIN', 'cap_sys_ptrace', 'ALL', 'SYS_MODULE'])('refuse a pod adding a high capability (%s) at --fail-on high, as the webhook does', (cap) => {
    const object = capabilityPod(cap);
    expect(webhookAt('high', object).violations.map((f) => f.rule)).toContain('workload/dangerous-capability-added');
    expect(refusedBy(high, object)).toContain('workload/dangerous-capability-added');
    expect(high.notEnforced.map((n) => n.rule)).not.toContain('workload/dangerous-capability-added');
    expect(high.warnings.join('\n')).not.toMatch(/dangerous-capability-added/);
  });

  it('enforce it at --fail-on medium and below, where every finding reaches the threshold', () => {
    const medium = generate(ids, { failOn: 'medium' });
    const policy = policyOf(medium, 'workload/dangerous-capability-added');
    expect(policy).toBeDefined();
    expect(webhookAt('medium', capabilityPod('NET_ADMIN')).violations.map((f) => f.rule)).toContain('workload/dangerous-capability-added');
    expect(admits(policy, capabilityPod('NET_ADMIN')).admitted).toBe(false);
  });

  it('name the least severe finding right: the rule reports NET_ADMIN at medium', () => {
    const policy = reviewPolicy({ rules: [rule('workload/dangerous-capability-added')], settings: SETTINGS, failOn: 'low', aksManaged: false, allowIgnoreAnnotation: false, mode: 'enforce' });
    const out = reviewRequest({ uid: 'u', operation: 'CREATE', namespace: 'shop', userInfo: { username: 'a' }, object: capabilityPod('NET_ADMIN') }, policy);
    expect(out.violations.map((f) => f.severity)).toEqual(['medium']);
  });
});

describe('the webhook exemptions of the configuration in the policies', () => {
  const exemptNamespaces = ['flux-system', 'team-*', 'lab-?'];
  const exemptUsers = ['system:serviceaccount:flux-system:*', 'deployer'];
  const hostPathRule = rule('workload/host-path-volume');
  const set = generate(['workload/host-path-volume'], { exemptNamespaces, exemptUsers });
  const hostPath = policyOf(set, 'workload/host-path-volume');
  const webhook = (object: unknown, username: string) =>
    reviewRequest(
      { uid: 'u', operation: 'CREATE', namespace: namespaceOf(object), userInfo: { username }, object },
      reviewPolicy({ rules: [hostPathRule], settings: SETTINGS, failOn: 'low', aksManaged: false, exemptNamespaces, exemptUsers }),
    ).response.allowed;
  const cases: Array<[string, string, string, boolean]> = [
    ['an exempt namespace', 'flux-system', 'alice', true],
    ['a namespace a * glob exempts', 'team-a', 'alice', true],
    ['a namespace a ? glob exempts', 'lab-1', 'alice', true],
    ['a namespace the ? glob does not match', 'lab-12', 'alice', false],
    ['a namespace that only begins like an exempt one', 'flux-system-2', 'alice', false],
    ['an exempt user by glob', 'shop', 'system:serviceaccount:flux-system:kustomize-controller', true],
    ['an exempt user by name', 'shop', 'deployer', true],
    ['a user whose name only contains an exempt one', 'shop', 'deployer2', false],
    ['anyone else', 'shop', 'alice', false],
  ];

  it.each(cases)('%s: as the webhook decides', (_label, namespace, username, admitted) => {
    const object = obj('Deployment', namespace, 'api');
    expect(webhook(object, username)).toBe(admitted);
    expect(evaluator.review(hostPath, { object, namespace, username })).toMatchObject({ admitted });
  });

  it('say in the header what they leave out', () => {
    const text = renderPolicySet(set, { generator: 'palisade test', pssVersion: 'v1.37', pssLatest: true });
    expect(text).toContain('flux-system, team-*, lab-?');
    expect(text).toContain('system:serviceaccount:flux-system:*, deployer');
  });
});

describe('exceptions for objects without a namespace', () => {
  const exceptions: ExceptionConfig[] = [{ rule: 'workload/host-path-volume', resources: ['-/Deployment/api'], reason: 'rendered chart', expires: undefined }];
  const set = generate(['workload/host-path-volume'], { exceptions });

  it('excuse nothing at admission, where the request names the namespace, as the webhook decides, and are warned about', () => {
    const object = obj('Deployment', 'shop', 'api');
    expect(webhookAdmits([rule('workload/host-path-volume')], object, { exceptions })).toBe(false);
    expect(admits(policyOf(set, 'workload/host-path-volume'), object)).toMatchObject({ admitted: false });
    expect(set.warnings.join('\n')).toMatch(/"-\/Deployment\/api" matches manifests without a namespace only/);
  });
});

describe('exception resources whose * runs across the slashes', () => {
  const exceptions: ExceptionConfig[] = [
    { rule: 'workload/host-path-volume', resources: ['ops/*'], reason: 'node tooling', expires: undefined },
    { rule: 'workload/host-path-volume', resources: ['-/*'], reason: 'rendered charts', expires: undefined },
    { rule: 'workload/host-path-volume', resources: ['ops'], reason: 'a namespace alone', expires: undefined },
  ];
  const set = generate(['workload/host-path-volume'], { exceptions });
  const policy = policyOf(set, 'workload/host-path-volume');
  const cases: Array<[string, unknown, boolean]> = [
    ['a DaemonSet of the namespace `ops/*` names', obj('DaemonSet', 'ops', 'node-agent'), true],
    ['a Pod of another controller there', obj('Pod', 'ops', 'debug-x', { owner: owner('Job', 'debug') }), true],
    ['a namespace that only starts the same', obj('DaemonSet', 'ops-tools', 'node-agent'), false],
    ['another namespace, which `-/*` (no namespace) does not reach at admission', obj('Deployment', 'shop', 'api'), false],
  ];

  it.each(cases)('%s: as the webhook decides', (_label, object, admitted) => {
    expect(webhookAdmits([rule('workload/host-path-volume')], object, { exceptions })).toBe(admitted);
    expect(admits(policy, object)).toMatchObject({ admitted });
  });

  it('warns of the resource that can match no key and of the one for objects without a namespace, not of `ops/*`', () => {
    const text = set.warnings.join('\n');
    expect(text).toMatch(/resource "ops" is not namespace\/Kind\/name/);
    expect(text).toMatch(/"-\/\*" matches manifests without a namespace only/);
    expect(text).not.toMatch(/"ops\/\*"/);
  });
});
