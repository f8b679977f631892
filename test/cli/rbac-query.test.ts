import { describe, expect, it } from 'vitest';
import { parseResourceArg, resolveQuery } from '../../src/cli/rbac.js';
import { indexOf } from '../analyses/rbac/fixture.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: certificates.cert-manager.io}
spec:
  group: cert-manager.io
  scope: Namespaced
  names: {plural: certificates, singular: certificate, kind: Certificate, shortNames: [cert]}
  versions: [{name: v1, subresources: {status: {}}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: widgets}
rules: [{apiGroups: [example.com], resources: [widgets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: widgets}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: widgets}
subjects: [{kind: User, name: ann}]
`;
const index = indexOf(CRD);

function ask(verb: string, resource: string, opts: { namespace?: string; name?: string } = {}) {
  return resolveQuery(parseResourceArg(verb, resource, opts), index);
}

describe('who-can: kubectl spellings of the resource', () => {
  it('resolves singular, any case, short names and kinds to the resource RBAC rules name, silently', () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['secret', 'secrets', undefined],
      ['Secrets', 'secrets', undefined],
      ['po', 'pods', undefined],
      ['sa', 'serviceaccounts', undefined],
      ['deploy', 'deployments', undefined],
      ['Deployment.apps', 'deployments', 'apps'],
      ['cert', 'certificates', undefined],
    ];
    for (const [text, resource, apiGroup] of cases) {
      const { query, warnings } = ask('get', text);
      expect(query.resource, text).toBe(resource);
      expect(query.apiGroup, text).toBe(apiGroup);
      expect(warnings, text).toEqual([]);
    }
  });

  it('reads RESOURCE.VERSION.GROUP as kubectl does', () => {
    expect(parseResourceArg('get', 'deployments.v1.apps', {})).toEqual({ verb: 'get', resource: 'deployments', apiGroup: 'apps' });
    expect(parseResourceArg('get', 'certificates.v1beta1.cert-manager.io', {})).toEqual({ verb: 'get', resource: 'certificates', apiGroup: 'cert-manager.io' });
    // Two parts are RESOURCE.GROUP, whatever the group looks like.
    expect(parseResourceArg('get', 'widgets.v1', {})).toEqual({ verb: 'get', resource: 'widgets', apiGroup: 'v1' });
  });

  it('resolves the case of a known subresource', () => {
    const { query, warnings } = ask('create', 'pods/Exec');
    expect(query).toEqual({ verb: 'create', resource: 'pods', subresource: 'exec' });
    expect(warnings).toEqual([]);
  });

  it('warns of TYPE/NAME read as a subresource, and suggests --name', () => {
    const { query, warnings } = ask('get', 'secrets/db-password', { namespace: 'shop' });
    expect(query).toEqual({ verb: 'get', resource: 'secrets', subresource: 'db-password', namespace: 'shop' });
    expect(warnings).toEqual([
      'secrets has no subresource "db-password": secrets/db-password asks about that subresource; to ask about the object named db-password, give secrets --name db-password',
    ]);
    expect(ask('get', 'secrets/db-password', { name: 'x' }).warnings).toEqual(['secrets has no subresource "db-password": only rules naming secrets/db-password or */db-password match it']);
  });

  it('warns of an unknown verb or resource, with the nearest known one', () => {
    expect(ask('gett', 'secrets').warnings).toEqual([
      'unknown verb "gett" (did you mean get?): the API server asks get, list, watch, create, update, patch, delete, deletecollection, bind, escalate, impersonate, approve, sign, attest, use; only rules naming this verb or * match it',
    ]);
    expect(ask('GET', 'pods').warnings[0]).toMatch(/^unknown verb "GET" \(did you mean get\?\)/);
    expect(ask('get', 'secrts').warnings).toEqual([
      'unknown resource "secrts" (did you mean secrets?): no built-in resource or CustomResourceDefinition of the input has this name; only rules naming it or * match it',
    ]);
    expect(ask('post', '/healthz').warnings).toEqual([]);
    expect(ask('escalate', '/healthz').warnings[0]).toMatch(/^unknown verb "escalate": a non-resource URL is asked with get, post/);
  });

  it('takes a resource some rule of the input names as it is, and * as every resource', () => {
    expect(ask('get', 'widgets')).toEqual({ query: { verb: 'get', resource: 'widgets' }, warnings: [] });
    expect(ask('*', '*')).toEqual({ query: { verb: '*', resource: '*' }, warnings: [] });
  });
});
