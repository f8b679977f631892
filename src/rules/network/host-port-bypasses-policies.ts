import { asArray, asObj } from '../../core/resource.js';
import { usesHostNetwork } from '../../analyses/network/workloads.js';
import { defineRule } from '../../core/rule.js';
import { selectingPolicies } from './lib/bypass.js';

export default defineRule({
  meta: {
    id: 'network/host-port-bypasses-policies',
    title: 'Container port is published on the node',
    severity: 'medium',
    pillar: 'network',
    frameworks: [
      { framework: 'kubescape', id: 'C-0044' },
      { framework: 'checkov', id: 'CKV_K8S_26' },
      { framework: 'trivy', id: 'KSV024' },
    ],
    description:
      'A hostPort publishes a container port on the node\'s address: anything that can reach the node reaches the ' +
      'container, without a Service. The node rewrites the connection on the way in, and Kubernetes leaves it to ' +
      'the network plugin whether NetworkPolicies see the original client, so policies written with pod and ' +
      'namespace selectors cannot be relied on for that port. Host-network pods are reported by ' +
      'network/host-network-bypasses-policies instead (all their ports are the node\'s). The Pod Security rule ' +
      'workload/host-port reports the same fields; when both run, its finding stands for both, so this one shows ' +
      'on its own only in network-only scans (--pillar network). Only regular containers publish host ports; an ' +
      'init or ephemeral container\'s hostPort is left to Pod Security.',
    remediation: 'Remove hostPort and expose the container through a Service (ClusterIP behind an ingress controller, or an internal load balancer).',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#what-you-can-t-do-with-network-policies-at-least-not-yet',
      'https://kubernetes.io/docs/concepts/configuration/overview/#services',
    ],
  },
  target: { pods: true },
  // The Pod Security check reports each hostPort on the same field: one problem, one finding.
  supersedes: ['workload/host-port'],
  check(ctx) {
    const pod = ctx.pod();
    if (!pod || usesHostNetwork(pod.spec)) return;
    let policies: string | undefined;
    // The kubelet publishes the host ports of the pod's regular containers only: an init or ephemeral
    // container's hostPort opens nothing (Pod Security still refuses it, on its own finding).
    for (const c of ctx.containers()) {
      if (c.kind !== 'containers') continue;
      asArray(c.spec.ports).forEach((raw, i) => {
        const port = asObj(raw);
        const hostPort = port?.hostPort;
        if (typeof hostPort !== 'number' || hostPort === 0) return;
        const protocol = typeof port?.protocol === 'string' ? port.protocol : 'TCP';
        policies ??= selectingPolicies(ctx, pod, 'connections to it');
        ctx.report({
          container: c.name,
          field: c.path(`ports[${i}].hostPort`),
          message: `container ${c.name} publishes host port ${hostPort}/${protocol} on the node's address, where NetworkPolicies cannot be relied on${policies}`,
          evidence: { observed: hostPort, expected: 'no hostPort' },
        });
      });
    }
  },
});
