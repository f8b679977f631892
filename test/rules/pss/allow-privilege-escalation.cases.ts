import rule from '../../../src/rules/pss/allow-privilege-escalation.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, ephemeral, LINUX, POD, pod, WINDOWS } from './manifests.js';

const noEscalation = { allowPrivilegeEscalation: false };

export default ruleCases(rule, {
  valid: [
    {
      name: 'false on every container kind',
      input: deployment({ initContainers: [container('init', noEscalation)], containers: [container('app', noEscalation)], ephemeralContainers: [ephemeral('debug', noEscalation)] }),
    },
    { name: 'Windows pods are exempt from v1.25', input: pod({ ...WINDOWS, containers: [container('iis')] }) },
    { name: 'even when a container sets true', input: cronJob({ ...WINDOWS, containers: [container('iis', { allowPrivilegeEscalation: true })] }), settings: { pssVersion: 'v1.25' } },
    { name: 'the check does not exist before v1.8', input: pod({ containers: [container('app')] }), settings: { pssVersion: 'v1.7' } },
  ],
  invalid: [
    {
      name: 'unset',
      input: pod({ containers: [container('app')] }),
      findings: [{ field: `${POD}.containers[0].securityContext.allowPrivilegeEscalation`, container: 'app', message: 'container app does not set allowPrivilegeEscalation: false', severity: 'medium' }],
    },
    {
      name: 'true',
      input: pod({ containers: [container('app', { allowPrivilegeEscalation: true })] }),
      findings: [{ field: `${POD}.containers[0].securityContext.allowPrivilegeEscalation`, message: 'container app sets allowPrivilegeEscalation: true' }],
    },
    {
      name: 'it is not a pod-level field',
      input: deployment({ securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true }, containers: [container('app')] }),
      findings: [{ field: `${DEPLOY}.containers[0].securityContext.allowPrivilegeEscalation` }],
    },
    {
      name: 'init and ephemeral containers',
      input: deployment({ initContainers: [container('init')], containers: [container('app', noEscalation)], ephemeralContainers: [ephemeral('debug', { privileged: false })] }),
      findings: [
        { field: `${DEPLOY}.initContainers[0].securityContext.allowPrivilegeEscalation`, container: 'init' },
        { field: `${DEPLOY}.ephemeralContainers[0].securityContext.allowPrivilegeEscalation`, container: 'debug' },
      ],
    },
    {
      name: 'CronJob job template',
      input: cronJob({ containers: [container('report', { runAsNonRoot: true })] }),
      findings: [{ field: `${CRON}.containers[0].securityContext.allowPrivilegeEscalation` }],
    },
    {
      name: 'Windows pods are not exempt before v1.25',
      input: pod({ ...WINDOWS, containers: [container('iis')] }),
      settings: { pssVersion: 'v1.24' },
      findings: [{ field: `${POD}.containers[0].securityContext.allowPrivilegeEscalation` }],
    },
    {
      name: 'os.name linux gets no exemption',
      input: pod({ ...LINUX, containers: [container('app')] }),
      findings: [{ field: `${POD}.containers[0].securityContext.allowPrivilegeEscalation` }],
    },
    {
      name: 'at v1.8, the first version with the check',
      input: pod({ containers: [container('app')] }),
      settings: { pssVersion: 'v1.8' },
      findings: [{ field: `${POD}.containers[0].securityContext.allowPrivilegeEscalation` }],
    },
  ],
});
