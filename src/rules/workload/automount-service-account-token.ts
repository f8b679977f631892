import { defineRule } from '../../core/rule.js';
import { AUTOMOUNT_TOKEN_FRAMEWORKS, TOKEN_MOUNT_CEL_UNSUPPORTED, TOKEN_MOUNT_JOINS, tokenMount } from './service-account.js';
import { bindingsFor } from './service-account-token-with-permissions.js';

/**
 * What to do about a token whose ServiceAccount RBAC grants something: the workload likely calls the API,
 * so turning the token off would break it. Empty when no binding in the input names the ServiceAccount.
 */
function adviceForBoundAccount(bindings: number, namespace: string, sa: string): string {
  if (bindings === 0) return '';
  return (
    `; ${bindings === 1 ? 'a binding grants' : `${bindings} bindings grant`} ServiceAccount ${namespace}/${sa} permissions, so the workload likely ` +
    'calls the API: rather than turning the token off, keep its RBAC to what the workload needs, or mount a projected ' +
    'token with a short expirationSeconds in the containers that call the API only'
  );
}

export default defineRule({
  meta: {
    id: 'workload/automount-service-account-token',
    title: 'Pod gets a ServiceAccount token it may not need',
    severity: 'medium',
    pillar: 'configuration',
    frameworks: [...AUTOMOUNT_TOKEN_FRAMEWORKS],
    description:
      'Unless told otherwise, Kubernetes mounts a token for the pod\'s ServiceAccount into every container. Most ' +
      'applications never call the Kubernetes API, but anyone who gets code execution in the container can read ' +
      'the token and act with the ServiceAccount\'s permissions. When a RoleBinding or ClusterRoleBinding in the ' +
      'input grants the ServiceAccount a role, workload/service-account-token-with-permissions reports the token ' +
      'with those permissions and carries this rule\'s references; this rule leaves the pod to it. Run alone, it ' +
      'words its finding for such a ServiceAccount as one the workload likely needs.',
    remediation:
      'Set automountServiceAccountToken: false in the pod spec (or on the ServiceAccount, for every pod using it). ' +
      'A pod that needs the API (its ServiceAccount holds bindings) should keep the token but use a dedicated ' +
      'ServiceAccount with least-privilege RBAC, or mount a projected token with a short expirationSeconds in ' +
      'the containers that call the API only.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
      'https://learn.microsoft.com/azure/aks/operator-best-practices-cluster-security',
    ],
  },
  target: { pods: true },
  // When RBAC grants the ServiceAccount something, the other rule says what this one says and more.
  supersedes: ['workload/service-account-token-with-permissions'],
  cel: { unsupported: TOKEN_MOUNT_CEL_UNSUPPORTED },
  joins: TOKEN_MOUNT_JOINS,
  check(ctx) {
    const pod = ctx.pod();
    if (!pod) return;
    const t = tokenMount(pod, ctx.inventory);
    if (!t.mounted) return;
    const sa = t.serviceAccount.name;
    const namespace = ctx.resource.namespace ?? 'default';
    const bound = adviceForBoundAccount(bindingsFor(ctx.inventory, namespace, sa).length, namespace, sa);
    const expected = bound
      ? 'least-privilege RBAC for the ServiceAccount, or a short-lived projected token in the containers that call the API'
      : 'automountServiceAccountToken: false in the pod spec or on the ServiceAccount';
    switch (t.reason) {
      case 'pod-true':
        ctx.report({
          field: t.field,
          message: `pod spec sets automountServiceAccountToken: true: every container gets a token of ServiceAccount ${sa}${bound}`,
          evidence: { observed: 'automountServiceAccountToken: true', expected: bound ? expected : 'automountServiceAccountToken: false' },
        });
        return;
      case 'sa-allows': {
        const saValue = t.serviceAccountObject?.object.automountServiceAccountToken;
        const saSays = saValue === true ? 'sets automountServiceAccountToken: true' : 'does not set automountServiceAccountToken: false';
        ctx.report({
          field: t.field,
          message: `pod does not set automountServiceAccountToken and its ServiceAccount ${sa} ${saSays}: the token is mounted${bound}`,
          evidence: { observed: `unset in the pod; ServiceAccount ${sa} ${saSays}`, expected },
        });
        return;
      }
      case 'sa-missing':
        ctx.report({
          field: t.field,
          message:
            `pod does not set automountServiceAccountToken and ServiceAccount ${sa} is not in the scanned input: ` +
            `the token is mounted unless that ServiceAccount sets automountServiceAccountToken: false${bound}`,
          evidence: { observed: `unset in the pod; ServiceAccount ${sa} not in the input (the API default mounts)`, expected },
        });
        return;
      default:
        return;
    }
  },
});
