import { escapeKey } from '../../../src/core/field-path.js';
import rule from '../../../src/rules/pss/apparmor.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, CRON_META, cronJob, DEPLOY, DEPLOY_META, deployment, ephemeral, POD, POD_META, pod } from './manifests.js';

const KEY = 'container.apparmor.security.beta.kubernetes.io';
const annotations = (a: Record<string, string>) => ({ annotations: a });
const profile = (type: string, localhostProfile?: string) => ({ appArmorProfile: { type, ...(localhostProfile ? { localhostProfile } : {}) } });

export default ruleCases(rule, {
  valid: [
    { name: 'nothing set', input: pod({ containers: [container('app')] }) },
    {
      name: 'allowed annotation values',
      input: deployment({ containers: [container('app'), container('proxy'), container('agent')] }, annotations({ [`${KEY}/app`]: 'runtime/default', [`${KEY}/proxy`]: 'localhost/k8s-nginx', [`${KEY}/agent`]: '' })),
    },
    {
      name: 'allowed field types at pod and container level',
      input: pod({ securityContext: profile('RuntimeDefault'), containers: [container('app', profile('Localhost', 'k8s-apparmor-example'))], initContainers: [container('init', profile('RuntimeDefault'))] }),
    },
    {
      name: 'unconfined in an annotation of another prefix',
      input: pod({ containers: [container('app')] }, annotations({ 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined', 'example.com/apparmor': 'unconfined' })),
    },
  ],
  invalid: [
    {
      name: 'unconfined annotation on a Pod',
      input: pod({ containers: [container('app')] }, annotations({ [`${KEY}/app`]: 'unconfined' })),
      findings: [{ field: `${POD_META}.annotations.${escapeKey(`${KEY}/app`)}`, container: 'app', message: 'container app runs with AppArmor profile unconfined', severity: 'high' }],
    },
    {
      name: 'unconfined annotation on a Deployment template',
      input: deployment({ containers: [container('app')] }, annotations({ [`${KEY}/app`]: 'unconfined' })),
      findings: [{ field: `${DEPLOY_META}.annotations.${escapeKey(`${KEY}/app`)}`, container: 'app' }],
    },
    {
      name: 'unconfined annotation on a CronJob template',
      input: cronJob({ containers: [container('report')] }, annotations({ [`${KEY}/report`]: 'unconfined' })),
      findings: [{ field: `${CRON_META}.annotations.${escapeKey(`${KEY}/report`)}` }],
    },
    {
      name: 'pod-level Unconfined field',
      input: pod({ securityContext: profile('Unconfined'), containers: [container('app')] }),
      findings: [{ field: `${POD}.securityContext.appArmorProfile.type`, message: 'pod sets appArmorProfile.type Unconfined' }],
    },
    {
      name: 'annotations first, then the pod, then each container kind',
      input: deployment(
        {
          securityContext: profile('Unconfined'),
          initContainers: [container('init', profile('Unconfined'))],
          containers: [container('app', profile('RuntimeDefault')), container('agent', profile('Unconfined'))],
          ephemeralContainers: [ephemeral('debug', profile('Unconfined'))],
        },
        annotations({ [`${KEY}/app`]: 'unconfined' }),
      ),
      findings: [
        { field: `${DEPLOY_META}.annotations.${escapeKey(`${KEY}/app`)}`, container: 'app' },
        { field: `${DEPLOY}.securityContext.appArmorProfile.type` },
        { field: `${DEPLOY}.initContainers[0].securityContext.appArmorProfile.type`, container: 'init' },
        { field: `${DEPLOY}.containers[1].securityContext.appArmorProfile.type`, container: 'agent', message: 'container agent sets appArmorProfile.type Unconfined' },
        { field: `${DEPLOY}.ephemeralContainers[0].securityContext.appArmorProfile.type`, container: 'debug' },
      ],
    },
    {
      name: 'a pod-level allowed profile does not cover a container that turns it off',
      input: cronJob({ securityContext: profile('RuntimeDefault'), containers: [container('report', profile('Unconfined'))] }),
      findings: [{ field: `${CRON}.containers[0].securityContext.appArmorProfile.type` }],
    },
    {
      name: 'the field is checked at every policy version, as upstream checks it',
      input: pod({ containers: [container('app', profile('Unconfined'))] }),
      settings: { pssVersion: 'v1.0' },
      findings: [{ field: `${POD}.containers[0].securityContext.appArmorProfile.type` }],
    },
  ],
});
