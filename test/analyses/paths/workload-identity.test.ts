import { describe, expect, it } from 'vitest';
import { assignment, federatedServiceAccount, identity, ROLES, SUB } from '../rbac/azure-fixtures.js';
import { pathsOf, route } from './estate.js';

const CLIENT = '44444444-4444-4444-4444-444444444444';
const PRINCIPAL = '55555555-5555-5555-5555-555555555555';
const OWNER = `${identity('id-orders', CLIENT, PRINCIPAL)}${federatedServiceAccount('shop', 'orders', CLIENT)}${assignment({ role: ROLES.reader, scope: SUB, principalId: PRINCIPAL, principalType: 'ServicePrincipal', name: 'cccccccc-0000-0000-0000-000000000002' })}`;

/** A Deployment of shop running as ServiceAccount orders, its pods labelled for workload identity or not. */
const orders = (labelled: boolean, podSpec = '') => `
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: orders, namespace: shop }
spec:
  selector: { matchLabels: { app: orders } }
  template:
    metadata: { labels: { app: orders${labelled ? ", azure.workload.identity/use: 'true'" : ''} } }
    spec:
      serviceAccountName: orders${podSpec}
      containers: [{ name: orders, image: registry.example.com/shop/orders:1 }]
`;

const privileged = '\n      hostPID: true';

/** ServiceAccount build/ci, mounted in build/ci-runner, holding `rules` in namespace shop. */
const ciHolding = (rules: string) => `
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: ci, namespace: build }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ci-runner, namespace: build }
spec:
  selector: { matchLabels: { app: ci-runner } }
  template:
    metadata: { labels: { app: ci-runner } }
    spec:
      serviceAccountName: ci
      containers: [{ name: runner, image: registry.example.com/build/runner:2.1 }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: ci, namespace: shop }
rules: ${rules}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: ci, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: ci }
subjects: [{ kind: ServiceAccount, name: ci, namespace: build }]
`;

const toAzure = (text: string) => pathsOf(text).paths.filter((p) => p.target.kind === 'azure-identity').map(route);

describe('workload identity in attack paths', () => {
  it("an unlabelled pod's automounted token is the API server's: Entra does not exchange it", () => {
    expect(toAzure(OWNER + orders(false))).toEqual([]);
  });

  it('a labelled pod holds the Azure identity, whatever automountServiceAccountToken says', () => {
    expect(toAzure(OWNER + orders(true, '\n      automountServiceAccountToken: false'))).toEqual([`pod: workload:shop/orders[Deployment] → User:${PRINCIPAL} → azure:${PRINCIPAL}`]);
  });

  it('so does an unlabelled pod that projects a token for api://AzureADTokenExchange itself', () => {
    const projected = `
      volumes:
        - name: azure-token
          projected: { sources: [{ serviceAccountToken: { path: token, audience: api://AzureADTokenExchange, expirationSeconds: 3600 } }] }`;
    expect(toAzure(OWNER + orders(false, `\n      automountServiceAccountToken: false${projected}`))).toEqual([`pod: workload:shop/orders[Deployment] → User:${PRINCIPAL} → azure:${PRINCIPAL}`]);
    expect(toAzure(OWNER + orders(false, `\n      automountServiceAccountToken: false${projected.replace('api://AzureADTokenExchange', 'vault')}`))).toEqual([]);
  });

  it('spells identities in texts as everywhere else: ServiceAccount shop/orders', () => {
    const { graph } = pathsOf(OWNER + orders(true) + ciHolding('[{ apiGroups: [""], resources: [pods], verbs: [create] }]'));
    const texts = graph.edges.flatMap((e) => [e.step.text, ...e.step.fixes.map((f) => f.text)]);
    expect(texts).toContain('remove the workload identity of ServiceAccount shop/orders (annotation azure.workload.identity/client-id) or the federated credential that trusts it');
    expect(texts.filter((t) => /ServiceAccount:/.test(t))).toEqual([]);
  });

  it('minting tokens of the account (TokenRequest, or a pod run as it) still reaches the identity', () => {
    const viaToken = toAzure(OWNER + orders(false) + ciHolding('[{ apiGroups: [""], resources: [serviceaccounts/token], verbs: [create] }]'));
    expect(viaToken).toEqual([`pod: workload:build/ci-runner[Deployment] → ServiceAccount:build/ci → workload-identity:ServiceAccount:shop/orders → User:${PRINCIPAL} → azure:${PRINCIPAL}`]);
    const viaPods = pathsOf(OWNER + orders(false) + ciHolding('[{ apiGroups: [""], resources: [pods], verbs: [create] }]')).paths.filter((p) => p.target.kind === 'azure-identity');
    expect(viaPods.map(route)).toEqual([`pod: workload:build/ci-runner[Deployment] → ServiceAccount:build/ci → workload-identity:ServiceAccount:shop/orders → User:${PRINCIPAL} → azure:${PRINCIPAL}`]);
    expect(viaPods[0]!.steps.map((s) => s.text).slice(1, 3)).toEqual([
      'create pods in shop (RoleBinding shop/ci)',
      `exchanges its token for Azure identity id-orders (workload identity, client id ${CLIENT})`,
    ]);
    expect(viaPods[0]!.nodes[2]!.label).toBe('a workload identity token of ServiceAccount shop/orders');
  });

  it("a node reaches the identity of labelled pods through their projected token, automount or not; not that of unlabelled ones", () => {
    const fromNode = (labelled: boolean) =>
      pathsOf(OWNER + orders(labelled, '\n      automountServiceAccountToken: false') + orders(false, privileged).replace(/orders/g, 'agent').replace('serviceAccountName: agent', 'serviceAccountName: default'))
        .paths.filter((p) => p.target.kind === 'azure-identity')
        .map(route);
    expect(fromNode(true)).toContain(`pod: workload:shop/agent[Deployment] → node → workload-identity:ServiceAccount:shop/orders → User:${PRINCIPAL} → azure:${PRINCIPAL}`);
    expect(fromNode(false)).toEqual([]);
  });
});
