import { describe, expect, it } from 'vitest';
import { excuseHostNetworkPorts } from '../../src/rules/workload/lib/host-network-ports.js';
import { admissionPolicies, type GeneratedPolicy } from '../../src/admission/policies.js';
import { reviewRequest } from '../../src/admission/review.js';
import type { ExceptionConfig } from '../../src/core/config.js';
import { evaluate } from '../../src/core/engine.js';
import { Inventory } from '../../src/core/inventory.js';
import { toResource } from '../../src/core/resource.js';
import { createSuppressor, type Suppressor } from '../../src/core/suppress.js';
import type { Rule } from '../../src/core/rule.js';
import { DEFAULT_SETTINGS } from '../../src/core/settings.js';
import { RULES } from '../../src/rules/index.js';
import { PolicyEvaluator } from './cel-env.js';
import { reviewPolicy } from './review-policy.js';

/**
 * A host-network DaemonSet excused from workload/host-namespace: since Kubernetes 1.28 the API server
 * gives each port of its Pods a hostPort equal to the containerPort, which its template does not have.
 * At admission the exemption covers those host ports too, in the webhook and the policies alike, so
 * that the DaemonSet and its Pods are decided together.
 */

const evaluator = new PolicyEvaluator();
const rule = (id: string) => RULES.find((r) => r.meta.id === id) as Rule;
const RULE_PAIR = [rule('workload/host-namespace'), rule('workload/host-port')];
const NOW = new Date('2026-06-01T00:00:00Z');

const EXCEPTION: ExceptionConfig = { rule: 'workload/host-namespace', resources: ['monitoring/DaemonSet/node-agent'], reason: 'node exporter needs the node network', expires: undefined };

interface PodOptions {
  hostNetwork?: boolean;
  ports?: Array<Record<string, unknown>>;
  annotations?: Record<string, string>;
}

function podSpec(o: PodOptions) {
  return { ...(o.hostNetwork === false ? {} : { hostNetwork: true }), containers: [{ name: 'agent', image: 'myacr.azurecr.io/agent:1.0', ports: o.ports ?? [{ containerPort: 9100, name: 'metrics' }] }] };
}

function daemonSet(o: PodOptions = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'node-agent', namespace: 'monitoring' },
    spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' }, ...(o.annotations ? { annotations: o.annotations } : {}) }, spec: podSpec(o) } },
  };
}

/** A Pod of the DaemonSet as the API server stores it: hostPort defaulted on a host-network pod. */
function daemonPod(o: PodOptions = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'node-agent-x7k2p',
      namespace: 'monitoring',
      labels: { app: 'a' },
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'node-agent', uid: 'u', controller: true }],
    },
    spec: podSpec({ ...o, ports: o.ports ?? [{ containerPort: 9100, hostPort: 9100, name: 'metrics' }] }),
  };
}

function webhook(object: unknown, exceptions: ExceptionConfig[], allowIgnoreAnnotation = false) {
  const policy = reviewPolicy({ rules: RULE_PAIR, settings: DEFAULT_SETTINGS, failOn: 'medium', aksManaged: false, allowIgnoreAnnotation, exceptions });
  return reviewRequest({ uid: 'u', operation: 'CREATE', namespace: 'monitoring', userInfo: { username: 'system:serviceaccount:kube-system:daemon-set-controller' }, object }, policy, NOW);
}

function policies(exceptions: ExceptionConfig[], allowIgnoreAnnotation = false): GeneratedPolicy[] {
  return admissionPolicies(RULE_PAIR, { settings: DEFAULT_SETTINGS, mode: 'deny', excludedNamespaces: [], exceptions, allowIgnoreAnnotation, now: NOW }).policies;
}

/** The rules whose policies refuse the object on CREATE. */
function refusedBy(set: readonly GeneratedPolicy[], object: unknown): string[] {
  return set
    .filter((p) => {
      const decision = evaluator.review(p, { object, namespace: 'monitoring' });
      expect(decision.error).toBeUndefined();
      return !decision.admitted;
    })
    .map((p) => p.rule.meta.id)
    .sort();
}

const violated = (outcome: ReturnType<typeof webhook>) => [...new Set(outcome.violations.map((f) => f.rule))].sort();

describe('an exemption from workload/host-namespace at admission', () => {
  it('admits the Pods of an excepted host-network DaemonSet, as it admits the DaemonSet, in the webhook and the policies', () => {
    for (const object of [daemonSet(), daemonPod()]) {
      const outcome = webhook(object, [EXCEPTION]);
      expect(outcome.response.allowed).toBe(true);
      expect(refusedBy(policies([EXCEPTION]), object)).toEqual([]);
    }
    // The excused host port leaves its trace, with the exception's reason.
    expect(webhook(daemonPod(), [EXCEPTION]).response.auditAnnotations?.suppressed).toContain('workload/host-port (exception: workload/host-namespace: node exporter needs the node network)');
  });

  it('does not admit the host-network Pods without one', () => {
    expect(violated(webhook(daemonPod(), []))).toEqual(['workload/host-namespace', 'workload/host-port']);
    expect(refusedBy(policies([]), daemonPod())).toEqual(['workload/host-namespace', 'workload/host-port']);
  });

  it('covers only host ports equal to their container port, on pods with hostNetwork: true', () => {
    const cases: Array<[string, unknown, string[]]> = [
      ['a host port that differs from its container port', daemonPod({ ports: [{ containerPort: 9100, hostPort: 9100 }, { containerPort: 8080, hostPort: 18080 }] }), ['workload/host-port']],
      ['a host port on a pod of the pod network', daemonPod({ hostNetwork: false }), ['workload/host-port']],
      ['a template that writes the port hostNetwork sets', daemonSet({ ports: [{ containerPort: 9100, hostPort: 9100 }] }), []],
    ];
    for (const [label, object, refused] of cases) {
      expect(violated(webhook(object, [EXCEPTION])), label).toEqual(refused);
      expect(refusedBy(policies([EXCEPTION]), object), label).toEqual(refused);
    }
  });

  it('is an exception for workload/host-namespace on this object, live: not one for another object, or expired', () => {
    const others: ExceptionConfig[][] = [
      [{ ...EXCEPTION, resources: ['monitoring/DaemonSet/other'] }],
      [{ ...EXCEPTION, expires: '2026-01-31' }],
      [{ ...EXCEPTION, rule: 'workload/privileged-container' }],
    ];
    for (const exceptions of others) {
      expect(violated(webhook(daemonPod(), exceptions))).toContain('workload/host-port');
      expect(refusedBy(policies(exceptions), daemonPod())).toContain('workload/host-port');
    }
    const glob: ExceptionConfig[] = [{ ...EXCEPTION, rule: 'workload/host-*', resources: ['*/DaemonSet/node-*'] }];
    expect(webhook(daemonPod(), glob).response.allowed).toBe(true);
    expect(refusedBy(policies(glob), daemonPod())).toEqual([]);
  });

  it('applies through a palisade.io/ignore annotation naming workload/host-namespace when annotations apply', () => {
    const annotations = { 'palisade.io/ignore': 'workload/host-namespace -- node exporter' };
    const pod = daemonPod({ annotations });
    expect(webhook(pod, [], true).response.allowed).toBe(true);
    expect(refusedBy(policies([], true), pod)).toEqual([]);
    expect(violated(webhook(pod, [], false))).toEqual(['workload/host-namespace', 'workload/host-port']);
    expect(refusedBy(policies([], false), pod)).toEqual(['workload/host-namespace', 'workload/host-port']);
  });

  it('reaches the workload/host-port policy when workload/host-namespace is not generated', () => {
    const set = admissionPolicies([rule('workload/host-port')], { settings: DEFAULT_SETTINGS, mode: 'deny', excludedNamespaces: [], exceptions: [EXCEPTION], now: NOW });
    expect(refusedBy(set.policies, daemonPod())).toEqual([]);
    expect(refusedBy(set.policies, daemonPod({ hostNetwork: false }))).toEqual(['workload/host-port']);
  });

  it('is asked of the suppressor once for all the host ports hostNetwork sets on an object, each marked with its reason', () => {
    const ports = [{ containerPort: 9100, hostPort: 9100 }, { containerPort: 8080, hostPort: 18080 }, { containerPort: 9101, hostPort: 9101 }];
    const resource = toResource(daemonPod({ ports }), { file: 'pod.yaml', line: 1 });
    if (!resource) throw new Error('no resource');
    const options = { allowAnnotations: false, aksManaged: false, now: NOW, configSource: 'config' };
    const { findings } = evaluate([rule('workload/host-port')], new Inventory([resource]), DEFAULT_SETTINGS, createSuppressor({ ...options, exceptions: [] }));
    const inner = createSuppressor({ ...options, exceptions: [EXCEPTION] });
    const asked: number[] = [];
    const counting: Suppressor = {
      warnings: inner.warnings,
      apply(r, fs) {
        asked.push(fs.length);
        inner.apply(r, fs);
      },
    };
    excuseHostNetworkPorts(resource, findings, counting);
    expect(asked).toEqual([2]);
    const reason = 'workload/host-namespace: node exporter needs the node network';
    expect(findings.map((f) => [f.field, f.suppressed?.reason])).toEqual([
      ['spec.containers[0].ports[0].hostPort', reason],
      ['spec.containers[0].ports[1].hostPort', undefined],
      ['spec.containers[0].ports[2].hostPort', reason],
    ]);
  });
});
