import { describe, expect, it } from 'vitest';
import { AGENT_POOL_TYPE, MANAGED_CLUSTER_TYPE } from '../../../src/analyses/aks/index.js';
import type { Finding } from '../../../src/core/finding.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Obj, Resource } from '../../../src/core/resource.js';
import { ruleApplies, runRule, type Rule } from '../../../src/core/rule.js';
import { DEFAULT_SETTINGS, type AksSettings, type RuleSettings } from '../../../src/core/settings.js';
import type { Severity } from '../../../src/core/severity.js';

export const GROUP = 'rg-prod';
export const clusterId = (name: string): string =>
  `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${GROUP}/providers/Microsoft.ContainerService/managedClusters/${name}`;

let line = 0;

/** A resource as the ingest would hand it over: kind, format and the object as the source writes it. */
export function resource(kind: string, format: string, object: Obj, name: string, apiVersion = '2026-08-01'): Resource {
  return { apiVersion, kind, namespace: null, name, object, source: { file: 'cluster.json', line: ++line }, format };
}

/** An ARM REST GET body (`properties` wrapper). */
export function restCluster(name: string, properties: Obj, root: Obj = {}): Resource {
  return resource(MANAGED_CLUSTER_TYPE, 'arm-rest', { id: clusterId(name), name, type: MANAGED_CLUSTER_TYPE, location: 'westeurope', ...root, properties }, name);
}

/** `az aks show -o json` output: flattened, CLI casing, `null` for what is not set. */
export function cliCluster(name: string, body: Obj): Resource {
  return resource(MANAGED_CLUSTER_TYPE, 'az-cli', { id: clusterId(name), name, type: 'Microsoft.ContainerService/ManagedClusters', resourceGroup: GROUP, ...body }, name, 'az-cli');
}

/** An evaluated ARM template resource (no id; unresolved values carry the unknown marker). */
export function templateCluster(name: string, properties: Obj, root: Obj = {}): Resource {
  return resource(MANAGED_CLUSTER_TYPE, 'arm-template', { type: MANAGED_CLUSTER_TYPE, apiVersion: '2026-08-01', name, ...root, properties }, name);
}

/** A separate `managedClusters/agentPools` resource of a template (`cluster/pool`). */
export function templatePool(cluster: string, pool: string, properties: Obj): Resource {
  return resource(AGENT_POOL_TYPE, 'arm-template', { type: AGENT_POOL_TYPE, apiVersion: '2026-08-01', name: `${cluster}/${pool}`, properties }, `${cluster}/${pool}`);
}

/** `azurerm_kubernetes_cluster` attribute values in `terraform show -json` style. */
export function tfCluster(label: string, attrs: Obj): Resource {
  return resource('azurerm_kubernetes_cluster', 'terraform-plan', { name: label, resource_group_name: GROUP, ...attrs }, label, 'terraform');
}

export function tfPool(label: string, attrs: Obj): Resource {
  return resource('azurerm_kubernetes_cluster_node_pool', 'terraform-plan', attrs, label, 'terraform');
}

/** An `azapi_resource` creating a cluster, as a plan shows it: the ARM resource (`properties`, `sku`) in `body`. */
export function azapiCluster(label: string, name: string, body: unknown): Resource {
  const object = { type: `${MANAGED_CLUSTER_TYPE}@2025-10-01`, name, parent_id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${GROUP}`, body };
  return resource(MANAGED_CLUSTER_TYPE, 'terraform-plan', object, label, 'terraform');
}

export const unknown = (why: string): Obj => ({ $palisadeUnknown: why });

export function aksFindings(rule: Rule, resources: Resource[], aks: Partial<AksSettings> = {}): Finding[] {
  const inventory = new Inventory(resources);
  const settings: RuleSettings = { ...DEFAULT_SETTINGS, aks: { ...DEFAULT_SETTINGS.aks, ...aks } };
  return resources.filter((r) => ruleApplies(rule, r)).flatMap((r) => runRule(rule, r, inventory, settings));
}

export interface AksCase {
  name: string;
  resources: Resource[];
  aks?: Partial<AksSettings>;
}

export interface AksExpected {
  field?: string | null;
  severity?: Severity;
  message?: string | RegExp;
  /** `kind/name` of the resource the finding is on. */
  resource?: string;
  verify?: string | RegExp;
  evidence?: Record<string, unknown>;
}

/** RuleTester's shape: valid cases give no finding, invalid ones exactly the listed findings, in order. */
export function aksRuleTester(rule: Rule, cases: { valid: AksCase[]; invalid: Array<AksCase & { findings: AksExpected[] }> }): void {
  describe(rule.meta.id, () => {
    it('has complete meta', () => {
      expect(rule.meta.id).toMatch(/^aks\/[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const k of ['title', 'description', 'remediation'] as const) expect(rule.meta[k].length).toBeGreaterThan(0);
      expect(rule.meta.references.length).toBeGreaterThan(0);
    });
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        expect(aksFindings(rule, c.resources, c.aks).map((f) => `${f.field ?? ''}: ${f.message}`)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const got = aksFindings(rule, c.resources, c.aks);
        expect(got.length, got.map((f) => `${f.severity} ${f.field ?? ''}: ${f.message}`).join('\n')).toBe(c.findings.length);
        c.findings.forEach((want, i) => {
          const f = got[i] as Finding;
          expect(f.rule).toBe(rule.meta.id);
          expect(f.evidence).toHaveProperty('observed');
          expect(f.evidence).toHaveProperty('expected');
          expect(f.verify).toMatch(/^az (aks|monitor) /);
          if (want.field === null) expect(f.field).toBeUndefined();
          else if (want.field !== undefined) expect(f.field).toBe(want.field);
          if (want.severity !== undefined) expect(f.severity).toBe(want.severity);
          if (want.resource !== undefined) expect(`${f.resource.kind}/${f.resource.name}`).toBe(want.resource);
          if (typeof want.message === 'string') expect(f.message).toBe(want.message);
          else if (want.message) expect(f.message).toMatch(want.message);
          if (typeof want.verify === 'string') expect(f.verify).toBe(want.verify);
          else if (want.verify) expect(f.verify).toMatch(want.verify);
          if (want.evidence) expect(f.evidence).toMatchObject(want.evidence);
        });
      });
    }
  });
}

/**
 * `az aks show` of an AKS Automatic cluster with managed system node pools: the pool runs in AKS's own
 * subscription, and the API reports its settings null.
 */
export function managedSystemCluster(name: string, extraPools: Obj[] = []): Resource {
  return cliCluster(name, {
    sku: { name: 'Automatic', tier: 'Standard' },
    hostedSystemProfile: { enabled: true },
    nodeProvisioningProfile: { mode: 'Auto', defaultNodePools: 'Auto' },
    agentPoolProfiles: [
      {
        name: 'systempool',
        mode: 'ManagedSystem',
        osType: 'Linux',
        count: null,
        vmSize: null,
        enableEncryptionAtHost: null,
        enableFips: null,
        enableNodePublicIp: null,
        maxPods: null,
        osDiskType: null,
        securityProfile: null,
        type: null,
        nodeTaints: null,
      },
      ...extraPools,
    ],
  });
}
