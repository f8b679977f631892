import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { admissionPolicies, EPHEMERAL_SUBRESOURCE, type GeneratedPolicy } from '../../src/admission/policies.js';
import { reviewRequest } from '../../src/admission/review.js';
import type { Rule } from '../../src/core/rule.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../../src/core/settings.js';
import { RULES } from '../../src/rules/index.js';
import { parseResources, type RuleCases } from '../helpers/rule-tester.js';
import { apiTypeErrors } from './api-types.js';
import { PolicyEvaluator } from './cel-env.js';
import { reviewPolicy } from './review-policy.js';

/**
 * `kubectl debug` adds an ephemeral container through the `pods/ephemeralcontainers` subresource. The
 * webhook judges such a request on what it adds; each policy must decide as the webhook does, alone
 * with its rule, on every Pod of every rule's test table given each of a few debug containers.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SETTINGS: RuleSettings = { ...DEFAULT_SETTINGS, pssVersion: 'v1.37', trustedRegistries: ['*.azurecr.io'] };
const CEL_RULES = RULES.filter((r) => r.cel !== undefined && 'validation' in r.cel);
const evaluator = new PolicyEvaluator();

async function tablePods(): Promise<Array<Record<string, unknown>>> {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.cases.ts') ? [join(dir, e.name)] : []));
  const pods: Array<Record<string, unknown>> = [];
  for (const file of walk(join(ROOT, 'test/rules'))) {
    const table = ((await import(pathToFileURL(file).href)) as { default: RuleCases }).default;
    for (const c of [...table.valid, ...table.invalid])
      for (const r of parseResources(c.input))
        if (r.kind === 'Pod' && apiTypeErrors(r.kind, r.object).length === 0) pods.push({ ...r.object, metadata: { name: r.name, namespace: 'shop', ...(r.object.metadata as object) } });
  }
  return pods;
}

const DIGEST = `sha256:${'a'.repeat(64)}`;
/** Debug containers as `kubectl debug` adds them (ephemeral containers take no ports, probes or resources). */
const DEBUG_CONTAINERS: Record<string, Record<string, unknown>> = {
  sound: {
    name: 'debugger',
    image: `contoso.azurecr.io/debug:1.0@${DIGEST}`,
    imagePullPolicy: 'Always',
    securityContext: {
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    },
  },
  privileged: { name: 'debugger', image: 'busybox', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN', 'SYS_PTRACE'] } } },
  bare: { name: 'debugger', image: 'busybox:1.36' },
};

function withDebugger(pod: Record<string, unknown>, container: Record<string, unknown>): Record<string, unknown> {
  const spec = pod.spec as { ephemeralContainers?: unknown[] };
  return { ...pod, spec: { ...spec, ephemeralContainers: [...(spec.ephemeralContainers ?? []), container] } };
}

function policyOf(rule: Rule): GeneratedPolicy | undefined {
  return admissionPolicies([rule], { settings: SETTINGS, mode: 'deny', excludedNamespaces: [] }).policies[0];
}

const pods = await tablePods();

describe('policies on pods/ephemeralcontainers (kubectl debug)', () => {
  it('have Pods to be compared on', () => {
    expect(pods.length).toBeGreaterThan(100);
  });

  it.each(CEL_RULES.map((r) => [r.meta.id, r] as const))('%s decides as the webhook on what the request adds', (_id, rule) => {
    const policy = policyOf(rule);
    if (!policy) return;
    const webhook = reviewPolicy({ rules: [rule], settings: SETTINGS, failOn: 'low', allowIgnoreAnnotation: false, aksManaged: false });
    const mismatches: string[] = [];
    for (const old of pods)
      for (const [label, container] of Object.entries(DEBUG_CONTAINERS)) {
        const object = withDebugger(old, container);
        const request = { object, oldObject: old, operation: 'UPDATE', subResource: 'ephemeralcontainers', namespace: 'shop' };
        const byPolicy = evaluator.review(policy, request);
        const byWebhook = reviewRequest({ uid: 'u', ...request, userInfo: { username: 'alice' } }, webhook, new Date()).response.allowed;
        if (byPolicy.admitted !== byWebhook || byPolicy.error)
          mismatches.push(`${(old.metadata as { name: string }).name} + ${label}: webhook ${byWebhook ? 'admits' : 'refuses'}, policy ${byPolicy.admitted ? 'admits' : 'refuses'}${byPolicy.error ? ` (${byPolicy.error})` : ''}`);
      }
    expect(mismatches).toEqual([]);
  });

  it('let a sound debug container into a pod that already violates, and refuse a privileged one', () => {
    const set = admissionPolicies(CEL_RULES, { settings: SETTINGS, mode: 'deny', excludedNamespaces: [] });
    const old = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'node-agent', namespace: 'shop' },
      spec: { hostNetwork: true, volumes: [{ name: 'root', hostPath: { path: '/' } }], containers: [{ name: 'agent', image: 'busybox', securityContext: { privileged: true } }] },
    };
    const refusing = (debug: Record<string, unknown>) =>
      set.policies.filter((p) => !evaluator.review(p, { object: withDebugger(old, debug), oldObject: old, operation: 'UPDATE', subResource: 'ephemeralcontainers', namespace: 'shop' }).admitted).map((p) => p.rule.meta.id);
    expect(refusing(DEBUG_CONTAINERS.sound!)).toEqual([]);
    expect(refusing(DEBUG_CONTAINERS.privileged!)).toEqual(expect.arrayContaining(['workload/privileged-container', 'workload/dangerous-capability-added']));
    expect(refusing(DEBUG_CONTAINERS.privileged!)).not.toContain('workload/host-namespace');
  });

  it('are not sent the subresource when the rule looks at nothing a debug container can add', () => {
    const set = admissionPolicies(CEL_RULES, { settings: SETTINGS, mode: 'deny', excludedNamespaces: [] });
    const matchesDebug = (id: string) => {
      const p = set.policies.find((q) => q.rule.meta.id === id)!;
      return (p.policy.spec as { matchConstraints: { resourceRules: Array<{ resources: string[] }> } }).matchConstraints.resourceRules.some((r) => r.resources.includes(EPHEMERAL_SUBRESOURCE));
    };
    expect(['workload/host-path-volume', 'workload/host-namespace', 'workload/naked-pod', 'workload/unsafe-sysctl'].filter(matchesDebug)).toEqual([]);
    expect(['workload/privileged-container', 'workload/run-as-non-root-not-set', 'workload/writable-host-path', 'workload/image-tag-latest'].every(matchesDebug)).toBe(true);
  });
});

/** Updates the API server lets through on a Pod (ValidatePodUpdate): images, a deadline, added tolerations. */
const POD_UPDATES: Record<string, (pod: Record<string, unknown>) => Record<string, unknown>> = {
  toleration: (pod) => {
    const spec = pod.spec as { tolerations?: unknown[] };
    return { ...pod, spec: { ...spec, tolerations: [...(spec.tolerations ?? []), { key: 'maintenance', operator: 'Exists', effect: 'NoSchedule' }] } };
  },
  deadline: (pod) => ({ ...pod, spec: { ...(pod.spec as object), activeDeadlineSeconds: 60 } }),
  'latest image': (pod) => withFirstImage(pod, 'busybox:latest'),
  'pinned image': (pod) => withFirstImage(pod, `contoso.azurecr.io/app:2.0@${DIGEST}`),
};

function withFirstImage(pod: Record<string, unknown>, image: string): Record<string, unknown> {
  const spec = pod.spec as { containers?: Array<Record<string, unknown>> };
  const [first, ...rest] = spec.containers ?? [];
  return first ? { ...pod, spec: { ...spec, containers: [{ ...first, image }, ...rest] } } : pod;
}

describe("policies on a Pod's own update", () => {
  it.each(CEL_RULES.map((r) => [r.meta.id, r] as const))('%s decides as the webhook: only image rules, on the containers whose image changed', (_id, rule) => {
    const policy = policyOf(rule);
    if (!policy) return;
    const webhook = reviewPolicy({ rules: [rule], settings: SETTINGS, failOn: 'low', allowIgnoreAnnotation: false, aksManaged: false });
    const mismatches: string[] = [];
    for (const old of pods)
      for (const [label, update] of Object.entries(POD_UPDATES)) {
        const object = update(old);
        const request = { object, oldObject: old, operation: 'UPDATE', namespace: 'shop' };
        const byPolicy = evaluator.review(policy, request);
        const byWebhook = reviewRequest({ uid: 'u', ...request, userInfo: { username: 'alice' } }, webhook, new Date()).response.allowed;
        if (byPolicy.admitted !== byWebhook || byPolicy.error)
          mismatches.push(`${(old.metadata as { name: string }).name} + ${label}: webhook ${byWebhook ? 'admits' : 'refuses'}, policy ${byPolicy.admitted ? 'admits' : 'refuses'}${byPolicy.error ? ` (${byPolicy.error})` : ''}`);
      }
    expect(mismatches).toEqual([]);
  });

  it('let a pod that already violates be given a deadline, and refuse a mutable image set on it', () => {
    const set = admissionPolicies(CEL_RULES, { settings: SETTINGS, mode: 'deny', excludedNamespaces: [] });
    const old = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'legacy', namespace: 'shop' }, spec: { hostPID: true, containers: [{ name: 'app', image: `contoso.azurecr.io/app:1.0@${DIGEST}`, securityContext: { privileged: true } }] } };
    const refusing = (object: Record<string, unknown>) =>
      set.policies.filter((p) => !evaluator.review(p, { object, oldObject: old, operation: 'UPDATE', namespace: 'shop' }).admitted).map((p) => p.rule.meta.id);
    expect(refusing(POD_UPDATES.deadline!(old))).toEqual([]);
    expect(refusing(POD_UPDATES['latest image']!(old))).toEqual(expect.arrayContaining(['workload/image-tag-latest', 'workload/untrusted-registry']));
    expect(refusing(POD_UPDATES['latest image']!(old))).not.toContain('workload/privileged-container');
  });
});
