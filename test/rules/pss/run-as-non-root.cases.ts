import rule from '../../../src/rules/pss/run-as-non-root.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, ephemeral, POD, pod, WINDOWS } from './manifests.js';

const nonRoot = { runAsNonRoot: true };
const mayBeRoot = { runAsNonRoot: false };

export default ruleCases(rule, {
  valid: [
    {
      name: 'pod-level true covers every container kind',
      input: deployment({ securityContext: { runAsNonRoot: true, runAsUser: 10001 }, initContainers: [container('migrate')], containers: [container('app'), container('proxy', { readOnlyRootFilesystem: true })], ephemeralContainers: [ephemeral('debug')] }),
    },
    { name: 'each container sets true', input: pod({ initContainers: [container('init', nonRoot)], containers: [container('app', nonRoot)] }) },
    { name: 'container true overrides pod unset', input: cronJob({ securityContext: { fsGroup: 2000 }, containers: [container('report', nonRoot)] }) },
    { name: 'a user namespace (hostUsers: false) skips the check from v1.35', input: pod({ hostUsers: false, containers: [container('app')] }) },
    { name: 'even when a container sets false', input: pod({ hostUsers: false, containers: [container('app', mayBeRoot)] }), settings: { pssVersion: 'v1.35' } },
  ],
  invalid: [
    {
      name: 'nothing set on a Pod: one finding per container',
      input: pod({ containers: [container('app'), container('proxy')] }),
      findings: [
        { field: `${POD}.containers[0].securityContext.runAsNonRoot`, container: 'app', message: 'container app may run as root: neither it nor the pod sets runAsNonRoot: true', severity: 'medium' },
        { field: `${POD}.containers[1].securityContext.runAsNonRoot`, container: 'proxy' },
      ],
    },
    {
      name: 'a non-root runAsUser is said, not called root: what is missing is the refusal of root',
      input: pod({ securityContext: { runAsUser: 1000 }, containers: [container('reviews'), container('proxy', { runAsUser: 0 })] }),
      findings: [
        { container: 'reviews', message: 'container reviews runs as user 1000, but neither it nor the pod sets runAsNonRoot: true, so nothing refuses root if runAsUser is dropped' },
        { container: 'proxy', message: 'container proxy may run as root: neither it nor the pod sets runAsNonRoot: true' },
      ],
    },
    {
      name: 'a container that sets false overrides pod-level true',
      input: pod({ securityContext: nonRoot, containers: [container('app'), container('legacy', mayBeRoot)] }),
      findings: [{ field: `${POD}.containers[1].securityContext.runAsNonRoot`, container: 'legacy', message: 'container legacy sets runAsNonRoot: false' }],
    },
    {
      name: 'pod-level false with every container setting true: the pod field alone',
      input: deployment({ securityContext: mayBeRoot, containers: [container('app', nonRoot)] }),
      findings: [{ field: `${DEPLOY}.securityContext.runAsNonRoot`, message: 'pod sets runAsNonRoot: false' }],
    },
    {
      name: 'pod-level false and a container that does not set it',
      input: deployment({ securityContext: mayBeRoot, containers: [container('app', nonRoot), container('sidecar')] }),
      findings: [{ field: `${DEPLOY}.securityContext.runAsNonRoot` }, { field: `${DEPLOY}.containers[1].securityContext.runAsNonRoot`, container: 'sidecar' }],
    },
    {
      name: 'init and ephemeral containers are not covered by a main container',
      input: deployment({ initContainers: [container('migrate')], containers: [container('app', nonRoot)], ephemeralContainers: [ephemeral('debug')] }),
      findings: [
        { field: `${DEPLOY}.initContainers[0].securityContext.runAsNonRoot`, container: 'migrate' },
        { field: `${DEPLOY}.ephemeralContainers[0].securityContext.runAsNonRoot`, container: 'debug' },
      ],
    },
    {
      name: 'CronJob job template',
      input: cronJob({ containers: [container('report', { runAsUser: 1000 })] }),
      findings: [{ field: `${CRON}.containers[0].securityContext.runAsNonRoot`, container: 'report' }],
    },
    {
      name: 'hostUsers: false is not a relaxation before v1.35',
      input: pod({ hostUsers: false, containers: [container('app')] }),
      settings: { pssVersion: 'v1.34' },
      findings: [{ field: `${POD}.containers[0].securityContext.runAsNonRoot` }],
    },
    {
      name: 'Windows pods are not exempt',
      input: pod({ ...WINDOWS, containers: [container('iis')] }),
      findings: [{ field: `${POD}.containers[0].securityContext.runAsNonRoot` }],
    },
    {
      name: 'at the oldest policy version',
      input: pod({ containers: [container('app')] }),
      settings: { pssVersion: 'v1.0' },
      findings: [{ field: `${POD}.containers[0].securityContext.runAsNonRoot` }],
    },
  ],
});
