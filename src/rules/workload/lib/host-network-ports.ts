import type { Finding } from '../../../core/finding.js';
import { asArray, asObj, type Resource } from '../../../core/resource.js';
import type { Suppressor } from '../../../core/suppress.js';
import { containersOf, podOf } from '../../../core/workload.js';

/**
 * Host ports a host-network pod has whatever its manifest says. Since Kubernetes 1.28 the API server sets
 * `hostPort` to `containerPort` on every port of a Pod with `hostNetwork: true` (not on pod templates), and
 * it refuses one that differs there. Such a port opens nothing `hostNetwork` has not opened already, so at
 * admission, in the webhook and the generated policies, and in a scan alike, an exception or annotation
 * that excuses the object from workload/host-namespace (what that rule's remediation tells node agents to
 * have) excuses these workload/host-port findings too: otherwise a host-network DaemonSet is admitted and
 * each of its Pods refused, and a scan of a cluster's Pods reports what was accepted.
 */
export const HOST_NAMESPACE_RULE = 'workload/host-namespace';
export const HOST_PORT_RULE = 'workload/host-port';

/** The `…ports[i].hostPort` fields, as workload/host-port names them, whose host port is its container port on a pod with hostNetwork: true. */
export function hostNetworkPortFields(resource: Resource): Set<string> {
  const fields = new Set<string>();
  const pod = podOf(resource);
  if (pod?.spec.hostNetwork !== true) return fields;
  for (const c of containersOf(pod))
    asArray(c.spec.ports).forEach((raw, i) => {
      const port = asObj(raw);
      if (typeof port?.hostPort === 'number' && port.hostPort !== 0 && port.hostPort === port.containerPort) fields.add(c.path(`ports[${i}].hostPort`));
    });
  return fields;
}

/**
 * Marks the active workload/host-port findings on such ports suppressed when the suppressor excuses the
 * object from workload/host-namespace, with that exception's or annotation's reason; whether
 * workload/host-namespace ran (or reported) does not matter, as for any exception.
 */
export function excuseHostNetworkPorts(resource: Resource, findings: readonly Finding[], suppressor: Suppressor): void {
  // Asked of every resource of a scan: most have no host-port finding, and pay one loop for it.
  if (!findings.some((f) => f.rule === HOST_PORT_RULE && f.suppressed === undefined)) return;
  const onPorts = findings.filter((f) => f.rule === HOST_PORT_RULE && f.suppressed === undefined);
  const fields = hostNetworkPortFields(resource);
  // Asked as the host-namespace findings of the same object would be: the same exceptions, owners and annotations.
  const probes = onPorts.filter((f) => f.field !== undefined && fields.has(f.field)).map((f): { f: Finding; probe: Finding } => ({ f, probe: { ...f, rule: HOST_NAMESPACE_RULE } }));
  if (probes.length === 0) return;
  // The probe asks again what the findings of this object already asked: its warnings are said once.
  const warned = suppressor.warnings.length;
  suppressor.apply(resource, probes.map((p) => p.probe));
  suppressor.warnings.length = warned;
  for (const { f, probe } of probes) {
    const by = probe.suppressed;
    if (by && by.kind !== 'provider-managed') f.suppressed = { ...by, reason: `${HOST_NAMESPACE_RULE}: ${by.reason}` };
  }
}


/** The suppressor, with the host-network ports above excused wherever it excuses workload/host-namespace. */
export function excusingHostNetworkPorts(suppressor: Suppressor): Suppressor {
  return {
    warnings: suppressor.warnings,
    apply(resource, findings) {
      suppressor.apply(resource, findings);
      excuseHostNetworkPorts(resource, findings, suppressor);
    },
  };
}
