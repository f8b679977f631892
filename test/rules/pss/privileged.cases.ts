import rule from '../../../src/rules/pss/privileged.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, documents, ephemeral, POD, pod } from './manifests.js';

export const privileged = { privileged: true };

export default ruleCases(rule, {
  valid: [
    { name: 'no securityContext', input: pod({ containers: [container('app')] }) },
    {
      name: 'privileged: false in every container kind',
      input: deployment({
        initContainers: [container('migrate', { privileged: false })],
        containers: [container('app', { privileged: false }), container('sidecar', { readOnlyRootFilesystem: true })],
        ephemeralContainers: [ephemeral('debug', { privileged: false })],
      }),
    },
    {
      name: 'privileged is not a pod-level field',
      input: pod({ securityContext: { privileged: true, runAsNonRoot: true }, containers: [container('app')] }),
    },
    {
      name: 'a Windows pod is not exempt, but this one is not privileged',
      input: pod({ os: { name: 'windows' }, containers: [container('iis', { windowsOptions: { runAsUserName: 'ContainerUser' } })] }),
    },
    { name: 'privileged: false at the oldest policy version', input: pod({ containers: [container('app', { privileged: false })] }), settings: { pssVersion: 'v1.0' } },
  ],
  invalid: [
    {
      name: 'Pod container',
      input: pod({ containers: [container('app', privileged)] }),
      findings: [{ field: `${POD}.containers[0].securityContext.privileged`, container: 'app', message: 'container app sets privileged: true', severity: 'critical' }],
    },
    {
      name: 'every container kind of a Deployment, in validation order',
      input: deployment({
        initContainers: [container('setup-net', privileged)],
        containers: [container('app'), container('agent', privileged)],
        ephemeralContainers: [ephemeral('debug', privileged)],
      }),
      findings: [
        { field: `${DEPLOY}.initContainers[0].securityContext.privileged`, container: 'setup-net' },
        { field: `${DEPLOY}.containers[1].securityContext.privileged`, container: 'agent' },
        { field: `${DEPLOY}.ephemeralContainers[0].securityContext.privileged`, container: 'debug' },
      ],
    },
    {
      name: 'CronJob job template',
      input: cronJob({ containers: [container('report', privileged)] }),
      findings: [{ field: `${CRON}.containers[0].securityContext.privileged`, container: 'report', message: 'container report sets privileged: true' }],
    },
    {
      name: 'container-level privileged is not undone by pod-level settings',
      input: pod({ securityContext: { runAsNonRoot: true, runAsUser: 1000 }, containers: [container('app', { privileged: true, runAsNonRoot: true })] }),
      findings: [{ field: `${POD}.containers[0].securityContext.privileged` }],
    },
    {
      name: 'only the privileged resource of a multi-document file',
      input: documents(pod({ containers: [container('app')] }, {}, 'web'), deployment({ containers: [container('node-agent', privileged)] }, {}, 'agent')),
      findings: [{ resource: 'Deployment/agent', container: 'node-agent' }],
    },
    {
      name: 'at the oldest policy version too',
      input: pod({ containers: [container('app', privileged)] }),
      settings: { pssVersion: 'v1.0' },
      findings: [{ field: `${POD}.containers[0].securityContext.privileged` }],
    },
  ],
});
