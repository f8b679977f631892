import { describe, expect, it } from 'vitest';
import { findAttackPaths } from '../../../src/cli/paths.js';
import type { AttackPath } from '../../../src/core/report.js';
import { inventoryOf } from './estate.js';

/** Azure Policy's Gatekeeper as the add-on installs it: its service account reads every Secret. */
const gatekeeper = `
apiVersion: v1
kind: ServiceAccount
metadata: { name: gatekeeper-admin, namespace: gatekeeper-system, labels: { addonmanager.kubernetes.io/mode: Reconcile } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: gatekeeper-controller, namespace: gatekeeper-system, labels: { addonmanager.kubernetes.io/mode: Reconcile } }
spec:
  selector: { matchLabels: { control-plane: controller-manager } }
  template:
    metadata: { labels: { control-plane: controller-manager } }
    spec:
      serviceAccountName: gatekeeper-admin
      containers: [{ name: manager, image: mcr.microsoft.com/oss/open-policy-agent/gatekeeper:v3.18.2 }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: gatekeeper-manager-role, labels: { addonmanager.kubernetes.io/mode: Reconcile } }
rules: [{ apiGroups: [""], resources: [secrets], verbs: [get, list, watch] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: gatekeeper-manager-rolebinding, labels: { addonmanager.kubernetes.io/mode: Reconcile } }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: gatekeeper-manager-role }
subjects: [{ kind: ServiceAccount, name: gatekeeper-admin, namespace: gatekeeper-system }]
`;

/** The cluster owner's privileged workload: from its node, the add-on's token is a file away. */
const privilegedApp = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: agent, namespace: shop }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      automountServiceAccountToken: false
      containers: [{ name: agent, image: registry.example.com/shop/agent:1.0, securityContext: { privileged: true } }]
`;

const estate = `${gatekeeper}---${privilegedApp}`;
const fromGatekeeper = (p: AttackPath) => p.entry.id === 'workload:gatekeeper-system/gatekeeper-controller[Deployment]';
const fromAgent = (p: AttackPath) => p.entry.id === 'workload:shop/agent[Deployment]';

describe('fixes and AKS-managed objects', () => {
  it("proposes no change to an AKS-managed object: an AKS-only path says what the owner can do instead", () => {
    const { paths, fixes } = findAttackPaths(inventoryOf(estate));
    const aksOnly = paths.find((p) => fromGatekeeper(p) && p.target.id === 'secrets:kube-system')!;
    expect(aksOnly.providerManaged).toBe(true);
    expect(aksOnly.fix).toBeUndefined();
    expect(aksOnly.ownerAction).toBe(
      'nothing to change in these objects: AKS re-applies them; they run for the Azure Policy add-on: turn it off ' +
        '(az aks disable-addons --addons azure-policy; addonProfiles.azurepolicy.enabled) only if the cluster does without it',
    );
    for (const f of [...fixes, ...paths.flatMap((p) => (p.fix ? [p.fix] : []))]) {
      expect(f.text).not.toMatch(/gatekeeper/);
      expect(f.resource?.namespace ?? null).not.toBe('gatekeeper-system');
    }
  });

  it("gives a path through the owner's objects and AKS's a fix on the owner's only", () => {
    const { paths, fixes } = findAttackPaths(inventoryOf(estate));
    const mixed = paths.find((p) => fromAgent(p) && p.target.id === 'secrets:kube-system')!;
    expect(mixed.providerManaged).toBeUndefined();
    expect(mixed.ownerAction).toBeUndefined();
    expect(mixed.fix?.text).toBe('stop running container agent of Deployment shop/agent privileged');
    expect(fixes.length).toBeGreaterThan(0);
    for (const f of fixes) expect(f.resource).toMatchObject({ kind: 'Deployment', namespace: 'shop', name: 'agent' });
  });

  it('with the aks-managed profile off, AKS-managed objects are like any other: marked nowhere, fixed like the rest', () => {
    const { paths, fixes } = findAttackPaths(inventoryOf(estate), undefined, undefined, undefined, { aksManaged: false });
    const gk = paths.find((p) => fromGatekeeper(p) && p.target.id === 'secrets:kube-system')!;
    expect(gk.providerManaged).toBeUndefined();
    expect(gk.ownerAction).toBeUndefined();
    expect(gk.fix?.text).toMatch(/gatekeeper/);
    expect(fixes.some((f) => /gatekeeper/.test(f.text))).toBe(true);
  });
});
