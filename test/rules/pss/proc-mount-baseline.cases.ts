import rule from '../../../src/rules/pss/proc-mount-baseline.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, ephemeral, POD, pod } from './manifests.js';

const unmasked = { procMount: 'Unmasked' };

export default ruleCases(rule, {
  valid: [
    { name: 'unset', input: pod({ containers: [container('app')] }) },
    { name: 'Default in every container kind', input: deployment({ initContainers: [container('init', { procMount: 'Default' })], containers: [container('app', { procMount: 'Default' })], ephemeralContainers: [ephemeral('debug', { procMount: 'Default' })] }) },
    { name: 'Unmasked in a user namespace (hostUsers: false) from v1.35', input: pod({ hostUsers: false, containers: [container('buildkit', unmasked)] }) },
    { name: 'the relaxation at v1.35 exactly', input: cronJob({ hostUsers: false, containers: [container('build', unmasked)] }), settings: { pssVersion: 'v1.35' } },
    { name: 'procMount is not a pod-level field', input: pod({ securityContext: { procMount: 'Unmasked' }, containers: [container('app')] }) },
  ],
  invalid: [
    {
      name: 'Unmasked on a Pod',
      input: pod({ containers: [container('app', unmasked)] }),
      findings: [{ field: `${POD}.containers[0].securityContext.procMount`, container: 'app', message: 'container app sets procMount Unmasked, unmasking /proc', severity: 'high' }],
    },
    {
      name: 'hostUsers: true gets no relaxation',
      input: pod({ hostUsers: true, containers: [container('app', unmasked)] }),
      findings: [{ field: `${POD}.containers[0].securityContext.procMount` }],
    },
    {
      name: 'hostUsers: false gets no relaxation before v1.35',
      input: pod({ hostUsers: false, containers: [container('buildkit', unmasked)] }),
      settings: { pssVersion: 'v1.34' },
      findings: [{ field: `${POD}.containers[0].securityContext.procMount` }],
    },
    {
      name: 'init and ephemeral containers of a Deployment',
      input: deployment({ initContainers: [container('init', unmasked)], containers: [container('app', { procMount: 'Default' })], ephemeralContainers: [ephemeral('debug', unmasked)] }),
      findings: [
        { field: `${DEPLOY}.initContainers[0].securityContext.procMount`, container: 'init' },
        { field: `${DEPLOY}.ephemeralContainers[0].securityContext.procMount`, container: 'debug' },
      ],
    },
    {
      name: 'CronJob job template',
      input: cronJob({ containers: [container('report', unmasked)] }),
      findings: [{ field: `${CRON}.containers[0].securityContext.procMount` }],
    },
    {
      name: 'any value other than Default',
      input: pod({ containers: [container('app', { procMount: 'default' })] }),
      findings: [{ field: `${POD}.containers[0].securityContext.procMount`, message: 'container app sets procMount default, unmasking /proc' }],
    },
  ],
});
