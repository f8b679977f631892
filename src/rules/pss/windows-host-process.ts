import { asObj } from '../../core/resource.js';
import { allContainers, CEL_POD_SC, CEL_SC, celEveryContainer, outcome, podSecurityContext, pssRule, securityContext, type PssItem } from './check.js';

export default pssRule({
  meta: {
    id: 'workload/windows-host-process',
    title: 'Windows HostProcess container',
    severity: 'critical',
    frameworks: [
      { framework: 'kubescape', id: 'C-0211' },
      { framework: 'trivy', id: 'KSV103' },
      { framework: 'mitre', id: 'T1611' },
    ],
    description: 'A Windows HostProcess container runs directly on the node with host privileges: it is the Windows equivalent of a privileged container.',
    remediation: 'Remove windowsOptions.hostProcess (or set it to false); run node agents as reviewed system DaemonSets only.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/'],
  },
  check: {
    id: 'windowsHostProcess',
    level: 'baseline',
    versions: [
      {
        since: [1, 0],
        cel: `${CEL_POD_SC}.?windowsOptions.?hostProcess.orValue(false) != true && ${celEveryContainer(`${CEL_SC}.?windowsOptions.?hostProcess.orValue(false) != true`)}`,
        evaluate(pod) {
          const items: PssItem[] = [];
          const who: string[] = [];
          if (asObj(podSecurityContext(pod)?.windowsOptions)?.hostProcess === true) {
            who.push('pod');
            items.push({ field: `${pod.specPath}.securityContext.windowsOptions.hostProcess`, message: 'pod sets windowsOptions.hostProcess: true', observed: true, expected: false });
          }
          const names: string[] = [];
          for (const c of allContainers(pod))
            if (asObj(securityContext(c)?.windowsOptions)?.hostProcess === true) {
              names.push(c.name);
              items.push({ field: c.path('securityContext.windowsOptions.hostProcess'), container: c.name, message: `container ${c.name} sets windowsOptions.hostProcess: true`, observed: true, expected: false });
            }
          if (items.length === 0) return undefined;
          if (names.length) who.push(`${names.length === 1 ? 'container' : 'containers'} ${names.map((n) => JSON.stringify(n)).join(', ')}`);
          return outcome('hostProcess', `${who.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`, items);
        },
      },
    ],
  },
});
