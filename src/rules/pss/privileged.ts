import { allContainers, CEL_SC, celEveryContainer, containerNames, joinQuote, outcome, pluralize, pssRule, securityContext, type PssItem } from './check.js';

export default pssRule({
  meta: {
    id: 'workload/privileged-container',
    title: 'Container runs privileged',
    severity: 'critical',
    frameworks: [
      { framework: 'cis-aks', id: '4.2.1' },
      { framework: 'kubescape', id: 'C-0057' },
      { framework: 'trivy', id: 'KSV017' },
      { framework: 'kube-score', id: 'container-security-context-privileged' },
      { framework: 'mitre', id: 'T1611' },
    ],
    description:
      'A privileged container has every host device and capability and no isolation from the node: a breakout is one step away.',
    remediation: 'Remove securityContext.privileged or set it to false; grant only the specific capabilities the process needs.',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
  },
  check: {
    id: 'privileged',
    level: 'baseline',
    versions: [
      {
        since: [1, 0],
        cel: celEveryContainer(`${CEL_SC}.?privileged.orValue(false) != true`),
        evaluate(pod) {
          const items: PssItem[] = [];
          for (const c of allContainers(pod))
            if (securityContext(c)?.privileged === true)
              items.push({ field: c.path('securityContext.privileged'), container: c.name, message: `container ${c.name} sets privileged: true`, observed: true, expected: false });
          if (items.length === 0) return undefined;
          const names = containerNames(items);
          return outcome('privileged', `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must not set securityContext.privileged=true`, items);
        },
      },
    ],
  },
});
