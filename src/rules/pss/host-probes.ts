import { asObj, asString } from '../../core/resource.js';
import { allContainers, celEveryContainer, containerNames, display, joinQuote, outcome, pluralize, pssRule, unique, type PssItem } from './check.js';

const HANDLERS = ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle.postStart', 'lifecycle.preStop'];
const ACTIONS = ['httpGet', 'tcpSocket'];
// Split once: the check runs on every container of every pod.
const HANDLER_PARTS = HANDLERS.map((path) => ({ path, parts: path.split('.') }));

// Every handler's httpGet.host and tcpSocket.host, unset or empty.
const CEL = celEveryContainer(
  HANDLERS.flatMap((h) => ACTIONS.map((a) => `c.?${h.split('.').join('.?')}.?${a}.?host.orValue('') == ''`)).join(' && '),
);

export default pssRule({
  meta: {
    id: 'workload/probe-host-override',
    title: 'Probe or lifecycle hook targets another host',
    severity: 'medium',
    frameworks: [{ framework: 'mitre', id: 'T1090' }],
    description:
      'The kubelet runs httpGet and tcpSocket probes and hooks from the node. A custom host makes the kubelet connect wherever the manifest says: a way to reach node-local or internal endpoints the pod itself cannot.',
    remediation: 'Remove the host field from probes and lifecycle hooks; they then target the pod IP.',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
  },
  check: {
    id: 'hostProbesAndHostLifecycle',
    level: 'baseline',
    versions: [
      {
        since: [1, 34],
        cel: CEL,
        evaluate(pod) {
          const items: PssItem[] = [];
          for (const c of allContainers(pod))
            for (const { path: handlerPath, parts } of HANDLER_PARTS) {
              let handler: unknown = c.spec;
              for (const part of parts) handler = asObj(handler)?.[part];
              for (const action of ACTIONS) {
                const host = asString(asObj(asObj(handler)?.[action])?.host);
                if (host)
                  items.push({
                    field: c.path(`${handlerPath}.${action}.host`),
                    container: c.name,
                    message: `container ${c.name} sets ${handlerPath}.${action}.host to ${host}`,
                    observed: host,
                    expected: 'no host (the pod IP)',
                  });
              }
            }
          if (items.length === 0) return undefined;
          const names = unique(containerNames(items)).sort();
          const hosts = unique(items.map((i) => display(i.observed))).sort();
          return outcome(
            'probe or lifecycle host',
            `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hosts.length)} ${joinQuote(hosts)}`,
            items,
          );
        },
      },
    ],
  },
});
