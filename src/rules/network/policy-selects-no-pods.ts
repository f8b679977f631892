import { isNetworkPolicy, parseNetworkPolicy } from '../../analyses/network/policy.js';
import { asObj } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { namespaceGroups, namespaceKey, selectsAnyPod } from './lib/namespace-groups.js';

export default defineRule({
  meta: {
    id: 'network/policy-selects-no-pods',
    title: 'NetworkPolicy selects no pod',
    severity: 'medium',
    pillar: 'network',
    frameworks: [{ framework: 'kube-score', id: 'networkpolicy-targets-pod' }],
    description:
      'A NetworkPolicy applies to the pods its podSelector matches in its own namespace. One that matches no pod ' +
      'template there protects nothing: usually a label that changed or was mistyped, which leaves the pods it was ' +
      'written for open while the policy suggests otherwise. The rule speaks only when the scan holds workloads ' +
      'of that namespace: without them the input may be partial. Pods carry the labels their controllers add too ' +
      '(a Job\'s job-name, each StatefulSet replica\'s statefulset.kubernetes.io/pod-name and apps.kubernetes.io/pod-index, ' +
      'the hashes of Deployments and DaemonSets, which no literal value can name). Pods created by operators from custom resources ' +
      'are not in a scan of manifests; a policy written for them is reported too.',
    remediation:
      'Correct the podSelector to the labels of the pods the policy is meant for (kubectl get pods -n NS ' +
      '--show-labels), or delete the policy when its workload is gone.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/'],
  },
  target: { kinds: ['NetworkPolicy'] },
  check(ctx) {
    const policy = ctx.resource;
    if (!isNetworkPolicy(policy)) return;
    const key = namespaceKey(policy);
    const group = namespaceGroups(ctx.inventory).get(key);
    if (!group || group.pods.length === 0 || selectsAnyPod(parseNetworkPolicy(policy).policy, group)) return;
    const { pods } = group;
    const where = key === '' ? 'the manifests without a namespace' : `namespace ${key}`;
    ctx.report({
      field: 'spec.podSelector',
      message: `NetworkPolicy ${policy.name} selects no pod: its podSelector matches none of the ${pods.length} pod ${pods.length === 1 ? 'template' : 'templates'} in ${where}, so it protects nothing`,
      evidence: { observed: asObj(policy.object.spec)?.podSelector ?? {}, expected: `the labels of a pod template in ${where}`, podTemplates: pods.length },
    });
  },
});
