import { describe, expect, it } from 'vitest';
import { AGGREGATED_DEFAULT_ROLES, BOOTSTRAP_AGGREGATION } from '../../../src/analyses/rbac/default-roles.js';
import { BUILTIN_SUBRESOURCES, builtinSpellings } from '../../../src/analyses/rbac/resources.js';

describe('built-in resource spellings', () => {
  it('map plurals, singulars (kinds in lower case) and short names to the resource and its group', () => {
    const spellings = builtinSpellings();
    expect(spellings.get('deploy')).toEqual([{ resource: 'deployments', group: 'apps' }]);
    expect(spellings.get('ingress')).toEqual([{ resource: 'ingresses', group: 'networking.k8s.io' }]);
    expect(spellings.get('networkpolicy')).toEqual([{ resource: 'networkpolicies', group: 'networking.k8s.io' }]);
    expect(spellings.get('pods')).toEqual([{ resource: 'pods', group: '' }]);
    expect(spellings.get('crds')).toEqual([{ resource: 'customresourcedefinitions', group: 'apiextensions.k8s.io' }]);
    expect(spellings.get('deployment.apps')).toBeUndefined();
  });

  it('are built once', () => {
    expect(builtinSpellings()).toBe(builtinSpellings());
  });

  it('list the subresources besides status', () => {
    expect(BUILTIN_SUBRESOURCES.pods).toContain('exec');
    expect(BUILTIN_SUBRESOURCES.serviceaccounts).toEqual(['token']);
  });
});

describe('bootstrap aggregation', () => {
  it('rewrites admin, edit and view, the roles that gather', () => {
    expect([...AGGREGATED_DEFAULT_ROLES].sort()).toEqual(['admin', 'edit', 'view']);
    expect(BOOTSTRAP_AGGREGATION.get('edit')).toEqual({ aggregateTo: 'admin', gathers: 'edit' });
  });
});
