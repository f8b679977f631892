import rule from '../../../src/rules/pss/run-as-user.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, ephemeral, POD, pod } from './manifests.js';

const root = { runAsUser: 0 };

export default ruleCases(rule, {
  valid: [
    { name: 'unset', input: pod({ containers: [container('app')] }) },
    { name: 'non-zero UIDs at pod and container level', input: deployment({ securityContext: { runAsUser: 10001 }, containers: [container('app', { runAsUser: 1000 })], initContainers: [container('init', { runAsUser: 65534 })] }) },
    { name: 'runAsGroup 0 is not runAsUser', input: pod({ securityContext: { runAsUser: 1000, runAsGroup: 0, fsGroup: 0 }, containers: [container('app')] }) },
    { name: 'the check does not exist before v1.23', input: pod({ securityContext: root, containers: [container('app', root)] }), settings: { pssVersion: 'v1.22' } },
    { name: 'a user namespace (hostUsers: false) skips the check from v1.35', input: cronJob({ hostUsers: false, securityContext: root, containers: [container('report', root)] }) },
  ],
  invalid: [
    {
      name: 'pod-level root',
      input: pod({ securityContext: root, containers: [container('app')] }),
      findings: [{ field: `${POD}.securityContext.runAsUser`, message: 'pod sets runAsUser: 0 (root)', severity: 'high' }],
    },
    {
      name: 'pod-level root is reported even when every container overrides it',
      input: deployment({ securityContext: root, containers: [container('app', { runAsUser: 1000 })] }),
      findings: [{ field: `${DEPLOY}.securityContext.runAsUser` }],
    },
    {
      name: 'every container kind',
      input: deployment({ initContainers: [container('chown', root)], containers: [container('app', root)], ephemeralContainers: [ephemeral('debug', root)] }),
      findings: [
        { field: `${DEPLOY}.initContainers[0].securityContext.runAsUser`, container: 'chown' },
        { field: `${DEPLOY}.containers[0].securityContext.runAsUser`, container: 'app', message: 'container app sets runAsUser: 0 (root)' },
        { field: `${DEPLOY}.ephemeralContainers[0].securityContext.runAsUser`, container: 'debug' },
      ],
    },
    {
      name: 'pod and container both',
      input: cronJob({ securityContext: root, containers: [container('report', root)] }),
      findings: [{ field: `${CRON}.securityContext.runAsUser` }, { field: `${CRON}.containers[0].securityContext.runAsUser`, container: 'report' }],
    },
    {
      name: 'at v1.23, the first version with the check',
      input: pod({ containers: [container('app', root)] }),
      settings: { pssVersion: 'v1.23' },
      findings: [{ field: `${POD}.containers[0].securityContext.runAsUser` }],
    },
    {
      name: 'hostUsers: false is not a relaxation before v1.35',
      input: pod({ hostUsers: false, containers: [container('app', root)] }),
      settings: { pssVersion: 'v1.34' },
      findings: [{ field: `${POD}.containers[0].securityContext.runAsUser` }],
    },
    {
      name: 'runAsNonRoot: true does not excuse runAsUser: 0',
      input: pod({ securityContext: { runAsNonRoot: true }, containers: [container('app', root)] }),
      findings: [{ field: `${POD}.containers[0].securityContext.runAsUser` }],
    },
  ],
});
