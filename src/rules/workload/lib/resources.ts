import type { FrameworkRef } from '../../../core/frameworks.js';
import { asArray, asObj, type Obj } from '../../../core/resource.js';
import type { RuleContext } from '../../../core/rule.js';
import { describe } from './containers.js';

export type ComputeResource = 'cpu' | 'memory';
export type ResourceKind = 'requests' | 'limits';

const NOUN: Record<ResourceKind, string> = { requests: 'request', limits: 'limit' };

/** Why the resource rules have no CEL form. */
export const RESOURCES_CEL_UNSUPPORTED =
  "a LimitRange of the namespace can supply the value, and an admission policy cannot read it (the LimitRanger plugin fills in pods, but not the pod templates of Deployments and other controllers)";
const ZERO_QUANTITY = /^\+?0*(?:\.0*)?(?:[a-zA-Z]{1,2})?$/;

function quantity(list: Obj | undefined, name: ComputeResource): unknown {
  return list?.[name];
}

function isSet(v: unknown): boolean {
  return (typeof v === 'string' && v.trim() !== '') || typeof v === 'number';
}

// A limit of zero sets no cgroup limit at all.
function isZero(v: unknown): boolean {
  return v === 0 || (typeof v === 'string' && ZERO_QUANTITY.test(v.trim()) && /\d/.test(v));
}

/** Present and, for a limit, not zero. */
function bounded(kind: ResourceKind, v: unknown): boolean {
  return isSet(v) && !(kind === 'limits' && isZero(v));
}

/** Reads `resources.requests` and `resources.limits`; undefined when a level has an unexpected shape. */
function lists(holder: Obj): { requests: Obj | undefined; limits: Obj | undefined } | undefined {
  if (holder.resources === undefined || holder.resources === null) return { requests: undefined, limits: undefined };
  const resources = asObj(holder.resources);
  if (!resources) return undefined;
  const requests = asObj(resources.requests);
  const limits = asObj(resources.limits);
  if ((resources.requests != null && !requests) || (resources.limits != null && !limits)) return undefined;
  return { requests, limits };
}

/**
 * Is the request (or limit) of one resource satisfied for a container, the way the API server and the
 * kubelet see it: an unset request defaults to the limit, and pod-level resources bound every container.
 */
function satisfied(kind: ResourceKind, name: ComputeResource, own: NonNullable<ReturnType<typeof lists>>): boolean {
  if (bounded('limits', quantity(own.limits, name))) return true;
  return kind === 'requests' && isSet(quantity(own.requests, name));
}

/**
 * Does a LimitRange of the resource's namespace (in the same scan) give containers a default? The
 * LimitRanger admission plugin writes it into every container and init container that sets none.
 */
function namespaceDefault(ctx: RuleContext, kind: ResourceKind, name: ComputeResource): boolean {
  const ns = ctx.resource.namespace ?? 'default';
  return ctx.inventory.byKind('LimitRange').some((lr) => {
    if ((lr.namespace ?? 'default') !== ns) return false;
    return asArray(asObj(lr.object.spec)?.limits).some((item) => {
      const l = asObj(item);
      if (!l || l.type !== 'Container') return false;
      // The API server's defaulting of the item: a missing default limit is the max, and a missing
      // default request is the default limit, else the min.
      const dflt = quantity(asObj(l.default), name) ?? quantity(asObj(l.max), name);
      if (bounded('limits', dflt)) return true;
      return kind === 'requests' && isSet(quantity(asObj(l.defaultRequest), name) ?? quantity(asObj(l.min), name));
    });
  });
}

/**
 * Reports every regular and init container (ephemeral containers cannot set resources) whose `kind` of
 * `name` is missing. Pod-level `spec.resources` satisfies all containers, a LimitRange default the unset
 * ones. A container with an odd shape is skipped: the rule cannot tell what it means.
 */
export function reportMissingResource(ctx: RuleContext, kind: ResourceKind, name: ComputeResource, frameworks: FrameworkRef[]): void {
  const pod = ctx.pod();
  if (!pod) return;
  const podLevel = lists(pod.spec);
  if (!podLevel || satisfied(kind, name, podLevel)) return;
  let defaulted: boolean | undefined;
  for (const c of ctx.containers({ ephemeral: false })) {
    const own = lists(c.spec);
    if (!own) continue;
    if (kind === 'requests' && !isSet(quantity(own.requests, name)) && bounded('limits', quantity(own.limits, name))) {
      // The API server copies the limit into the request, so nothing is missing at run time — but the
      // request is implicit: raising the limit later silently raises what the scheduler reserves.
      ctx.report({
        container: c.name,
        field: c.path(`resources.requests.${name}`),
        severity: 'info',
        message: `${describe(c)} declares no ${name} request; Kubernetes uses its limit (${String(quantity(own.limits, name))}) as the request`,
        evidence: { observed: { [`requests.${name}`]: null, [`limits.${name}`]: quantity(own.limits, name) }, expected: `an explicit resources.requests.${name}` },
        frameworks: c.kind === 'containers' ? frameworks : frameworks.filter((f) => f.framework !== 'kubescape'),
      });
      continue;
    }
    if (satisfied(kind, name, own)) continue;
    if (quantity(own[kind], name) === undefined && (defaulted ??= namespaceDefault(ctx, kind, name))) continue;
    const limit = quantity(own.limits, name);
    const zeroLimit = kind === 'limits' && isSet(limit) && isZero(limit);
    ctx.report({
      container: c.name,
      field: c.path(`resources.${kind}.${name}`),
      message: zeroLimit
        ? `${describe(c)} sets limits.${name} to ${String(limit)}, which means no ${name} limit`
        : `${describe(c)} has no ${name} ${NOUN[kind]}`,
      evidence: {
        observed: { [`requests.${name}`]: quantity(own.requests, name) ?? null, [`limits.${name}`]: limit ?? null },
        expected:
          kind === 'requests'
            ? `resources.requests.${name} (or resources.limits.${name}, which the request defaults to)`
            : `a non-zero resources.limits.${name}`,
      },
      // Kubescape's resource controls look at regular containers only.
      frameworks: c.kind === 'containers' ? frameworks : frameworks.filter((f) => f.framework !== 'kubescape'),
    });
  }
}
