import { defineRule } from '../../core/rule.js';
import { TOKEN_MOUNT_CEL_UNSUPPORTED, TOKEN_MOUNT_JOINS, tokenMount } from './service-account.js';

export default defineRule({
  meta: {
    id: 'workload/automount-service-account-token',
    title: 'Pod gets a ServiceAccount token it may not need',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: [
      { framework: 'kubescape', id: 'C-0034' },
      { framework: 'kubescape', id: 'C-0190' },
      { framework: 'trivy', id: 'KSV036' },
      { framework: 'checkov', id: 'CKV_K8S_38' },
      { framework: 'cis-aks', id: '4.1.6' },
      { framework: 'mitre', id: 'T1528' },
    ],
    description:
      'Unless told otherwise, Kubernetes mounts a token for the pod\'s ServiceAccount into every container. Most ' +
      'applications never call the Kubernetes API, but anyone who gets code execution in the container can read ' +
      'the token and act with the ServiceAccount\'s permissions.',
    remediation:
      'Set automountServiceAccountToken: false in the pod spec (or on the ServiceAccount, for every pod using it). ' +
      'A pod that needs the API should use a dedicated ServiceAccount with least-privilege RBAC, or project a ' +
      'short-lived token with a specific audience through a projected volume.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
      'https://learn.microsoft.com/azure/aks/operator-best-practices-cluster-security',
    ],
  },
  target: { pods: true },
  cel: { unsupported: TOKEN_MOUNT_CEL_UNSUPPORTED },
  joins: TOKEN_MOUNT_JOINS,
  check(ctx) {
    const pod = ctx.pod();
    if (!pod) return;
    const t = tokenMount(pod, ctx.inventory);
    if (!t.mounted) return;
    const sa = t.serviceAccount.name;
    const expected = 'automountServiceAccountToken: false in the pod spec or on the ServiceAccount';
    switch (t.reason) {
      case 'pod-true':
        ctx.report({
          field: t.field,
          message: `pod spec sets automountServiceAccountToken: true: every container gets a token of ServiceAccount ${sa}`,
          evidence: { observed: 'automountServiceAccountToken: true', expected: 'automountServiceAccountToken: false' },
        });
        return;
      case 'sa-allows': {
        const saValue = t.serviceAccountObject?.object.automountServiceAccountToken;
        const saSays = saValue === true ? 'sets automountServiceAccountToken: true' : 'does not set automountServiceAccountToken: false';
        ctx.report({
          field: t.field,
          message: `pod does not set automountServiceAccountToken and its ServiceAccount ${sa} ${saSays}: the token is mounted`,
          evidence: { observed: `unset in the pod; ServiceAccount ${sa} ${saSays}`, expected },
        });
        return;
      }
      case 'sa-missing':
        ctx.report({
          field: t.field,
          message:
            `pod does not set automountServiceAccountToken and ServiceAccount ${sa} is not in the scanned input: ` +
            'the token is mounted unless that ServiceAccount sets automountServiceAccountToken: false',
          evidence: { observed: `unset in the pod; ServiceAccount ${sa} not in the input (the API default mounts)`, expected },
        });
        return;
      default:
        return;
    }
  },
});
