import { describe, expect, it } from 'vitest';
import { boundSubjects, EscalationGraph, escalationGraph, shortestPaths } from '../../../src/analyses/rbac/escalation.js';
import { permissionIndexOf } from '../../../src/analyses/rbac/permission-index.js';
import { Inventory } from '../../../src/core/inventory.js';
import { clusterRole, clusterRoleBinding, role, roleBinding, sa, user } from '../../rules/rbac/fixtures.js';
import { resourcesOf } from './fixture.js';

const RBAC = 'rbac.authorization.k8s.io';
const yaml =
  '\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: deployer, namespace: shop }\n' +
  role('shop', 'pods', '[{ apiGroups: [""], resources: [pods], verbs: [create] }]') +
  roleBinding('shop', 'ci-pods', 'Role', 'pods', `[${sa('shop', 'ci')}]`) +
  clusterRole('binder', `[{ apiGroups: [${RBAC}], resources: [clusterroles], verbs: [bind] }, { apiGroups: [${RBAC}], resources: [clusterrolebindings], verbs: [create] }]`) +
  clusterRoleBinding('deployer-binder', 'binder', `[${sa('shop', 'deployer')}]`);

describe('the escalation graph of an index', () => {
  it('is built once for one index and the same extra subjects, and anew for other subjects', () => {
    const inventory = new Inventory(resourcesOf(yaml));
    const index = permissionIndexOf(inventory);
    const graph = escalationGraph(index, boundSubjects(inventory));
    expect(escalationGraph(index, boundSubjects(inventory))).toBe(graph);
    const other = escalationGraph(index, [{ kind: 'User', name: 'jane' }]);
    expect(other).not.toBe(graph);
    expect(other.subjects.has('User:jane')).toBe(true);
    expect(graph.subjects.has('User:jane')).toBe(false);
  });

  it('gives the paths a graph of its own gives', () => {
    const inventory = new Inventory(resourcesOf(yaml + clusterRoleBinding('jane-binder', 'binder', `[${user('jane')}]`)));
    const index = permissionIndexOf(inventory);
    const fresh = new EscalationGraph(index, boundSubjects(inventory)).shortestPaths();
    expect(fresh.length).toBeGreaterThan(1);
    // Twice: the second answer comes from the shared graph.
    expect(shortestPaths(index, boundSubjects(inventory))).toEqual(fresh);
    expect(shortestPaths(index, boundSubjects(inventory))).toEqual(fresh);
  });
});
