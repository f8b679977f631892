import type { ExceptionConfig } from '../core/config.js';
import { exceptedCondition, ignoredCondition, namesRule } from './policy-exemptions.js';
import { HOST_NAMESPACE_RULE } from '../rules/workload/lib/host-network-ports.js';

export { HOST_NAMESPACE_RULE, HOST_PORT_RULE } from '../rules/workload/lib/host-network-ports.js';

/** Every host port of the pod's containers is its container port, on a pod with hostNetwork: true, in CEL. */
const HOST_NETWORK_PORTS_ONLY =
  "variables.spec.?hostNetwork.orValue(false) == true && variables.containers.all(c, c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0 || p.hostPort == p.?containerPort.orValue(0)))";

/**
 * The CEL that holds when the object is excused from workload/host-namespace (by one of the exceptions
 * or, when they apply, an annotation) and its host ports are all such ports: the workload/host-port
 * policy then admits it, as the webhook does. Undefined when nothing can excuse an object from
 * workload/host-namespace.
 */
export function hostNetworkPortsExcused(exceptions: readonly ExceptionConfig[], allowIgnoreAnnotation: boolean): string | undefined {
  const excepted = exceptedCondition(exceptions.filter((ex) => namesRule(ex, HOST_NAMESPACE_RULE)));
  const excused = [...(excepted ? [excepted] : []), ...(allowIgnoreAnnotation ? [ignoredCondition(HOST_NAMESPACE_RULE)] : [])];
  if (excused.length === 0) return undefined;
  return `((${excused.join(' || ')}) && ${HOST_NETWORK_PORTS_ONLY})`;
}
