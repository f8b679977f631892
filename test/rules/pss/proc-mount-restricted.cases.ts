import rule from '../../../src/rules/pss/proc-mount-restricted.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, ephemeral, POD, pod, RESTRICTED_SC } from './manifests.js';

const unmasked = { ...RESTRICTED_SC, procMount: 'Unmasked' };

export default ruleCases(rule, {
  valid: [
    { name: 'unset', input: pod({ hostUsers: false, containers: [container('app', RESTRICTED_SC)] }) },
    { name: 'Default', input: deployment({ hostUsers: false, containers: [container('app', { ...RESTRICTED_SC, procMount: 'Default' })] }) },
    {
      name: 'Unmasked without a user namespace is reported by the baseline rule, not again here',
      input: pod({ containers: [container('app', unmasked)] }),
    },
    { name: 'same with hostUsers: true', input: cronJob({ hostUsers: true, containers: [container('report', unmasked)] }) },
    { name: 'the check does not exist before v1.35', input: pod({ hostUsers: false, containers: [container('buildkit', unmasked)] }), settings: { pssVersion: 'v1.34' } },
  ],
  invalid: [
    {
      name: 'a user namespace does not relax the restricted level',
      input: pod({ hostUsers: false, containers: [container('buildkit', unmasked)] }),
      findings: [{ field: `${POD}.containers[0].securityContext.procMount`, container: 'buildkit', message: 'container buildkit sets procMount Unmasked, unmasking /proc', severity: 'medium' }],
    },
    {
      name: 'at v1.35, the first version with the check',
      input: pod({ hostUsers: false, containers: [container('buildkit', unmasked)] }),
      settings: { pssVersion: 'v1.35' },
      findings: [{ field: `${POD}.containers[0].securityContext.procMount` }],
    },
    {
      name: 'every container kind of a Deployment',
      input: deployment({ hostUsers: false, initContainers: [container('init', unmasked)], containers: [container('app', unmasked)], ephemeralContainers: [ephemeral('debug', unmasked)] }),
      findings: [
        { field: `${DEPLOY}.initContainers[0].securityContext.procMount`, container: 'init' },
        { field: `${DEPLOY}.containers[0].securityContext.procMount`, container: 'app' },
        { field: `${DEPLOY}.ephemeralContainers[0].securityContext.procMount`, container: 'debug' },
      ],
    },
    {
      name: 'CronJob job template',
      input: cronJob({ hostUsers: false, containers: [container('report', unmasked)] }),
      findings: [{ field: `${CRON}.containers[0].securityContext.procMount` }],
    },
  ],
});
