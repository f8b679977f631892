import rule from '../../../src/rules/pss/selinux.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, ephemeral, POD, pod } from './manifests.js';

const se = (opts: Record<string, string>) => ({ seLinuxOptions: opts });

export default ruleCases(rule, {
  valid: [
    { name: 'nothing set', input: pod({ containers: [container('app')] }) },
    {
      name: 'the container types, and a level',
      input: deployment({
        securityContext: se({ type: 'container_t', level: 's0:c123,c456' }),
        initContainers: [container('init', se({ type: 'container_init_t' }))],
        containers: [container('vm', se({ type: 'container_kvm_t' })), container('app', se({ level: 's0:c1,c2' }))],
      }),
    },
    { name: 'empty user and role', input: pod({ containers: [container('app', se({ user: '', role: '', type: '' }))] }) },
    { name: 'container_engine_t from v1.31', input: pod({ containers: [container('buildkit', se({ type: 'container_engine_t' }))] }), settings: { pssVersion: 'v1.31' } },
    { name: 'container_engine_t at latest', input: cronJob({ securityContext: se({ type: 'container_engine_t' }), containers: [container('build')] }) },
  ],
  invalid: [
    {
      name: 'pod-level spc_t',
      input: pod({ securityContext: se({ type: 'spc_t' }), containers: [container('app')] }),
      findings: [{ field: `${POD}.securityContext.seLinuxOptions.type`, message: 'pod sets seLinuxOptions.type spc_t', severity: 'high' }],
    },
    {
      name: 'type, user and role on one container',
      input: pod({ containers: [container('app', se({ type: 'unconfined_t', user: 'system_u', role: 'system_r' }))] }),
      findings: [
        { field: `${POD}.containers[0].securityContext.seLinuxOptions.type`, container: 'app' },
        { field: `${POD}.containers[0].securityContext.seLinuxOptions.user`, message: 'container app sets seLinuxOptions.user system_u' },
        { field: `${POD}.containers[0].securityContext.seLinuxOptions.role`, message: 'container app sets seLinuxOptions.role system_r' },
      ],
    },
    {
      name: 'container_engine_t before v1.31',
      input: pod({ containers: [container('buildkit', se({ type: 'container_engine_t' }))] }),
      settings: { pssVersion: 'v1.30' },
      findings: [{ field: `${POD}.containers[0].securityContext.seLinuxOptions.type`, message: 'container buildkit sets seLinuxOptions.type container_engine_t' }],
    },
    {
      name: 'a valid pod type does not cover a container that sets a user',
      input: deployment({ securityContext: se({ type: 'container_t' }), containers: [container('app', se({ user: 'staff_u' }))] }),
      findings: [{ field: `${DEPLOY}.containers[0].securityContext.seLinuxOptions.user`, container: 'app' }],
    },
    {
      name: 'init and ephemeral containers',
      input: deployment({ initContainers: [container('init', se({ role: 'sysadm_r' }))], containers: [container('app')], ephemeralContainers: [ephemeral('debug', se({ type: 'spc_t' }))] }),
      findings: [
        { field: `${DEPLOY}.initContainers[0].securityContext.seLinuxOptions.role`, container: 'init' },
        { field: `${DEPLOY}.ephemeralContainers[0].securityContext.seLinuxOptions.type`, container: 'debug' },
      ],
    },
    {
      name: 'CronJob job template',
      input: cronJob({ containers: [container('report', se({ type: 'kernel_t' }))] }),
      findings: [{ field: `${CRON}.containers[0].securityContext.seLinuxOptions.type` }],
    },
  ],
});
