import { asArray, asObj, asString, type Obj } from '../../core/resource.js';

/**
 * The `configuration` section of `terraform show -json` of a plan: what the configuration writes for
 * each resource (`expressions`), module by module. It tells an attribute left unset (Terraform shows
 * an Optional+Computed one as known only after apply, though the provider or Azure default applies)
 * from one written as an expression whose value is not known yet.
 */
export interface PlanConfiguration {
  /** The expressions of the resource at a module instance address, or undefined when the configuration does not list it. */
  expressionsOf(moduleAddress: string, type: string, label: string): Obj | undefined;
  /**
   * Whether an attribute expression is null: made only of input variables whose values are null (a
   * module argument not passed, with a null default). Terraform then treats the attribute as unset.
   */
  isNull(moduleAddress: string, expression: unknown): boolean;
}

/** Nested block types of the azurerm AKS resources: a block left out of `expressions` may be a `dynamic` block, which the configuration section does not show. */
const BLOCK_TYPES = new Set([
  'aci_connector_linux', 'addon_profile', 'allowed_host_ports', 'api_server_access_profile', 'auto_scaler_profile',
  'azure_active_directory', 'azure_active_directory_role_based_access_control', 'bootstrap_profile',
  'confidential_computing', 'default_node_pool', 'enabled_log', 'enabled_metric', 'gmsa', 'http_proxy_config',
  'identity', 'ingress_application_gateway', 'key_management_service', 'key_vault_secrets_provider',
  'kubelet_config', 'kubelet_identity', 'linux_os_config', 'linux_profile', 'load_balancer_profile', 'log',
  'maintenance_window', 'maintenance_window_auto_upgrade', 'maintenance_window_node_os', 'metric',
  'microsoft_defender', 'monitor_metrics', 'nat_gateway_profile', 'network_profile', 'node_network_profile',
  'node_provisioning_profile', 'oms_agent', 'role_based_access_control', 'service_mesh_profile',
  'service_principal', 'storage_profile', 'sysctl_config', 'upgrade_override', 'upgrade_settings',
  'web_app_routing', 'windows_os_config', 'windows_profile', 'workload_autoscaler_profile',
]);

export function planConfiguration(plan: Obj): PlanConfiguration | undefined {
  const root = asObj(asObj(plan.configuration)?.root_module);
  if (!root) return undefined;
  const rootVariables = asObj(plan.variables) ?? {};
  /** Whether `var.name` is null in the module reached by `calls`; false when it cannot be told. */
  const variableIsNull = (calls: string[], name: string, depth: number): boolean => {
    if (depth > 32) return false;
    if (calls.length === 0) {
      const entry = asObj(rootVariables[name]);
      return entry !== undefined && Object.prototype.hasOwnProperty.call(entry, 'value') && entry.value === null;
    }
    const parent = configModuleByCalls(root, calls.slice(0, -1));
    const call = asObj(asObj(parent?.module_calls)?.[calls[calls.length - 1] as string]);
    const passed = asObj(call?.expressions)?.[name];
    if (passed !== undefined) return expressionIsNull(calls.slice(0, -1), passed, depth + 1);
    const declared = asObj(asObj(asObj(call?.module)?.variables)?.[name]);
    // A variable without a default must be passed; the configuration section leaves a null default out.
    return declared !== undefined && (declared.default === undefined || declared.default === null);
  };
  const expressionIsNull = (calls: string[], expression: unknown, depth: number): boolean => {
    const e = asObj(expression);
    if (!e) return false;
    if (Object.prototype.hasOwnProperty.call(e, 'constant_value')) return e.constant_value === null;
    const refs = referencesOf(e);
    const vars = refs.map((r) => /^var\.([\w-]+)$/.exec(r)?.[1]);
    if (vars.length === 0 || vars.some((v) => v === undefined)) return false;
    return vars.every((v) => variableIsNull(calls, v as string, depth));
  };
  return {
    isNull: (moduleAddress, expression) => expressionIsNull(moduleCalls(moduleAddress), expression, 0),
    expressionsOf(moduleAddress, type, label) {
      const mod = configModule(root, moduleAddress);
      const relative = `${type}.${label}`;
      const r = asArray(mod?.resources).map(asObj).find((x) => x !== undefined && asString(x.address) === relative && x.mode !== 'data');
      return asObj(r?.expressions) ?? (r ? {} : undefined);
    },
  };
}

/** The configuration of a module instance: `module.a["x"].module.b` is `module_calls.a.module.module_calls.b.module`, whatever the instance keys. */
function configModule(root: Obj, moduleAddress: string): Obj | undefined {
  return configModuleByCalls(root, moduleCalls(moduleAddress));
}

/** The module calls from the root down to a module instance, without instance keys. */
function moduleCalls(moduleAddress: string): string[] {
  return [...moduleAddress.matchAll(/module\.([\w-]+)(?:\[[^\]]*\])?/g)].map((m) => m[1] as string);
}

function configModuleByCalls(root: Obj, calls: readonly string[]): Obj | undefined {
  let mod: Obj | undefined = root;
  for (const name of calls) {
    mod = asObj(asObj(asObj(mod?.module_calls)?.[name])?.module);
    if (!mod) return undefined;
  }
  return mod;
}

/**
 * What the configuration writes at `key` of a block's expressions: `unset` when the attribute is not
 * written (its default applies), `written` with the expression, or `unsure` when a left-out key may be
 * a `dynamic` block.
 */
export function configuredAt(expressions: Obj, key: string): { state: 'unset' } | { state: 'unsure' } | { state: 'written'; expression: unknown } {
  if (Object.prototype.hasOwnProperty.call(expressions, key)) return { state: 'written', expression: expressions[key] };
  return BLOCK_TYPES.has(key) ? { state: 'unsure' } : { state: 'unset' };
}

/** The expressions of instance `index` of a nested block (a list of expression objects), when the configuration writes the block statically. */
export function blockExpressions(expression: unknown, index: number): Obj | undefined {
  return Array.isArray(expression) ? asObj(expression[index]) : undefined;
}

/** The references of an attribute expression (`azurerm_kubernetes_cluster.main.id`), for the reason of an unknown value. */
export function referencesOf(expression: unknown): string[] {
  return asArray(asObj(expression)?.references).filter((x): x is string => typeof x === 'string');
}
