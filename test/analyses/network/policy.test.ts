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

describe('policies the API server would refuse', () => {
  const parsed = (spec: Json) => parseNetworkPolicy(resource(netpol('shop', 'p', spec)));
  const messages = (spec: Json) => parsed(spec).problems.map((p) => p.message);

  it('warn about labels that are not strings and make that selector select nothing', () => {
    const pods = parsed({ podSelector: { matchLabels: { app: 'web', tier: 2 } } });
    expect(pods.problems.map((p) => p.message)).toEqual(['spec.podSelector: matchLabels tier: 2 is not a string (quote it; the API server refuses the policy); the policy selects no pod']);
    expect(selectsLabels(pods.policy, { app: 'web', tier: '2' })).toBe(false);
    expect(selectsLabels(pods.policy, { app: 'web' })).toBe(false);
    const peer = parsed({ podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { enabled: true } } }, { namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: [2] }] } }] }] });
    expect(peer.problems.map((p) => p.message)).toEqual([
      'spec.ingress[0].from[0].podSelector: matchLabels enabled: true is not a string (quote it; the API server refuses the policy); this peer selects nothing',
      'spec.ingress[0].from[1].namespaceSelector: matchExpressions values 2 is not a string (the API server refuses the policy); this peer selects nothing',
    ]);
    expect(peer.policy.ingress[0]!.peers).toEqual([{ kind: 'invalid' }, { kind: 'invalid' }]);
    expect(messages({ podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }] }] })).toEqual([]);
  });

  it('warn about policyTypes that are not Ingress or Egress and read them as the cluster would: not at all', () => {
    const lower = parsed({ podSelector: {}, policyTypes: ['ingress', 'Egress'] });
    expect(lower.policy.affects).toEqual({ ingress: false, egress: true });
    expect(lower.problems.map((p) => p.message)).toEqual(['spec.policyTypes[0]: "ingress" is not Ingress or Egress (the API server refuses the policy; the types are case-sensitive); ignored']);
    expect(messages({ policyTypes: ['Both'] })).toEqual(['spec.policyTypes[0]: "Both" is not Ingress or Egress (the API server refuses the policy); ignored']);
    expect(messages({ policyTypes: ['Ingress', 'Egress'] })).toEqual([]);
  });

  it('warn about an ipBlock except that is not strictly inside its cidr', () => {
    const ip = (except: string[]) => messages({ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except } }] }] });
    expect(ip(['192.168.0.0/24', '10.0.0.0/16'])).toEqual([
      'spec.egress[0].to[0].ipBlock.except[0]: "192.168.0.0/24" is not strictly inside 10.0.0.0/16 (the API server refuses the policy)',
      'spec.egress[0].to[0].ipBlock.except[1]: "10.0.0.0/16" is not strictly inside 10.0.0.0/16 (the API server refuses the policy)',
    ]);
    expect(ip(['10.0.1.0/24'])).toEqual([]);
  });
});
