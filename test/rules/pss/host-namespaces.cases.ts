import rule from '../../../src/rules/pss/host-namespaces.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, POD, pod } from './manifests.js';

export default ruleCases(rule, {
  valid: [
    { name: 'nothing shared', input: pod({ containers: [container('app')] }) },
    { name: 'explicit false', input: deployment({ hostNetwork: false, hostPID: false, hostIPC: false, containers: [container('app')] }) },
    {
      name: 'container-level settings do not share the node namespaces',
      input: pod({ shareProcessNamespace: true, containers: [container('app', { privileged: false })] }),
    },
  ],
  invalid: [
    {
      name: 'hostNetwork on a Pod',
      input: pod({ hostNetwork: true, containers: [container('app')] }),
      findings: [{ field: `${POD}.hostNetwork`, message: /^pod sets hostNetwork: true and shares the node's network namespace/, severity: 'high' }],
    },
    {
      name: 'all three on a Deployment, one finding each',
      input: deployment({ hostIPC: true, hostPID: true, hostNetwork: true, containers: [container('app')] }),
      findings: [{ field: `${DEPLOY}.hostNetwork` }, { field: `${DEPLOY}.hostPID` }, { field: `${DEPLOY}.hostIPC` }],
    },
    {
      name: 'hostIPC on a CronJob',
      input: cronJob({ hostIPC: true, hostNetwork: false, containers: [container('report')] }),
      findings: [{ field: `${CRON}.hostIPC`, message: /hostIPC: true/ }],
    },
    {
      name: 'hostPID at the oldest policy version',
      input: pod({ hostPID: true, containers: [container('app')] }),
      settings: { pssVersion: 'v1.0' },
      findings: [{ field: `${POD}.hostPID` }],
    },
  ],
});
