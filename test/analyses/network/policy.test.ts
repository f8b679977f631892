import { describe, expect, it } from 'vitest';
import { allowsEverything, isDefaultDeny, isNetworkPolicy, parseNetworkPolicy, selectsEveryPod, selectsLabels } from '../../../src/analyses/network/policy.js';
import { netpol, resource } from './fixtures.js';

type Json = Record<string, unknown>;

const policy = (spec: Json) => parseNetworkPolicy(resource(netpol('shop', 'p', spec))).policy;

describe('NetworkPolicy semantics', () => {
  it('are those of Kubernetes\' own NetworkPolicy only', () => {
    expect(isNetworkPolicy(resource(netpol('shop', 'p', {})))).toBe(true);
    expect(isNetworkPolicy(resource({ apiVersion: 'extensions/v1beta1', kind: 'NetworkPolicy', metadata: { name: 'p' } }))).toBe(true);
    expect(isNetworkPolicy(resource({ apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'p' } }))).toBe(false);
  });

  it('default policyTypes as the API server does: Ingress, and Egress when there are egress rules', () => {
    expect(policy({}).affects).toEqual({ ingress: true, egress: false });
    expect(policy({ egress: [{}] }).affects).toEqual({ ingress: true, egress: true });
    expect(policy({ policyTypes: ['Egress'], ingress: [{}] }).affects).toEqual({ ingress: false, egress: true });
  });

  it('select pods by podSelector, an absent one selecting every pod and a malformed one none', () => {
    expect(selectsEveryPod(policy({}))).toBe(true);
    expect(selectsEveryPod(policy({ podSelector: { matchLabels: {} } }))).toBe(true);
    expect(selectsLabels(policy({ podSelector: { matchLabels: { app: 'web' } } }), { app: 'web', tier: 'front' })).toBe(true);
    expect(selectsLabels(policy({ podSelector: { matchLabels: { app: 'web' } } }), { app: 'api' })).toBe(false);
    const malformed = policy({ podSelector: 'app=web' });
    expect(selectsEveryPod(malformed)).toBe(false);
    expect(selectsLabels(malformed, {})).toBe(false);
  });

  it('tell a default deny and a rule that allows everything', () => {
    expect(isDefaultDeny(policy({ podSelector: {} }), 'ingress')).toBe(true);
    expect(isDefaultDeny(policy({ podSelector: {} }), 'egress')).toBe(false);
    expect(isDefaultDeny(policy({ podSelector: {}, policyTypes: ['Egress'] }), 'egress')).toBe(true);
    expect(isDefaultDeny(policy({ podSelector: { matchLabels: { app: 'web' } } }), 'ingress')).toBe(false);
    expect(allowsEverything(policy({ ingress: [{}] }), 'ingress')).toBe(true);
    expect(allowsEverything(policy({ ingress: [{ ports: [{ port: 80 }] }] }), 'ingress')).toBe(false);
    expect(allowsEverything(policy({ ingress: [{ from: [{ podSelector: {} }] }] }), 'ingress')).toBe(false);
    // A mapping where the list of peers belongs is a slip, not "from anywhere".
    expect(allowsEverything(policy({ ingress: [{ from: { podSelector: {} } }] }), 'ingress')).toBe(false);
  });
});
