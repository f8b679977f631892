import rule from '../../../src/rules/pss/seccomp-restricted.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, ephemeral, POD, pod, WINDOWS } from './manifests.js';

const seccomp = (type: string) => ({ seccompProfile: { type } });

export default ruleCases(rule, {
  valid: [
    {
      name: 'pod-level RuntimeDefault covers every container kind',
      input: deployment({ securityContext: seccomp('RuntimeDefault'), initContainers: [container('init')], containers: [container('app')], ephemeralContainers: [ephemeral('debug')] }),
    },
    { name: 'each container sets Localhost', input: pod({ containers: [container('app', { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/app.json' } }), container('proxy', seccomp('RuntimeDefault'))] }) },
    { name: 'Windows pods are exempt from v1.25', input: pod({ ...WINDOWS, containers: [container('iis')] }) },
    { name: 'the check does not exist before v1.19', input: pod({ containers: [container('app')] }), settings: { pssVersion: 'v1.18' } },
    {
      name: 'a pod-level Unconfined is reported by the baseline rule, not again here',
      input: pod({ securityContext: seccomp('Unconfined'), containers: [container('app', seccomp('RuntimeDefault'))] }),
    },
    {
      name: 'a container-level Unconfined is reported by the baseline rule, not again here',
      input: cronJob({ securityContext: seccomp('RuntimeDefault'), containers: [container('report', seccomp('Unconfined'))] }),
    },
  ],
  invalid: [
    {
      name: 'no profile anywhere',
      input: pod({ containers: [container('app')] }),
      findings: [
        { field: `${POD}.containers[0].securityContext.seccompProfile`, container: 'app', message: 'container app has no seccomp profile (neither it nor the pod sets RuntimeDefault or Localhost)', severity: 'medium' },
      ],
    },
    {
      name: 'a pod-level Unconfined covers nothing: the containers without a profile are reported',
      input: deployment({ securityContext: seccomp('Unconfined'), containers: [container('app'), container('proxy', seccomp('RuntimeDefault'))] }),
      findings: [{ field: `${DEPLOY}.containers[0].securityContext.seccompProfile`, container: 'app' }],
    },
    {
      name: 'init and ephemeral containers when only the main container sets a profile',
      input: deployment({ initContainers: [container('init')], containers: [container('app', seccomp('RuntimeDefault'))], ephemeralContainers: [ephemeral('debug')] }),
      findings: [
        { field: `${DEPLOY}.initContainers[0].securityContext.seccompProfile`, container: 'init' },
        { field: `${DEPLOY}.ephemeralContainers[0].securityContext.seccompProfile`, container: 'debug' },
      ],
    },
    {
      name: 'a profile without a type',
      input: pod({ securityContext: seccomp('RuntimeDefault'), containers: [container('app', { seccompProfile: {} })] }),
      findings: [{ field: `${POD}.containers[0].securityContext.seccompProfile.type`, message: 'container app sets seccompProfile.type (empty)' }],
    },
    {
      name: 'CronJob job template',
      input: cronJob({ containers: [container('report', { runAsNonRoot: true })] }),
      findings: [{ field: `${CRON}.containers[0].securityContext.seccompProfile` }],
    },
    {
      name: 'Windows pods are not exempt before v1.25',
      input: pod({ ...WINDOWS, containers: [container('iis')] }),
      settings: { pssVersion: 'v1.24' },
      findings: [{ field: `${POD}.containers[0].securityContext.seccompProfile` }],
    },
    {
      name: 'at v1.19, the first version with the check',
      input: pod({ containers: [container('app')] }),
      settings: { pssVersion: 'v1.19' },
      findings: [{ field: `${POD}.containers[0].securityContext.seccompProfile` }],
    },
  ],
});
