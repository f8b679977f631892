import { Environment } from '@marcbachmann/cel-js';
import type { GeneratedPolicy } from '../../src/admission/policies.js';

/**
 * Evaluates generated ValidatingAdmissionPolicies the way the API server does, with cel-js.
 *
 * The expressions use only what Kubernetes offers in every version that serves admissionregistration/v1
 * (1.30 and later) and cel-js implements alike: the standard macros (has, all, exists, map, filter),
 * optional field selection (`.?field`, `orValue`, `hasValue`, Kubernetes 1.29+), `in`, `size`, and the
 * string functions startsWith, endsWith, contains, matches, indexOf, lastIndexOf, substring and
 * lowerAscii. `KUBERNETES_FUNCTIONS` lists them; the tests check no expression calls anything else.
 * cel-js's lowerAscii lowercases all of Unicode where Kubernetes' stops at ASCII: the policies apply it
 * only to text a regex has checked to be ASCII. `matches` runs RE2 in Kubernetes and JavaScript
 * regexes here: the policies' regexes keep to what both read alike (see src/core/cel.ts).
 */
export const KUBERNETES_FUNCTIONS = new Set([
  'has', 'all', 'exists', 'map', 'filter', 'orValue', 'hasValue', 'size', 'startsWith', 'endsWith', 'contains', 'matches',
  'indexOf', 'lastIndexOf', 'substring', 'lowerAscii',
]);

/** Names of the functions and macros an expression calls (`x.f(` and `f(`), string literals left out. */
export function functionsCalled(expression: string): Set<string> {
  const code = expression.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  return new Set([...code.matchAll(/([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1] as string));
}

/**
 * The object as admission sees it: fields set to null are absent (Kubernetes treats them so in CEL),
 * and whole numbers are CEL ints (the API types declare them int32/int64).
 */
export function apiView(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(apiView);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = apiView(v);
    return out;
  }
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}

export interface Decision {
  admitted: boolean;
  /** The evaluation error, when there was one: with failurePolicy Fail the object is refused. */
  error?: string;
}

type Compiled = (context: Record<string, unknown>) => unknown;

export class PolicyEvaluator {
  private readonly env = new Environment({ enableOptionalTypes: true })
    .registerVariable('object', 'dyn')
    .registerVariable('oldObject', 'dyn')
    .registerVariable('request', 'dyn')
    .registerVariable('variables', 'dyn');
  private readonly compiled = new Map<string, Compiled>();

  /** Parses (once) and returns the expression as a function of its context. */
  compile(expression: string): Compiled {
    let fn = this.compiled.get(expression);
    if (!fn) {
      const parsed = this.env.parse(expression);
      fn = (context) => parsed(context);
      this.compiled.set(expression, fn);
    }
    return fn;
  }

  /**
   * Evaluates one expression against an admission request: `object` (in its API view), `oldObject`,
   * `request`, and the policy's variables, computed lazily and once, as the API server does.
   */
  evaluate(policy: GeneratedPolicy, expression: string, request: PolicyRequest): unknown {
    const object = apiView(request.object);
    const oldObject = request.oldObject === undefined ? null : apiView(request.oldObject);
    // The API server's AdmissionRequest always has these fields: '' when there is no subresource.
    const namespace = request.namespace ?? ((request.object as { metadata?: { namespace?: string } } | undefined)?.metadata?.namespace ?? 'default');
    const context: Record<string, unknown> = { object, oldObject, request: { operation: request.operation ?? 'CREATE', subResource: request.subResource ?? '', namespace, userInfo: { username: request.username ?? 'alice' } } };
    const variables: Record<string, unknown> = {};
    const values = new Map<string, unknown>();
    for (const v of policy.variables) {
      Object.defineProperty(variables, v.name, {
        enumerable: true,
        get: () => {
          if (!values.has(v.name)) values.set(v.name, this.compile(v.expression)({ ...context, variables }));
          return values.get(v.name);
        },
      });
    }
    return this.compile(expression)({ ...context, variables });
  }

  /**
   * What the API server does with a request, given the policy and its binding: whether the policy
   * matches it (resource rules, namespace selector over the namespace's labels, match conditions) and,
   * if so, whether its validations admit it. An error refuses, as failurePolicy Fail says.
   */
  review(policy: GeneratedPolicy, request: PolicyRequest & { namespaceLabels?: Record<string, string> }): { matched: boolean } & Decision {
    const object = request.object as { kind: string; apiVersion?: string };
    const resource = `${RESOURCES[object.kind] ?? '?'}${request.subResource ? `/${request.subResource}` : ''}`;
    const group = (object.apiVersion ?? 'v1').includes('/') ? (object.apiVersion ?? '').split('/')[0] : '';
    const spec = policy.policy.spec as {
      matchConstraints: { resourceRules: Array<{ apiGroups: string[]; operations: string[]; resources: string[] }> };
      matchConditions: Array<{ expression: string }>;
      validations: Array<{ expression: string }>;
    };
    const operation = request.operation ?? 'CREATE';
    const ruleMatches = spec.matchConstraints.resourceRules.some((r) => r.apiGroups.includes(group as string) && r.operations.includes(operation) && r.resources.includes(resource));
    const selector = (policy.binding.spec as { matchResources: { namespaceSelector: { matchExpressions: LabelExpression[] } } }).matchResources.namespaceSelector;
    const namespace = request.namespace ?? 'default';
    const labels = { 'kubernetes.io/metadata.name': namespace, ...request.namespaceLabels };
    if (!ruleMatches || !selector.matchExpressions.every((e) => selects(e, labels))) return { matched: false, admitted: true };
    try {
      for (const c of spec.matchConditions) if (this.evaluate(policy, c.expression, request) !== true) return { matched: false, admitted: true };
      for (const v of spec.validations) if (this.evaluate(policy, v.expression, request) !== true) return { matched: true, admitted: false };
      return { matched: true, admitted: true };
    } catch (e) {
      return { matched: true, admitted: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
    }
  }

  /** Whether the policy's validations admit the object on CREATE (an error refuses it). */
  admits(policy: GeneratedPolicy, object: unknown): Decision {
    try {
      const spec = policy.policy.spec as { validations: Array<{ expression: string }> };
      for (const { expression } of spec.validations) {
        const result = this.evaluate(policy, expression, { object });
        if (typeof result !== 'boolean') return { admitted: false, error: `validation returned ${typeof result}, not a bool` };
        if (!result) return { admitted: false };
      }
      return { admitted: true };
    } catch (e) {
      return { admitted: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
    }
  }
}

export interface PolicyRequest {
  object: unknown;
  oldObject?: unknown;
  operation?: string;
  /** `ephemeralcontainers` for `kubectl debug`. */
  subResource?: string;
  namespace?: string;
  /** `request.userInfo.username`; `alice` unless given. */
  username?: string;
}

/** The plural resource of each kind the policies match. */
const RESOURCES: Record<string, string> = {
  Pod: 'pods', ReplicationController: 'replicationcontrollers', Deployment: 'deployments', ReplicaSet: 'replicasets', StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets', Job: 'jobs', CronJob: 'cronjobs', Rollout: 'rollouts', ScaledJob: 'scaledjobs', AutoscalingRunnerSet: 'autoscalingrunnersets',
};

export interface LabelExpression {
  key: string;
  operator: string;
  values?: string[];
}

/** One matchExpression of a label selector, as Kubernetes reads it (a missing label is NotIn any values). */
export function selects(e: LabelExpression, labels: Record<string, string>): boolean {
  const value = labels[e.key];
  switch (e.operator) {
    case 'In': return value !== undefined && (e.values ?? []).includes(value);
    case 'NotIn': return value === undefined || !(e.values ?? []).includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    default: throw new Error(`unknown operator ${e.operator}`);
  }
}
