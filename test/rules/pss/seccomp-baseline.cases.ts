import { escapeKey } from '../../../src/core/field-path.js';
import rule from '../../../src/rules/pss/seccomp-baseline.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, DEPLOY_META, deployment, ephemeral, POD, POD_META, pod } from './manifests.js';

const seccomp = (type: string) => ({ seccompProfile: { type } });
const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const CONTAINER_ANNOTATION = 'container.seccomp.security.alpha.kubernetes.io';
export const annotations = (a: Record<string, string>) => ({ annotations: a });

export default ruleCases(rule, {
  valid: [
    { name: 'unset', input: pod({ containers: [container('app')] }) },
    {
      name: 'RuntimeDefault and Localhost at pod and container level',
      input: deployment({ securityContext: seccomp('RuntimeDefault'), containers: [container('app', { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } })], initContainers: [container('init', seccomp('RuntimeDefault'))] }),
    },
    {
      name: 'from v1.19 only the fields count, not the old annotations',
      input: pod({ containers: [container('app')] }, annotations({ [POD_ANNOTATION]: 'unconfined', [`${CONTAINER_ANNOTATION}/app`]: 'unconfined' })),
    },
    {
      name: 'before v1.19 only the annotations count, not the fields',
      input: pod({ securityContext: seccomp('Unconfined'), containers: [container('app', seccomp('Unconfined'))] }),
      settings: { pssVersion: 'v1.18' },
    },
    {
      name: 'allowed annotation values before v1.19',
      input: pod({ containers: [container('app'), container('proxy')] }, annotations({ [POD_ANNOTATION]: 'runtime/default', [`${CONTAINER_ANNOTATION}/app`]: 'docker/default', [`${CONTAINER_ANNOTATION}/proxy`]: 'localhost/profiles/proxy.json' })),
      settings: { pssVersion: 'v1.18' },
    },
  ],
  invalid: [
    {
      name: 'pod-level Unconfined',
      input: pod({ securityContext: seccomp('Unconfined'), containers: [container('app')] }),
      findings: [{ field: `${POD}.securityContext.seccompProfile.type`, message: 'pod sets seccompProfile.type Unconfined', severity: 'high' }],
    },
    {
      name: 'a container that turns seccomp off under a pod-level RuntimeDefault',
      input: deployment({ securityContext: seccomp('RuntimeDefault'), containers: [container('app'), container('strace', seccomp('Unconfined'))] }),
      findings: [{ field: `${DEPLOY}.containers[1].securityContext.seccompProfile.type`, container: 'strace', message: 'container strace sets seccompProfile.type Unconfined' }],
    },
    {
      name: 'pod, then every container kind',
      input: deployment({ securityContext: seccomp('Unconfined'), initContainers: [container('init', seccomp('Unconfined'))], containers: [container('app', seccomp('Unconfined'))], ephemeralContainers: [ephemeral('debug', seccomp('Unconfined'))] }),
      findings: [
        { field: `${DEPLOY}.securityContext.seccompProfile.type` },
        { field: `${DEPLOY}.initContainers[0].securityContext.seccompProfile.type`, container: 'init' },
        { field: `${DEPLOY}.containers[0].securityContext.seccompProfile.type`, container: 'app' },
        { field: `${DEPLOY}.ephemeralContainers[0].securityContext.seccompProfile.type`, container: 'debug' },
      ],
    },
    {
      name: 'CronJob job template',
      input: cronJob({ containers: [container('report', seccomp('Unconfined'))] }),
      findings: [{ field: `${CRON}.containers[0].securityContext.seccompProfile.type` }],
    },
    {
      name: 'pod annotation before v1.19',
      input: pod({ containers: [container('app')] }, annotations({ [POD_ANNOTATION]: 'unconfined' })),
      settings: { pssVersion: 'v1.18' },
      findings: [{ field: `${POD_META}.annotations.${escapeKey(`${POD_ANNOTATION}`)}`, message: 'pod annotation sets seccomp unconfined' }],
    },
    {
      name: 'container annotation on a Deployment template at v1.0',
      input: deployment({ containers: [container('app')] }, annotations({ [`${CONTAINER_ANNOTATION}/app`]: 'unconfined' })),
      settings: { pssVersion: 'v1.0' },
      findings: [{ field: `${DEPLOY_META}.annotations.${escapeKey(`${CONTAINER_ANNOTATION}/app`)}`, container: 'app', message: 'annotation sets seccomp unconfined for container app' }],
    },
  ],
});
