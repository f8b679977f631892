import { defineRule } from '../../core/rule.js';
import { podLabels } from '../../core/workload.js';
import { projectsServiceAccountToken, TOKEN_MOUNT_CEL_UNSUPPORTED, TOKEN_MOUNT_JOINS, tokenMount } from './service-account.js';

export default defineRule({
  meta: {
    id: 'workload/default-service-account',
    title: 'Workload runs as the namespace\'s default ServiceAccount',
    severity: 'low',
    pillar: 'configuration',
    frameworks: [
      { framework: 'kubescape', id: 'C-0189' },
      { framework: 'cis-aks', id: '4.1.5' },
    ],
    description:
      'Every pod that names no ServiceAccount shares the namespace\'s `default` one. Any permission granted to it, ' +
      'by RBAC or by an Azure workload identity federated with it, is granted to all of those pods at once, and ' +
      'audit logs cannot tell them apart.',
    remediation:
      'Create a ServiceAccount per workload, set serviceAccountName to it and grant it only what the workload needs. ' +
      'Set automountServiceAccountToken: false on each namespace\'s default ServiceAccount.',
    references: [
      'https://kubernetes.io/docs/concepts/security/service-accounts/',
      'https://learn.microsoft.com/azure/aks/workload-identity-overview',
    ],
  },
  target: { pods: true },
  cel: { unsupported: TOKEN_MOUNT_CEL_UNSUPPORTED },
  joins: TOKEN_MOUNT_JOINS,
  check(ctx) {
    const pod = ctx.pod();
    if (!pod) return;
    const t = tokenMount(pod, ctx.inventory);
    const sa = t.serviceAccount;
    if (sa.name !== 'default') return;
    // CIS 4.1.5 accepts a default ServiceAccount that hands out no credential: a pod that gets no token
    // (and no Azure workload identity) from it does not use it for anything.
    const workloadIdentity = podLabels(pod)['azure.workload.identity/use'] === 'true';
    const uses = t.mounted ? 'its token is mounted' : projectsServiceAccountToken(pod) ? 'it projects its token' : workloadIdentity ? 'it uses Azure workload identity' : '';
    if (uses === '') return;
    const observed =
      sa.via === 'unset' ? 'serviceAccountName unset' : sa.via === 'serviceAccount' ? 'serviceAccount: default (deprecated field)' : 'serviceAccountName: default';
    ctx.report({
      field: sa.field,
      message: `pod runs as the namespace's default ServiceAccount (${observed}) and ${uses}`,
      evidence: { observed, expected: 'serviceAccountName: a ServiceAccount dedicated to this workload' },
    });
  },
});
