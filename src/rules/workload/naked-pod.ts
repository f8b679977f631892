import { asArray, asObj } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';

const HELM_HOOK = 'helm.sh/hook';

export default defineRule({
  meta: {
    id: 'workload/naked-pod',
    title: 'Pod has no controller',
    severity: 'low',
    pillar: 'configuration',
    frameworks: [{ framework: 'kubescape', id: 'C-0073' }],
    description:
      'A Pod created on its own, with no ownerReferences, has nothing to replace it: when its node fails, drains ' +
      'or is upgraded (AKS upgrades cordon and drain every node), the pod is gone for good. It also escapes the ' +
      'rollout history and review that a Deployment, StatefulSet, DaemonSet or Job gives, and is a common ' +
      'leftover of debugging or of an intruder.',
    remediation: 'Run the workload through a Deployment, StatefulSet, DaemonSet or Job, and delete the stand-alone Pod.',
    references: ['https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs'],
  },
  target: { kinds: ['Pod'] },
  cel: {
    validation: () => ({
      expression: `size(object.metadata.?ownerReferences.orValue([])) > 0 || '${HELM_HOOK}' in object.metadata.?annotations.orValue({})`,
    }),
  },
  check(ctx) {
    const metadata = asObj(ctx.resource.object.metadata);
    const owners = asArray(metadata?.ownerReferences);
    if (owners.length > 0) return;
    // Helm runs a hook (a chart's test pod, a pre-install step) once and deletes it itself: nothing should recreate it.
    const annotations = asObj(metadata?.annotations);
    if (annotations && Object.hasOwn(annotations, HELM_HOOK)) return;
    ctx.report({
      field: 'metadata.ownerReferences',
      message: `pod ${ctx.resource.name} has no ownerReferences: no controller recreates it`,
      evidence: { observed: null, expected: 'an owner such as a ReplicaSet, StatefulSet, DaemonSet or Job' },
    });
  },
});
