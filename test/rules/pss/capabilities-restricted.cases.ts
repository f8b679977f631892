import rule from '../../../src/rules/pss/capabilities-restricted.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, ephemeral, LINUX, POD, pod, WINDOWS } from './manifests.js';

const dropAll = { capabilities: { drop: ['ALL'] } };
export const caps = (drop: string[] | undefined, add?: string[]) => ({ capabilities: { ...(drop ? { drop } : {}), ...(add ? { add } : {}) } });

export default ruleCases(rule, {
  valid: [
    { name: 'drop ALL', input: pod({ containers: [container('app', dropAll)] }) },
    { name: 'drop ALL and add back NET_BIND_SERVICE', input: pod({ containers: [container('web', caps(['ALL'], ['NET_BIND_SERVICE']))] }) },
    {
      name: 'every container kind drops ALL',
      input: deployment({ initContainers: [container('migrate', dropAll)], containers: [container('app', caps(['NET_RAW', 'ALL']))], ephemeralContainers: [ephemeral('debug', dropAll)] }),
    },
    { name: 'Windows pods are exempt from v1.25', input: pod({ ...WINDOWS, containers: [container('iis')] }) },
    { name: 'Windows exemption at v1.25 exactly', input: pod({ ...WINDOWS, containers: [container('iis')] }), settings: { pssVersion: 'v1.25' } },
    { name: 'the check does not exist before v1.22', input: pod({ containers: [container('app')] }), settings: { pssVersion: 'v1.21' } },
    {
      name: 'an add the baseline rule already reports (SYS_ADMIN) is not reported again',
      input: pod({ containers: [container('app', caps(['ALL'], ['SYS_ADMIN']))] }),
    },
    {
      name: 'a Windows pod adding SYS_ADMIN is left to the baseline rule',
      input: cronJob({ ...WINDOWS, containers: [container('job', caps(undefined, ['SYS_ADMIN']))] }),
    },
  ],
  invalid: [
    {
      name: 'no capabilities at all',
      input: pod({ containers: [container('app')] }),
      findings: [{ field: `${POD}.containers[0].securityContext.capabilities.drop`, container: 'app', message: 'container app does not drop ALL capabilities', severity: 'low' }],
    },
    {
      name: 'dropping some capabilities is not dropping ALL',
      input: pod({ containers: [container('app', caps(['NET_RAW', 'SYS_ADMIN']))] }),
      findings: [{ field: `${POD}.containers[0].securityContext.capabilities.drop` }],
    },
    {
      name: 'ALL is matched exactly',
      input: pod({ containers: [container('app', caps(['all']))] }),
      findings: [{ field: `${POD}.containers[0].securityContext.capabilities.drop` }],
    },
    {
      name: 'a runtime default add is allowed by baseline but not by restricted',
      input: deployment({ containers: [container('app', caps(['ALL'], ['NET_BIND_SERVICE', 'CHOWN']))] }),
      findings: [
        { field: `${DEPLOY}.containers[0].securityContext.capabilities.add[1]`, message: 'container app adds capability CHOWN; only NET_BIND_SERVICE may be added' },
      ],
    },
    {
      name: 'missing drop and a non-default add: the add is left to the baseline rule',
      input: pod({ containers: [container('app', caps(undefined, ['SYS_ADMIN', 'SETUID']))] }),
      findings: [{ field: `${POD}.containers[0].securityContext.capabilities.drop` }, { field: `${POD}.containers[0].securityContext.capabilities.add[1]` }],
    },
    {
      name: 'init and ephemeral containers',
      input: deployment({ initContainers: [container('migrate')], containers: [container('app', dropAll)], ephemeralContainers: [ephemeral('debug', { privileged: false })] }),
      findings: [
        { field: `${DEPLOY}.initContainers[0].securityContext.capabilities.drop`, container: 'migrate' },
        { field: `${DEPLOY}.ephemeralContainers[0].securityContext.capabilities.drop`, container: 'debug' },
      ],
    },
    {
      name: 'CronJob job template',
      input: cronJob({ containers: [container('report', caps(['NET_RAW']))] }),
      findings: [{ field: `${CRON}.containers[0].securityContext.capabilities.drop`, container: 'report' }],
    },
    {
      name: 'Windows pods are not exempt before v1.25',
      input: pod({ ...WINDOWS, containers: [container('iis')] }),
      settings: { pssVersion: 'v1.24' },
      findings: [{ field: `${POD}.containers[0].securityContext.capabilities.drop` }],
    },
    {
      name: 'os.name linux gets no exemption',
      input: pod({ ...LINUX, containers: [container('app')] }),
      findings: [{ field: `${POD}.containers[0].securityContext.capabilities.drop` }],
    },
    {
      name: 'at v1.22, the first version with the check',
      input: pod({ containers: [container('app', caps(['ALL'], ['SETGID']))] }),
      settings: { pssVersion: 'v1.22' },
      findings: [{ field: `${POD}.containers[0].securityContext.capabilities.add[0]` }],
    },
  ],
});
