import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import { Inventory } from '../../../src/core/inventory.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import { RULES } from '../../../src/rules/index.js';
import { parseResources } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, roleBinding, sa, user } from './fixtures.js';

const RBAC_RULES = RULES.filter((r) => r.meta.id.startsWith('rbac/'));
const ALL = '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]';

function rulesReported(yaml: string): string[] {
  const { findings } = evaluate(RBAC_RULES, new Inventory(parseResources(yaml)), DEFAULT_SETTINGS);
  return findings.map((f) => `${f.rule} ${f.field ?? ''}`).sort();
}

describe('rbac rules on one grant', () => {
  it('report cluster-admin once, not each right it includes', () => {
    expect(rulesReported(clusterRole('cluster-admin', ALL) + clusterRoleBinding('ops', 'cluster-admin', `[${user('ann')}]`))).toEqual(['rbac/cluster-admin-bound subjects[0]']);
  });

  it('report each right of a namespace admin, which cluster-admin-bound does not cover', () => {
    const found = rulesReported(clusterRole('cluster-admin', ALL) + roleBinding('shop', 'ops', 'ClusterRole', 'cluster-admin', `[${user('ann')}]`));
    expect(found).toContain('rbac/wildcard-permission subjects[0]');
    expect(found).toContain('rbac/can-read-secrets subjects[0]');
    expect(found).not.toContain('rbac/cluster-admin-bound subjects[0]');
  });
});

describe('rbac rules on the bootstrap policy', () => {
  // kube-controller-manager runs each controller as a kube-system ServiceAccount, bound at start-up.
  const controllers =
    clusterRole('system:controller:replicaset-controller', '[{ apiGroups: [""], resources: [pods], verbs: [create, delete, list, watch] }]') +
    clusterRoleBinding('system:controller:replicaset-controller', 'system:controller:replicaset-controller', `[${sa('kube-system', 'replicaset-controller')}]`, 'kubernetes.io/bootstrapping: rbac-defaults') +
    clusterRole('system:controller:generic-garbage-collector', '[{ apiGroups: ["*"], resources: ["*"], verbs: [delete, get, list, patch, update, watch] }]') +
    clusterRoleBinding('system:controller:generic-garbage-collector', 'system:controller:generic-garbage-collector', `[${sa('kube-system', 'generic-garbage-collector')}]`, 'kubernetes.io/bootstrapping: rbac-defaults') +
    clusterRole('system:controller:clusterrole-aggregation-controller', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, get, list, patch, update, watch] }]') +
    clusterRoleBinding('system:controller:clusterrole-aggregation-controller', 'system:controller:clusterrole-aggregation-controller', `[${sa('kube-system', 'clusterrole-aggregation-controller')}]`, 'kubernetes.io/bootstrapping: rbac-defaults');

  it('leave the controllers of the control plane alone', () => {
    expect(rulesReported(controllers)).toEqual([]);
  });

  it('know them by binding name, role and subject, not by the label anyone can set', () => {
    const unlabelled = controllers.replaceAll('labels: { kubernetes.io/bootstrapping: rbac-defaults }', 'labels: {}');
    expect(rulesReported(unlabelled)).toEqual([]);
  });

  it('still report anyone else added to a bootstrap binding, and the same grants outside one', () => {
    const tampered = controllers.replace(`[${sa('kube-system', 'replicaset-controller')}]`, `[${sa('kube-system', 'replicaset-controller')}, ${sa('shop', 'ci')}]`);
    expect(rulesReported(tampered)).toContain('rbac/can-create-pods subjects[1]');
    // The same labelled bindings under names of their own.
    const renamed = controllers.replaceAll('kind: ClusterRoleBinding\nmetadata: { name: system:controller:', 'kind: ClusterRoleBinding\nmetadata: { name: ops:');
    expect(renamed).not.toBe(controllers);
    expect(rulesReported(renamed)).toEqual(expect.arrayContaining(['rbac/can-create-pods subjects[0]', 'rbac/wildcard-permission subjects[0]', 'rbac/can-escalate-or-bind subjects[0]']));
  });
});
