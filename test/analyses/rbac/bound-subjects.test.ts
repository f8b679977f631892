import { describe, expect, it } from 'vitest';
import { boundSubjects } from '../../../src/analyses/rbac/escalation.js';
import { Inventory } from '../../../src/core/inventory.js';
import { clusterRoleBinding, group, roleBinding, sa, user } from '../../rules/rbac/fixtures.js';
import { resourcesOf } from './fixture.js';

const yaml =
  roleBinding('shop', 'ci', 'ClusterRole', 'edit', `[${sa('shop', 'ci')}, { kind: ServiceAccount, name: local }, ${user('jane')}]`) +
  clusterRoleBinding('ops', 'view', `[${group('ops')}, ${sa('mon', 'agent')}, { kind: User }]`);

describe('the subjects the bindings of an inventory name', () => {
  it('are every subject with a name, a service account without a namespace in the namespace of its RoleBinding', () => {
    expect(boundSubjects(new Inventory(resourcesOf(yaml)))).toEqual([
      { kind: 'ServiceAccount', name: 'ci', namespace: 'shop' },
      { kind: 'ServiceAccount', name: 'local', namespace: 'shop' },
      { kind: 'User', name: 'jane' },
      { kind: 'Group', name: 'ops' },
      { kind: 'ServiceAccount', name: 'agent', namespace: 'mon' },
    ]);
  });

  it('are read once per inventory: the escalation rule and the attack paths share them', () => {
    const resources = resourcesOf(yaml);
    const inventory = new Inventory(resources);
    const subjects = boundSubjects(inventory);
    expect(boundSubjects(inventory)).toBe(subjects);
    // Another inventory has its own, though it holds the same objects.
    const other = boundSubjects(new Inventory(resources));
    expect(other).not.toBe(subjects);
    expect(other).toEqual(subjects);
    expect(boundSubjects(new Inventory(resourcesOf(clusterRoleBinding('ops', 'view', `[${group('ops')}]`))))).toEqual([{ kind: 'Group', name: 'ops' }]);
  });
});
