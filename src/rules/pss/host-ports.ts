import { asArray, asObj } from '../../core/resource.js';
import { allContainers, celEveryContainer, containerNames, display, joinQuote, outcome, pluralize, pssRule, unique, type PssItem } from './check.js';

export default pssRule({
  meta: {
    id: 'workload/host-port',
    title: 'Container binds a host port',
    severity: 'medium',
    frameworks: [
      { framework: 'kubescape', id: 'C-0044' },
      { framework: 'trivy', id: 'KSV024' },
    ],
    description:
      'A hostPort exposes the container on the node address, bypassing Services and most NetworkPolicy enforcement, and ties the pod to nodes where the port is free.',
    remediation: 'Remove hostPort and expose the container through a Service.',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
  },
  check: {
    id: 'hostPorts',
    level: 'baseline',
    versions: [
      {
        since: [1, 0],
        cel: celEveryContainer('c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0)'),
        evaluate(pod) {
          const items: PssItem[] = [];
          for (const c of allContainers(pod))
            asArray(c.spec.ports).forEach((raw, i) => {
              const hostPort = asObj(raw)?.hostPort;
              if (typeof hostPort === 'number' && hostPort !== 0)
                items.push({ field: c.path(`ports[${i}].hostPort`), container: c.name, message: `container ${c.name} binds host port ${hostPort}`, observed: hostPort, expected: 'no hostPort' });
            });
          if (items.length === 0) return undefined;
          const names = containerNames(items);
          const ports = unique(items.map((i) => display(i.observed)));
          return outcome(
            'hostPort',
            `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('hostPort', 'hostPorts', ports.length)} ${ports.join(', ')}`,
            items,
          );
        },
      },
    ],
  },
});
