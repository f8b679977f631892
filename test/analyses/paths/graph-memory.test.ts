import { describe, expect, it } from 'vitest';
import { bestRoutes } from '../../../src/analyses/paths/search.js';
import { pathsOf } from './estate.js';
import { internetFacingPrivileged, podCreatorToSecretReader } from './estates.js';

/** A second ServiceAccount in ops, another in build, and a grant to create pods in every namespace. */
const clusterWidePodCreator = `${podCreatorToSecretReader}
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: deployer, namespace: ops }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: cache, namespace: build }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: pod-creator-everywhere }
rules: [{ apiGroups: [""], resources: [pods], verbs: [create] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ci-creates-pods-everywhere }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-creator-everywhere }
subjects: [{ kind: ServiceAccount, name: ci, namespace: build }]
`;

describe('attack graph storage', () => {
  it('edges that use one grant in one namespace share one step; another namespace or grant gets its own', () => {
    const { graph } = pathsOf(clusterWidePodCreator);
    const ci = graph.find('ServiceAccount:build/ci')!;
    const to = (id: string) => graph.outgoing[ci]!.map((e) => graph.edges[e]!).filter((e) => graph.nodes[e.to]!.id === id);
    const [backup, deployer] = [to('ServiceAccount:ops/backup'), to('ServiceAccount:ops/deployer')];
    expect(backup).toHaveLength(1);
    expect(deployer).toHaveLength(1);
    // Both service accounts of ops are reached through the same grant: one step.
    expect(backup[0]!.step).toBe(deployer[0]!.step);
    expect(backup[0]!.step.text).toMatch(/^create pods in ops \(/);
    const own = to('ServiceAccount:build/cache')[0]?.step;
    expect(own?.text).toBe('create pods in build (ClusterRoleBinding ci-creates-pods-everywhere)');
    expect(own).not.toBe(backup[0]!.step);
  });

  it('a step drops its rule when none of its findings were given, as the paths show it', () => {
    const { paths } = pathsOf(podCreatorToSecretReader);
    for (const s of paths.flatMap((p) => p.steps)) if (s.findings.length === 0) expect(s.rule).toBeUndefined();
    expect(paths[0]!.steps[1]).toMatchObject({ rule: 'rbac/can-create-pods' });
  });

  it('a search that refills an earlier answer finds what a fresh search finds, with and without a fix', () => {
    for (const estate of [internetFacingPrivileged, podCreatorToSecretReader, clusterWidePodCreator]) {
      const { graph } = pathsOf(estate);
      const keys = [undefined, ...new Set(graph.edges.flatMap((e) => e.step.fixes.map((f) => f.key)))];
      let scratch = bestRoutes(graph, graph.targets[0]!.node);
      for (const t of graph.targets) {
        for (const without of keys) {
          const fresh = bestRoutes(graph, t.node, 8, without);
          scratch = bestRoutes(graph, t.node, 8, without, scratch);
          expect(scratch.target).toBe(t.node);
          expect([...scratch.cost]).toEqual([...fresh.cost]);
          expect([...scratch.next]).toEqual([...fresh.next]);
          expect([...scratch.depth]).toEqual([...fresh.depth]);
        }
      }
    }
  });
});
