import rule, { DEFAULT_CAPABILITIES } from '../../../src/rules/pss/capabilities-baseline.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, ephemeral, POD, pod, RESTRICTED_SC, WINDOWS } from './manifests.js';

export const adds = (...add: unknown[]) => ({ capabilities: { add } });

export default ruleCases(rule, {
  valid: [
    { name: 'no capabilities', input: pod({ containers: [container('app')] }) },
    { name: 'drop ALL only', input: pod({ containers: [container('app', RESTRICTED_SC)] }) },
    { name: 'adding runtime defaults changes nothing', input: deployment({ containers: [container('web', adds('NET_BIND_SERVICE', 'CHOWN', 'SETUID', 'SETGID'))] }) },
    { name: 'all thirteen defaults', input: cronJob({ containers: [container('report', adds(...DEFAULT_CAPABILITIES))] }) },
    {
      name: 'dropping dangerous capabilities is fine',
      input: pod({ containers: [container('app', { capabilities: { drop: ['SYS_ADMIN', 'NET_RAW'] } })] }),
    },
  ],
  invalid: [
    {
      name: 'SYS_ADMIN on a Pod',
      input: pod({ containers: [container('app', adds('SYS_ADMIN'))] }),
      findings: [{ field: `${POD}.containers[0].securityContext.capabilities.add[0]`, container: 'app', message: 'container app adds capability SYS_ADMIN', severity: 'high' }],
    },
    {
      name: 'only the non-default entry of the list (NET_RAW is not a runtime default)',
      input: deployment({ containers: [container('ping', adds('CHOWN', 'NET_RAW'))] }),
      findings: [{ field: `${DEPLOY}.containers[0].securityContext.capabilities.add[1]`, message: 'container ping adds capability NET_RAW' }],
    },
    {
      name: 'every container kind',
      input: deployment({
        initContainers: [container('iptables', adds('NET_ADMIN'))],
        containers: [container('app', adds('SYS_TIME'))],
        ephemeralContainers: [ephemeral('debug', adds('SYS_PTRACE'))],
      }),
      findings: [
        { field: `${DEPLOY}.initContainers[0].securityContext.capabilities.add[0]`, container: 'iptables' },
        { field: `${DEPLOY}.containers[0].securityContext.capabilities.add[0]`, container: 'app' },
        { field: `${DEPLOY}.ephemeralContainers[0].securityContext.capabilities.add[0]`, container: 'debug' },
      ],
    },
    {
      name: 'ALL in add grants everything',
      input: cronJob({ containers: [container('report', adds('ALL'))] }),
      findings: [{ field: `${CRON}.containers[0].securityContext.capabilities.add[0]`, message: 'container report adds capability ALL' }],
    },
    {
      name: 'names are matched exactly, as upstream does',
      input: pod({ containers: [container('app', adds('chown', 'CAP_CHOWN'))] }),
      findings: [{ field: `${POD}.containers[0].securityContext.capabilities.add[0]` }, { field: `${POD}.containers[0].securityContext.capabilities.add[1]` }],
    },
    {
      name: 'a Windows pod is not exempt from the baseline check',
      input: pod({ ...WINDOWS, containers: [container('iis', adds('SYS_ADMIN'))] }),
      findings: [{ field: `${POD}.containers[0].securityContext.capabilities.add[0]` }],
    },
    {
      name: 'dropping ALL does not excuse an add',
      input: pod({ containers: [container('app', { ...RESTRICTED_SC, capabilities: { drop: ['ALL'], add: ['BPF'] } })] }),
      findings: [{ field: `${POD}.containers[0].securityContext.capabilities.add[0]`, message: 'container app adds capability BPF' }],
    },
  ],
});
