import * as k8s from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUDED_NAMESPACES, excludedNamespaces, isNamespaceName } from '../../src/admission/namespaces.js';
import { admissionPolicies, createdOrPodChanged, policyName, type AdmissionMode, type GeneratedPolicy } from '../../src/admission/policies.js';
import { renderPolicySet } from '../../src/admission/policy-yaml.js';
import { AKS_SYSTEM_NAMESPACES } from '../../src/core/aks-managed.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../../src/core/settings.js';
import { RULES } from '../../src/rules/index.js';
import { ALLOWED_VOLUME_SOURCES, FORBIDDEN_VOLUME_SOURCES } from '../../src/rules/pss/restricted-volumes.js';
import { strictTypeErrors } from './api-types.js';
import { PolicyEvaluator } from './cel-env.js';

const evaluator = new PolicyEvaluator();
const generate = (settings: Partial<RuleSettings> = {}, mode: AdmissionMode = 'deny', extra: string[] = []) =>
  admissionPolicies(RULES, { settings: { ...DEFAULT_SETTINGS, pssVersion: 'v1.37', ...settings }, mode, excludedNamespaces: excludedNamespaces(extra) });
const byRule = (policies: GeneratedPolicy[], id: string) => policies.find((p) => p.rule.meta.id === id) as GeneratedPolicy;
const spec = (p: GeneratedPolicy) => p.policy.spec as {
  failurePolicy: string;
  matchConstraints: { resourceRules: Array<{ apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }> };
  matchConditions: Array<{ name: string; expression: string }>;
  validations: Array<{ expression: string; message: string }>;
};
const bindingSpec = (p: GeneratedPolicy) => p.binding.spec as {
  policyName: string;
  validationActions: string[];
  matchResources: { namespaceSelector: { matchExpressions: Array<{ key: string; operator: string; values: string[] }> } };
};

describe('admissionPolicies', () => {
  const set = generate();

  it('makes one policy and one binding, named after the rule, for each rule with a CEL form', () => {
    const withCel = RULES.filter((r) => r.cel && 'validation' in r.cel).map((r) => r.meta.id);
    expect(set.policies.map((p) => p.rule.meta.id)).toEqual(withCel);
    for (const p of set.policies) {
      expect((p.policy.metadata as { name: string }).name).toBe(policyName(p.rule.meta.id));
      expect(bindingSpec(p).policyName).toBe(policyName(p.rule.meta.id));
      expect(policyName(p.rule.meta.id)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
    expect(policyName('workload/privileged-container')).toBe('palisade-workload-privileged-container');
  });

  it('writes only fields the admissionregistration/v1 API types have, with their types', () => {
    for (const p of set.policies) {
      expect(p.policy).toMatchObject({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy' });
      expect(p.binding).toMatchObject({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding' });
      expect(strictTypeErrors('V1ValidatingAdmissionPolicy', p.policy)).toEqual([]);
      expect(strictTypeErrors('V1ValidatingAdmissionPolicyBinding', p.binding)).toEqual([]);
    }
  });

  it('matches every pod-bearing kind on CREATE and UPDATE, Argo Rollouts, KEDA ScaledJobs, ARC runner sets and ephemeral containers included, and fails closed', () => {
    const p = byRule(set.policies, 'workload/privileged-container');
    expect(spec(p).failurePolicy).toBe('Fail');
    expect(spec(p).matchConstraints.resourceRules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers'] },
      { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
      { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs', 'cronjobs'] },
      { apiGroups: ['argoproj.io'], apiVersions: ['v1alpha1'], operations: ['CREATE', 'UPDATE'], resources: ['rollouts'] },
      { apiGroups: ['keda.sh'], apiVersions: ['v1alpha1'], operations: ['CREATE', 'UPDATE'], resources: ['scaledjobs'] },
      { apiGroups: ['actions.github.com'], apiVersions: ['v1alpha1'], operations: ['CREATE', 'UPDATE'], resources: ['autoscalingrunnersets'] },
    ]);
  });

  it('matches only the kinds a rule targets, and not kubectl debug when the rule judges nothing a debug container adds', () => {
    const p = byRule(set.policies, 'workload/naked-pod');
    expect(p.kinds).toEqual(['Pod']);
    expect(spec(p).matchConstraints.resourceRules).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }]);
  });

  it('names the rule in the validation message', () => {
    for (const p of set.policies) expect(spec(p).validations).toEqual([expect.objectContaining({ message: `${p.rule.meta.title} (${p.rule.meta.id})`, reason: 'Forbidden' })]);
  });

  it.each([
    ['deny', 'Deny'],
    ['warn', 'Warn'],
    ['audit', 'Audit'],
  ] as const)('binds with validationActions from --mode %s', (mode, action) => {
    for (const p of generate({}, mode).policies) expect(bindingSpec(p).validationActions).toEqual([action]);
  });

  it('leaves out the AKS system namespaces and the ones asked for', () => {
    const [selector] = bindingSpec(byRule(generate({}, 'deny', ['ingress-nginx', 'kube-system']).policies, 'workload/host-port')).matchResources.namespaceSelector.matchExpressions;
    expect(selector).toMatchObject({ key: 'kubernetes.io/metadata.name', operator: 'NotIn' });
    for (const ns of ['kube-system', 'gatekeeper-system', 'calico-system', 'tigera-operator', ...AKS_SYSTEM_NAMESPACES, 'ingress-nginx']) expect(selector?.values).toContain(ns);
    expect(selector?.values.filter((v) => v === 'kube-system')).toHaveLength(1);
    expect(selector?.values).toEqual([...DEFAULT_EXCLUDED_NAMESPACES, 'ingress-nginx']);
  });

  it('accepts only namespace names as exclusions', () => {
    expect(['shop', 'a', 'ingress-nginx', 'x1'].every(isNamespaceName)).toBe(true);
    expect(['', 'Shop', '-a', 'a-', 'a_b', 'a.b', 'x'.repeat(64)].some(isNamespaceName)).toBe(false);
  });

  it('declares only the variables each expression reads', () => {
    expect(byRule(set.policies, 'workload/naked-pod').variables).toEqual([]);
    expect(byRule(set.policies, 'workload/privileged-container').variables.map((v) => v.name)).toEqual(['spec', 'containers']);
    expect(byRule(set.policies, 'workload/apparmor-unconfined').variables.map((v) => v.name)).toEqual(['spec', 'containers', 'annotations']);
    expect(byRule(set.policies, 'workload/untrusted-registry').variables.map((v) => v.name)).toEqual(['spec', 'containers', 'images']);
  });

  it('lists every rule it does not enforce, with the reason', () => {
    const reasons = new Map(set.notEnforced.map((n) => [n.rule, n]));
    expect(set.policies.length + set.notEnforced.length).toBe(RULES.length);
    expect(reasons.get('workload/secret-in-env')).toMatchObject({ why: 'unsupported', reason: expect.stringMatching(/decoding/) });
    expect(reasons.get('workload/no-memory-limit')).toMatchObject({ why: 'unsupported', reason: expect.stringMatching(/LimitRange/) });
    expect(reasons.get('workload/automount-service-account-token')).toMatchObject({ reason: expect.stringMatching(/ServiceAccount/) });
    expect(reasons.get('aks/local-accounts-enabled')).toMatchObject({ reason: expect.stringMatching(/Azure Resource Manager/) });
    expect(reasons.get('rbac/cluster-admin-bound')).toMatchObject({ reason: expect.stringMatching(/Role, ClusterRole and binding/) });
    for (const n of set.notEnforced) expect(n.reason.length).toBeGreaterThan(20);
  });

  it('lists a rule that checks nothing at the settings instead of making a policy for it', () => {
    const none = generate({ trustedRegistries: [] });
    expect(none.policies.map((p) => p.rule.meta.id)).not.toContain('workload/untrusted-registry');
    expect(none.notEnforced).toContainEqual({ rule: 'workload/untrusted-registry', why: 'inactive', reason: expect.stringMatching(/trustedRegistries is empty/) });
  });
});

describe('Pod Security versions', () => {
  it('generates the behaviour in force at the chosen version and says which', () => {
    const at = (v: string) => generate({ pssVersion: v });
    const selinux = (v: string) => spec(byRule(at(v).policies, 'workload/selinux-custom-options')).validations[0]?.expression;
    expect(selinux('v1.30')).not.toContain('container_engine_t');
    expect(selinux('v1.31')).toContain('container_engine_t');
    expect((byRule(at('v1.30').policies, 'workload/privileged-container').policy.metadata as { annotations: Record<string, string> }).annotations).toEqual({
      'palisade.io/rule': 'workload/privileged-container',
      'palisade.io/pss-version': 'v1.30',
    });
    expect(at('v1.30').notEnforced).toContainEqual({
      rule: 'workload/probe-host-override',
      why: 'inactive',
      reason: 'Pod Security Standards v1.30 do not have the hostProbesAndHostLifecycle check (it exists from v1.34)',
    });
    expect(at('v1.18').notEnforced.map((n) => n.rule)).toEqual(expect.arrayContaining(['workload/seccomp-profile-missing', 'workload/run-as-root-user']));
  });

  it('names every volume source of the API in the restricted volumes check', () => {
    const sources = k8s.V1Volume.getAttributeTypeMap().map((a) => a.baseName).filter((n) => n !== 'name');
    expect([...FORBIDDEN_VOLUME_SOURCES, ...ALLOWED_VOLUME_SOURCES].sort()).toEqual(sources.sort());
  });
});

describe('policy variables and conditions', () => {
  const p = byRule(generate().policies, 'workload/apparmor-unconfined');
  const podSpec = { containers: [{ name: 'app', image: 'a' }] };
  const meta = { annotations: { a: 'b' } };
  const objects: Record<string, unknown> = {
    Pod: { kind: 'Pod', metadata: { name: 'p', ...meta }, spec: podSpec },
    Deployment: { kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { metadata: meta, spec: podSpec } } },
    Job: { kind: 'Job', metadata: { name: 'j' }, spec: { template: { metadata: meta, spec: podSpec } } },
    CronJob: { kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { metadata: meta, spec: podSpec } } } } },
  };

  it.each(Object.keys(objects))('variables.spec and variables.annotations read the pod of a %s', (kind) => {
    expect(evaluator.evaluate(p, 'variables.spec', { object: objects[kind] })).toEqual({ containers: [{ name: 'app', image: 'a' }] });
    expect(evaluator.evaluate(p, 'variables.annotations', { object: objects[kind] })).toEqual({ a: 'b' });
    expect(evaluator.evaluate(p, 'variables.containers.map(c, c.name)', { object: objects[kind] })).toEqual(['app']);
  });

  it('variables.containers holds init, regular and ephemeral containers', () => {
    const object = { kind: 'Pod', spec: { initContainers: [{ name: 'i' }], containers: [{ name: 'c' }], ephemeralContainers: [{ name: 'e' }] } };
    expect(evaluator.evaluate(p, 'variables.containers.map(c, c.name)', { object })).toEqual(['i', 'c', 'e']);
  });

  it('checks on create; on a Pod\'s own update, only image rules and only when an image changed', () => {
    const pod = objects.Pod as { spec: { containers: Array<Record<string, unknown>> } };
    const run = (imagesOnly: boolean, operation: string, oldObject: unknown, subResource?: string) =>
      evaluator.evaluate(p, createdOrPodChanged(imagesOnly).expression, { object: pod, oldObject, operation, ...(subResource ? { subResource } : {}) });
    const otherImage = { ...pod, spec: { ...pod.spec, containers: pod.spec.containers.map((c) => ({ ...c, image: 'b' })) } };
    const tolerated = { ...pod, spec: { ...pod.spec, tolerations: [{ key: 'k', operator: 'Exists' }] } };
    for (const imagesOnly of [false, true]) {
      expect(run(imagesOnly, 'CREATE', undefined)).toBe(true);
      expect(run(imagesOnly, 'UPDATE', { ...pod, metadata: { name: 'p', labels: { x: 'y' } } })).toBe(false);
      // The old pod had no toleration: the update adds one, which no rule is asked about again.
      expect(run(imagesOnly, 'UPDATE', { ...tolerated, spec: { ...pod.spec } })).toBe(false);
      // kubectl debug: the ephemeral containers subresource is judged on what it adds, by every rule.
      expect(run(imagesOnly, 'UPDATE', tolerated, 'ephemeralcontainers')).toBe(true);
    }
    expect(run(true, 'UPDATE', otherImage)).toBe(true);
    expect(run(false, 'UPDATE', otherImage)).toBe(false);
  });

  it('lets a controller be scaled, paused or suspended without checking its pods again, and checks a new template', () => {
    const condition = createdOrPodChanged(false);
    const changed = (kind: string, edit: (spec: Record<string, unknown>) => void) => {
      const object = structuredClone(objects[kind]) as { spec: Record<string, unknown> };
      edit(object.spec);
      return evaluator.evaluate(p, condition!.expression, { object, oldObject: objects[kind], operation: 'UPDATE' });
    };
    expect(changed('Deployment', (s) => (s.replicas = 2))).toBe(false);
    expect(changed('Deployment', (s) => (s.paused = true))).toBe(false);
    expect(changed('CronJob', (s) => (s.suspend = true))).toBe(false);
    expect(changed('Deployment', (s) => ((s.template as { spec: unknown }).spec = { containers: [{ name: 'app', image: 'b' }] }))).toBe(true);
    expect(changed('Job', (s) => ((s.template as { metadata: unknown }).metadata = { annotations: { a: 'c' } }))).toBe(true);
    expect(changed('CronJob', (s) => (((s.jobTemplate as { spec: { template: { spec: unknown } } }).spec.template.spec = { containers: [] })))).toBe(true);
  });
});

describe('renderPolicySet', () => {
  const set = generate({}, 'warn', ['ingress-nginx']);
  const text = renderPolicySet(set, { generator: 'palisade 0.1.0', pssVersion: 'v1.37', pssLatest: true });
  const header = text.slice(0, text.indexOf('\n---\n'));

  it('starts with a comment block saying what was generated and what was not', () => {
    expect(header.split('\n').every((l) => l.startsWith('#'))).toBe(true);
    // The sentences, without the line breaks of the comment block.
    const flat = header.replace(/\n#\s*/g, ' ');
    expect(flat).toContain('Mode warn: validationActions [Warn]');
    expect(flat).toContain('v1.37, the newest version Palisade knows');
    expect(flat).toContain(`Namespaces left out: ${[...DEFAULT_EXCLUDED_NAMESPACES, 'ingress-nginx'].join(', ')}.`);
    expect(header).toContain(`# ${set.policies.length} rules enforced below.`);
    for (const n of set.notEnforced) expect(header).toContain(n.rule);
    expect(header).toMatch(/workload\/secret-in-env.*:\n#\s+it recognizes credentials/);
    for (const line of header.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
  });

  it('names the API\'s action even when no rule is enforced', () => {
    const none = renderPolicySet({ ...set, policies: [], mode: 'deny' }, { generator: 'palisade 0.1.0', pssVersion: 'v1.37', pssLatest: true });
    expect(none.replace(/\n#\s*/g, ' ')).toContain('Mode deny: validationActions [Deny]');
  });

  it('is a YAML stream of the policies and bindings, in rule order', () => {
    const docs = loadAll(text) as Array<{ kind: string; metadata: { name: string } }>;
    expect(docs).toHaveLength(2 * set.policies.length);
    expect(docs.map((d) => `${d.kind} ${d.metadata.name}`)).toEqual(
      set.policies.flatMap((p) => [`ValidatingAdmissionPolicy ${policyName(p.rule.meta.id)}`, `ValidatingAdmissionPolicyBinding ${policyName(p.rule.meta.id)}`]),
    );
    expect(docs).toEqual(set.policies.flatMap((p) => [p.policy, p.binding]));
  });
});
