import { describe, expect, it } from 'vitest';
import { Inventory } from '../../../src/core/inventory.js';
import { ReachabilityModel } from '../../../src/analyses/network/reachability-model.js';
import { unlabelledNamespacesWarning } from '../../../src/analyses/network/unlabelled-namespaces.js';
import { deployment, namespace, netpol, resource, type Json } from './fixtures.js';

function warning(...objects: Json[]) {
  const inventory = new Inventory(objects.map((o, i) => resource(o, i + 1)));
  const model = new ReachabilityModel(inventory);
  return unlabelledNamespacesWarning(inventory, model.groups.map((g) => g.namespace), model.policies);
}

const byTeam = netpol('api', 'from-frontend', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'frontend' } } }] }] });
const byName = netpol('api', 'from-web', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } } }] }] });
const byExpression = netpol('api', 'not-sandbox', { podSelector: {}, egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['sandbox'] }] } }] }] });
const samePodsOnly = netpol('api', 'same-namespace', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] });
const api = deployment('api', 'api', { app: 'api' });
const web = deployment('web', 'web', { app: 'web' });

describe('the warning for namespaces selected by label that the input has no Namespace object for', () => {
  it('names the policy, the labels it tests and the namespaces with pods whose labels are unknown', () => {
    const w = warning(byTeam, api, web);
    expect(w).toEqual({
      source: 'fixture.yaml',
      line: 1,
      message:
        'NetworkPolicy api/from-frontend selects namespaces by label team, but namespaces api, web have pods and no Namespace object in the input: ' +
        'only their kubernetes.io/metadata.name label is known, and the answers take them to have no other label (add the Namespace manifests, or read the cluster with --cluster)',
    });
  });

  it('counts matchExpressions keys, and names only the namespaces without an object', () => {
    expect(warning(byExpression, api, web, namespace('api', { env: 'prod' }))?.message).toMatch(/by label env, but namespace web has pods and no Namespace object in the input: only its /);
  });

  it('says nothing when every namespace with pods has its object', () => {
    expect(warning(byTeam, api, web, namespace('api'), namespace('web', { team: 'frontend' }))).toBeUndefined();
  });

  it('says nothing when the selectors test only the name, which every namespace has, or select no namespace', () => {
    expect(warning(byName, api, web)).toBeUndefined();
    expect(warning(samePodsOnly, api, web)).toBeUndefined();
  });
});
