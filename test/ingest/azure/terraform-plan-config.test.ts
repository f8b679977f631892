import { describe, expect, it } from 'vitest';
import { aksClusterOf } from '../../../src/analyses/aks/index.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Obj } from '../../../src/core/resource.js';
import { ruleApplies, runRule } from '../../../src/core/rule.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import maxPods from '../../../src/rules/aks/max-pods-too-low.js';
import version from '../../../src/rules/aks/kubernetes-version-unsupported.js';
import { decode, unknown } from './helpers.js';

const CLUSTER = 'azurerm_kubernetes_cluster';
const POOL = 'azurerm_kubernetes_cluster_node_pool';
const POOL_LABEL = 'node_pool_create_before_destroy';

function clusterValues(name: string): Obj {
  return {
    name,
    resource_group_name: `rg-${name}`,
    kubernetes_version: '1.34',
    default_node_pool: [{ name: 'system', vm_size: 'Standard_D4ds_v5', node_count: 3 }],
    network_profile: [{ network_plugin: 'azure', network_plugin_mode: 'overlay', network_policy: 'cilium' }],
  };
}

/** What the Azure/aks module writes: `kubernetes_cluster_id` by reference, `orchestrator_version` and `max_pods` left out. */
function moduleConfiguration(poolExpressions: Obj = {}, variables: Obj = {}): Obj {
  return {
    variables,
    resources: [
      {
        address: `${CLUSTER}.main`,
        mode: 'managed',
        type: CLUSTER,
        name: 'main',
        expressions: {
          name: { references: ['var.cluster_name'] },
          kubernetes_version: { constant_value: '1.34' },
          default_node_pool: [{ name: { constant_value: 'system' }, vm_size: { constant_value: 'Standard_D4ds_v5' }, node_count: { constant_value: 3 } }],
          network_profile: [{ network_plugin: { constant_value: 'azure' }, network_plugin_mode: { constant_value: 'overlay' } }],
        },
      },
      {
        address: `${POOL}.${POOL_LABEL}`,
        mode: 'managed',
        type: POOL,
        name: POOL_LABEL,
        expressions: {
          name: { references: ['each.value.name', 'each.value'] },
          kubernetes_cluster_id: { references: [`${CLUSTER}.main.id`, `${CLUSTER}.main`] },
          ...poolExpressions,
        },
        for_each_expression: { references: ['var.node_pools'] },
      },
    ],
  };
}

interface Inputs {
  /** `variable` blocks of the module, as the configuration section writes them. */
  variables?: Obj;
  /** Arguments of the module calls. */
  args?: Obj;
  /** Values of the root module's variables (the plan's `variables` section). */
  rootValues?: Obj;
}

/** A plan of the module instantiated twice, as `terraform show -json` writes it. */
function twoModulePlan(withConfiguration: boolean, poolExpressions: Obj = {}, inputs: Inputs = {}): Obj {
  const modules = ['aks_blue', 'aks_green'];
  const child = (m: string): Obj => ({
    address: `module.${m}`,
    resources: [
      { address: `module.${m}.${CLUSTER}.main`, mode: 'managed', type: CLUSTER, name: 'main', values: clusterValues(m.replace('_', '-')) },
      { address: `module.${m}.${POOL}.${POOL_LABEL}["user1"]`, mode: 'managed', type: POOL, name: POOL_LABEL, index: 'user1', values: { name: 'user1', mode: 'User', vm_size: 'Standard_D4ds_v5' } },
    ],
  });
  const changes = modules.flatMap((m) => [
    {
      address: `module.${m}.${CLUSTER}.main`,
      module_address: `module.${m}`,
      change: { actions: ['create'], after_unknown: { id: true, default_node_pool: [{ max_pods: true, orchestrator_version: true }], kube_config: true } },
    },
    {
      address: `module.${m}.${POOL}.${POOL_LABEL}["user1"]`,
      module_address: `module.${m}`,
      change: { actions: ['create'], after_unknown: { id: true, kubernetes_cluster_id: true, max_pods: true, orchestrator_version: true } },
    },
  ]);
  const plan: Obj = {
    format_version: '1.2',
    terraform_version: '1.9.5',
    planned_values: { root_module: { child_modules: modules.map(child) } },
    resource_changes: changes,
  };
  if (withConfiguration) {
    const call = (): Obj => ({ source: 'Azure/aks/azurerm', expressions: inputs.args ?? {}, module: moduleConfiguration(poolExpressions, inputs.variables) });
    plan.configuration = { root_module: { module_calls: { aks_blue: call(), aks_green: call() } } };
    if (inputs.rootValues) plan.variables = inputs.rootValues;
  }
  return plan;
}

function scan(plan: Obj) {
  const sink = decode(JSON.stringify(plan, null, 1), 'plan.json');
  expect(sink.errors).toEqual([]);
  const inventory = new Inventory(sink.resources);
  const clusters = sink.resources.filter((r) => r.kind === CLUSTER);
  const findings = (rule: typeof maxPods) => sink.resources.filter((r) => ruleApplies(rule, r)).flatMap((r) => runRule(rule, r, inventory, DEFAULT_SETTINGS));
  return { sink, inventory, clusters, findings };
}

describe('Terraform plan configuration section', () => {
  it('leaves out Optional+Computed values the configuration does not write, and names the references of the ones it does', () => {
    const { sink } = scan(twoModulePlan(true));
    const [blue, bluePool] = sink.resources;
    expect(blue?.object.default_node_pool).toEqual([{ name: 'system', vm_size: 'Standard_D4ds_v5', node_count: 3, max_pods: null, orchestrator_version: null }]);
    // Computed-only values are not written either: their value simply is not in the plan.
    expect(blue?.object.id).toBeNull();
    expect(bluePool?.object.max_pods).toBeNull();
    expect(bluePool?.object.kubernetes_cluster_id).toEqual(
      unknown(`module.aks_blue.${POOL}.${POOL_LABEL}["user1"].kubernetes_cluster_id is known only after apply (from ${CLUSTER}.main.id, ${CLUSTER}.main)`),
    );
  });

  it('keeps a written expression whose value is known only after apply undecided', () => {
    const { sink } = scan(twoModulePlan(true, { max_pods: { references: ['var.agents_max_pods'] } }));
    expect(sink.resources[1]?.object.max_pods).toEqual(unknown(/max_pods is known only after apply \(from var\.agents_max_pods\)/));
  });

  it('takes a variable left at its null default, through module arguments and root variables, as unset', () => {
    const byVariable = { max_pods: { references: ['var.agents_max_pods'] }, orchestrator_version: { references: ['var.orchestrator_version'] } };
    const variables = { agents_max_pods: { description: 'max pods' }, orchestrator_version: { description: 'version' } };
    const notPassed = scan(twoModulePlan(true, byVariable, { variables })).sink.resources[1]?.object;
    expect([notPassed?.max_pods, notPassed?.orchestrator_version]).toEqual([null, null]);
    const fromRoot = scan(
      twoModulePlan(true, byVariable, {
        variables,
        args: { agents_max_pods: { references: ['var.max_pods'] }, orchestrator_version: { references: ['var.k8s'] } },
        rootValues: { max_pods: { value: null }, k8s: { value: '1.34' } },
      }),
    ).sink.resources[1]?.object;
    expect(fromRoot?.max_pods).toBeNull();
    // A value that is not null yet still known only after apply comes from elsewhere: it stays undecided.
    expect(fromRoot?.orchestrator_version).toEqual(unknown(/orchestrator_version is known only after apply \(from var\.orchestrator_version\)/));
    const withDefault = scan(twoModulePlan(true, byVariable, { variables: { agents_max_pods: { default: 30 }, orchestrator_version: {} } })).sink.resources[1]?.object;
    expect(withDefault?.max_pods).toEqual(unknown(/known only after apply/));
    const passedOutput = scan(twoModulePlan(true, byVariable, { variables, args: { agents_max_pods: { references: ['module.net.max_pods', 'module.net'] } } })).sink.resources[1]?.object;
    expect(passedOutput?.max_pods).toEqual(unknown(/known only after apply/));
  });

  it('keeps every value known only after apply undecided without a configuration section (state, older plans)', () => {
    const { sink } = scan(twoModulePlan(false));
    expect(sink.resources[0]?.object.default_node_pool).toEqual([expect.objectContaining({ max_pods: unknown(/known only after apply/) })]);
    expect(sink.resources[1]?.object.max_pods).toEqual(unknown(/known only after apply/));
  });

  it('keeps a nested block the configuration may write as a dynamic block undecided', () => {
    const plan = twoModulePlan(true);
    const rc = (plan.resource_changes as Obj[])[0] as { change: { after_unknown: Obj } };
    rc.change.after_unknown.api_server_access_profile = true;
    const { sink } = scan(plan);
    expect(sink.resources[0]?.object.api_server_access_profile).toEqual(unknown(/api_server_access_profile is known only after apply/));
  });

  it('gives each module instance its own separate pools', () => {
    const { clusters, inventory } = scan(twoModulePlan(true));
    const pools = clusters.map((c) => aksClusterOf(c, inventory)?.nodePools.map((p) => `${p.resource.name}:${p.name}`));
    expect(pools).toEqual([
      ['module.aks_blue.main:system', `module.aks_blue.${POOL_LABEL}["user1"]:user1`],
      ['module.aks_green.main:system', `module.aks_green.${POOL_LABEL}["user1"]:user1`],
    ]);
  });

  it('without a configuration section, gives a pool to the only cluster of its module instance', () => {
    const { clusters, inventory } = scan(twoModulePlan(false));
    const pools = clusters.map((c) => aksClusterOf(c, inventory)?.nodePools.map((p) => p.resource.name));
    expect(pools).toEqual([
      ['module.aks_blue.main', `module.aks_blue.${POOL_LABEL}["user1"]`],
      ['module.aks_green.main', `module.aks_green.${POOL_LABEL}["user1"]`],
    ]);
  });

  it('decides unset orchestrator_version and max_pods from the cluster: no findings on a current Overlay cluster', () => {
    const { findings } = scan(twoModulePlan(true));
    expect(findings(version)).toEqual([]);
    expect(findings(maxPods)).toEqual([]);
  });

  it('names the pool with its cluster when a value stays undecided', () => {
    const { findings } = scan(twoModulePlan(true, { max_pods: { references: ['var.agents_max_pods'] } }));
    const messages = findings(maxPods).map((f) => [f.severity, f.message]);
    expect(messages).toEqual([
      ['info', expect.stringMatching(/^node pool user1 of cluster aks-blue: .*known only after apply/)],
      ['info', expect.stringMatching(/^node pool user1 of cluster aks-green: /)],
    ]);
  });
});
