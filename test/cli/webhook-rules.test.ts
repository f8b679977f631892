import { describe, expect, it } from 'vitest';
import { webhookRules } from '../../src/cli/webhook.js';
import { DEFAULT_SETTINGS } from '../../src/core/settings.js';
import { ObjectEvaluator } from '../../src/admission/object-evaluator.js';
import { createSuppressor } from '../../src/core/suppress.js';
import { RULES } from '../../src/rules/index.js';
import { parseResources } from '../helpers/rule-tester.js';

// Hardened in every way the pod template itself can say; it leaves automountServiceAccountToken to its
// ServiceAccount, which an admission request does not carry.
const POD = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: web
      securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: app
        image: shop.azurecr.io/web@sha256:${'a'.repeat(64)}
        imagePullPolicy: Always
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 200m, memory: 256Mi}}
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
`;

const NO_EXCEPTIONS = createSuppressor({ exceptions: [], allowAnnotations: true, aksManaged: true, now: new Date(), configSource: '.palisade.yaml' });

describe('the rules the webhook runs', () => {
  const rules = webhookRules(RULES, [], []);

  it('are the workload and Pod Security rules that can judge an object alone', () => {
    expect(rules.every((r) => /^(workload|pss)\//.test(r.meta.id) && r.joins === undefined)).toBe(true);
    expect(rules.map((r) => r.meta.id)).toContain('workload/privileged-container');
    expect(rules.map((r) => r.meta.id)).not.toContain('workload/automount-service-account-token');
    expect(RULES.filter((r) => r.joins !== undefined).map((r) => r.meta.id)).toEqual(
      expect.arrayContaining(['workload/automount-service-account-token', 'workload/default-service-account', 'workload/service-account-token-with-permissions']),
    );
  });

  it('leave a workload whose ServiceAccount decides the token mount unjudged on it, at every threshold', () => {
    const [pod] = parseResources(POD);
    const found = new ObjectEvaluator(rules, 'low').evaluate(pod!, DEFAULT_SETTINGS, NO_EXCEPTIONS);
    expect(found.findings.map((f) => f.rule)).toEqual([]);
    // The scan, which reads the ServiceAccount when it is in the input, still reports it when it is not.
    const scan = RULES.find((r) => r.meta.id === 'workload/automount-service-account-token')!;
    expect(new ObjectEvaluator([scan]).evaluate(pod!, DEFAULT_SETTINGS, NO_EXCEPTIONS).findings).toHaveLength(1);
  });

  it('refuse a rule asked for that needs other objects, saying why', () => {
    expect(() => webhookRules(RULES, ['workload/automount-service-account-token'], [])).toThrow(
      "the webhook does not run workload/automount-service-account-token: it needs the pod's ServiceAccount, whose automountServiceAccountToken decides when the pod spec leaves it unset, which an admission request does not carry (palisade scan does)",
    );
    expect(() => webhookRules(RULES, ['rbac/cluster-admin-bound'], [])).toThrow(/does not run rbac\/cluster-admin-bound: it judges objects other than the workloads/);
    expect(() => webhookRules(RULES, ['workload/no-such-rule'], [])).toThrow(/unknown rule/);
  });

  it('take a skip of a rule they do not run as done, and still refuse a typo', () => {
    expect(webhookRules(RULES, [], ['workload/automount-service-account-token', 'rbac/*'])).toEqual(rules);
    expect(() => webhookRules(RULES, [], ['workload/no-such-rule'])).toThrow(/unknown rule/);
  });
});
