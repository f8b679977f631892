import type { Inventory } from '../../core/inventory.js';
import { asArray, asObj, asString, isObj, type Obj, type Resource } from '../../core/resource.js';
import { isAzapi, MANAGED_CLUSTER_TYPE, readSetting } from './json-cluster.js';
import type { AksCluster, DiagnosticSetting, Setting } from './model.js';
import { clusterIdentity, refersToCluster, terraformUnit, TERRAFORM_CLUSTER_TYPE, terraformAddress, terraformUnknown, type ClusterIdentity } from './terraform-cluster.js';

export const DIAGNOSTIC_SETTINGS_TYPE = 'Microsoft.Insights/diagnosticSettings';
/** The child-resource spelling ARM templates use inside a cluster: `<cluster>/Microsoft.Insights/<setting>`. */
export const CLUSTER_DIAGNOSTIC_SETTINGS_TYPE = 'Microsoft.ContainerService/managedClusters/providers/diagnosticSettings';
export const TERRAFORM_DIAGNOSTIC_SETTING_TYPE = 'azurerm_monitor_diagnostic_setting';
/** An empty answer to listing a cluster's diagnostic settings (`scan --aks`): read, and none there. */
export const DIAGNOSTIC_SETTINGS_LIST_TYPE = 'Microsoft.Insights/diagnosticSettingsResourceCollection';

export const DIAGNOSTIC_SETTING_KINDS: readonly string[] = [DIAGNOSTIC_SETTINGS_TYPE, CLUSTER_DIAGNOSTIC_SETTINGS_TYPE, TERRAFORM_DIAGNOSTIC_SETTING_TYPE];

/** Log categories of an AKS cluster, and the ones each category group stands for. */
export const AKS_LOG_CATEGORIES: readonly string[] = [
  'kube-apiserver',
  'kube-audit',
  'kube-audit-admin',
  'kube-controller-manager',
  'kube-scheduler',
  'cluster-autoscaler',
  'cloud-controller-manager',
  'guard',
  'csi-azuredisk-controller',
  'csi-azurefile-controller',
  'csi-snapshot-controller',
];
const CATEGORY_GROUPS: ReadonlyMap<string, readonly string[]> = new Map([
  ['audit', ['kube-audit', 'kube-audit-admin', 'guard']],
  ['alllogs', AKS_LOG_CATEGORIES],
]);

export interface DiagnosticLog {
  /** The log category; a category group is expanded into one entry per category it covers. */
  category: string;
  /** The group the entry came from (`audit`, `allLogs`), when the source names a group. */
  categoryGroup?: string;
  enabled: boolean;
  /** The entry in the source (`properties.logs[2]`, `enabled_log[0]`). */
  field: string;
  /** False when the category or `enabled` cannot be decided offline (`reason` says why). */
  known: boolean;
  reason?: string;
}

type Destination = keyof DiagnosticSetting['destinations'];

export interface DiagnosticSettingView extends DiagnosticSetting {
  logs: DiagnosticLog[];
  /**
   * Destinations the source sets to a value not known offline (destination → why). They are in
   * `destinations` too, holding the expression, so that a rule that ignores this map does not call
   * the setting destination-less.
   */
  unknownDestinations: Partial<Record<Destination, string>>;
}

// ---------------------------------------------------------------------------------------------------

function parseBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  return undefined;
}

/** Expands a category group into the categories it covers; a plain category stays one entry. */
function expand(entry: Omit<DiagnosticLog, 'category'>, category: string | undefined, group: string | undefined): DiagnosticLog[] {
  if (category !== undefined && category !== '') return [{ ...entry, category }];
  if (group !== undefined && group !== '') {
    const covered = CATEGORY_GROUPS.get(group.toLowerCase()) ?? [group];
    return covered.map((c) => ({ ...entry, category: c, categoryGroup: group }));
  }
  return [{ ...entry, category: '' }];
}

const unknownLog = (field: string, reason: string): DiagnosticLog => ({ category: '', enabled: false, field, known: false, reason });

// ---------------------------------------------------------------------------------------------------
// ARM / REST / az CLI shapes

/** A REST or template body has `properties`; `az monitor diagnostic-settings list` flattens them. */
function propertiesOf(object: Obj): { root: Obj; field: string } {
  for (const k of Object.keys(object)) {
    if (k.toLowerCase() === 'properties' && isObj(object[k])) return { root: object[k] as Obj, field: k };
  }
  return { root: object, field: '' };
}

/** An AzAPI setting's ARM resource is its `body`, which may be unknown as a whole. */
function azapiProperties(object: Obj): { root: Obj; field: string } {
  const body = object.body;
  // Unknown, every setting below it is (readSetting says why); not an object, it holds none.
  if (!isObj(body) || terraformUnknown(body) !== undefined) return { root: isObj(body) ? body : {}, field: 'body' };
  const inner = propertiesOf(body);
  return { root: inner.root, field: inner.field === '' ? 'body' : `body.${inner.field}` };
}

function jsonLogs(root: Obj, base: string): DiagnosticLog[] {
  const logs = readSetting(root, base, 'logs');
  if (!logs.known) return [unknownLog(logs.field, logs.reason ?? 'logs not known offline')];
  const out: DiagnosticLog[] = [];
  asArray(logs.value).forEach((raw, i) => {
    const field = `${logs.field}[${i}]`;
    const entry = asObj(raw);
    if (!entry) return;
    const category = readSetting(entry, field, 'category');
    const group = readSetting(entry, field, 'categoryGroup');
    const enabled = readSetting(entry, field, 'enabled');
    const unknown = [category, group, enabled].find((x) => !x.known);
    const base: Omit<DiagnosticLog, 'category'> = { enabled: parseBool(enabled.value) ?? false, field, known: !unknown };
    if (unknown) base.reason = unknown.reason ?? 'not known offline';
    out.push(...expand(base, asString(category.value), asString(group.value)));
  });
  return out;
}

interface Link {
  text: string;
  matches(cluster: ClusterIdentity): boolean;
}

function bounded(lowerText: string, needle: string): boolean {
  let at = lowerText.indexOf(needle);
  while (at !== -1) {
    const next = lowerText[at + needle.length];
    if (next === undefined || !/[\w-]/.test(next)) return true;
    at = lowerText.indexOf(needle, at + 1);
  }
  return false;
}

/**
 * A template cluster whose name the evaluator could not resolve keeps it as written (`[parameters('name')]`);
 * a setting written with the same expression (`[concat(parameters('name'), '/Microsoft.Insights/x')]`) is its.
 */
function mentionsExpression(text: string, clusterName: string): boolean {
  const m = /^\[([\s\S]+)\]$/.exec(clusterName.trim());
  return m !== null && text.toLowerCase().includes((m[1] as string).trim().toLowerCase());
}

/**
 * How a JSON setting names its cluster: an id below the cluster (`.../managedClusters/<name>/providers/
 * Microsoft.Insights/diagnosticSettings/<setting>`), a template child name `<cluster>/Microsoft.Insights/<setting>`,
 * or an extension resource's `scope`.
 */
function jsonLinks(resource: Resource): Link[] {
  const links: Link[] = [];
  const id = asString(resource.object.id);
  if (id) {
    links.push({
      text: id.replace(/\/providers\/microsoft\.insights\/diagnosticsettings\/.*$/i, ''),
      matches: (c) =>
        (c.id !== undefined && id.toLowerCase().startsWith(`${c.id.toLowerCase()}/`)) || bounded(id.toLowerCase(), `/managedclusters/${c.name.toLowerCase()}`),
    });
  }
  const at = resource.name.toLowerCase().indexOf('/microsoft.insights/');
  if (at > 0) {
    const owner = resource.name.slice(0, at);
    const written = resource.name.trimStart().startsWith('[');
    links.push({ text: written ? resource.name : owner, matches: (c) => owner.toLowerCase() === c.name.toLowerCase() || mentionsExpression(owner, c.name) });
  }
  const scope = readSetting(resource.object, '', 'scope');
  const scopeText = scope.known ? asString(scope.value) : scope.reason;
  if (scopeText) {
    const lower = scopeText.toLowerCase();
    links.push({
      text: scopeText,
      matches: (c) =>
        (c.id !== undefined && lower === c.id.toLowerCase()) ||
        bounded(lower, `managedclusters/${c.name.toLowerCase()}`) ||
        bounded(lower, `managedclusters', '${c.name.toLowerCase()}'`) ||
        mentionsExpression(scopeText, c.name),
    });
  }
  return links;
}

/** The setting's own name: the last segment of `<cluster>/Microsoft.Insights/<setting>` (of its text when it is an unresolved expression). */
function settingName(resource: Resource): string {
  const own = asString(resource.object.name);
  const name = own && own !== '' && !own.trimStart().startsWith('[') ? own : resource.name;
  const last = name.split('/').pop() ?? name;
  return name.trimStart().startsWith('[') ? last.replace(/['")\]\s]+$/, '') : last;
}

function jsonSetting(resource: Resource, target: string | undefined): DiagnosticSettingView {
  const { root, field } = isAzapi(resource) ? azapiProperties(resource.object) : propertiesOf(resource.object);
  const destinations: DiagnosticSetting['destinations'] = {};
  const unknownDestinations: DiagnosticSettingView['unknownDestinations'] = {};
  const keys: Array<[Destination, string]> = [
    ['workspace', 'workspaceId'],
    ['storageAccount', 'storageAccountId'],
    ['eventHub', 'eventHubAuthorizationRuleId'],
    ['marketplace', 'marketplacePartnerId'],
  ];
  for (const [dest, key] of keys) setDestination(destinations, unknownDestinations, dest, readSetting(root, field, key));
  const view: DiagnosticSettingView = { resource, name: settingName(resource), logs: jsonLogs(root, field), destinations, unknownDestinations };
  if (target !== undefined) view.target = target;
  return view;
}

/** An AzAPI `Microsoft.Insights/diagnosticSettings` resource: the ARM setting in `body`, attached to `parent_id`. */
function azapiSetting(resource: Resource): DiagnosticSettingView {
  const view = jsonSetting(resource, undefined);
  const parent = resource.object.parent_id;
  const target = typeof parent === 'string' ? parent : terraformUnknown(parent);
  if (target !== undefined) view.target = target;
  return view;
}

function setDestination(
  destinations: DiagnosticSetting['destinations'],
  unknown: DiagnosticSettingView['unknownDestinations'],
  dest: Destination,
  s: Setting,
): void {
  if (!s.known) {
    const why = s.reason ?? 'not known offline';
    destinations[dest] = why;
    unknown[dest] = why;
    return;
  }
  const v = asString(s.value);
  if (v !== undefined && v.trim() !== '') destinations[dest] = v;
}

// ---------------------------------------------------------------------------------------------------
// Terraform (azurerm_monitor_diagnostic_setting)

function tfRead(obj: Obj, field: string, key: string): Setting {
  const f = field === '' ? key : `${field}.${key}`;
  if (!Object.prototype.hasOwnProperty.call(obj, key) || obj[key] === null || obj[key] === undefined) return { value: undefined, known: true, absent: true, field: f };
  const why = terraformUnknown(obj[key]);
  if (why !== undefined) return { value: undefined, known: false, field: f, reason: why };
  return { value: obj[key], known: true, field: f };
}

/**
 * `enabled_log` (azurerm 3.39+ and 4: always enabled) and the older `log` blocks (with `enabled`,
 * default true). A `dynamic` block cannot be expanded offline and gives an unknown entry.
 */
function terraformLogs(object: Obj): DiagnosticLog[] {
  const out: DiagnosticLog[] = [];
  for (const block of ['enabled_log', 'log']) {
    const list = tfRead(object, '', block);
    if (!list.known) {
      out.push(unknownLog(list.field, list.reason ?? 'not known offline'));
      continue;
    }
    asArray(list.value).forEach((raw, i) => {
      const field = `${block}[${i}]`;
      const entry = asObj(raw);
      if (!entry) return;
      const category = tfRead(entry, field, 'category');
      const group = tfRead(entry, field, 'category_group');
      const enabled = block === 'log' ? tfRead(entry, field, 'enabled') : { value: true, known: true, field };
      const unknown = [category, group, enabled].find((x) => !x.known);
      const base: Omit<DiagnosticLog, 'category'> = {
        enabled: enabled.absent ? true : (parseBool(enabled.value) ?? false),
        field,
        known: !unknown,
      };
      if (unknown) base.reason = unknown.reason ?? 'not known offline';
      out.push(...expand(base, asString(category.value), asString(group.value)));
    });
  }
  const dynamic = asObj(object.dynamic);
  for (const block of ['enabled_log', 'log']) {
    if (dynamic && dynamic[block] !== undefined) out.push(unknownLog(`dynamic.${block}`, `dynamic "${block}" blocks are expanded only at plan time`));
  }
  return out;
}

function terraformSetting(resource: Resource): DiagnosticSettingView {
  const o = resource.object;
  const destinations: DiagnosticSetting['destinations'] = {};
  const unknownDestinations: DiagnosticSettingView['unknownDestinations'] = {};
  const keys: Array<[Destination, string]> = [
    ['workspace', 'log_analytics_workspace_id'],
    ['storageAccount', 'storage_account_id'],
    ['eventHub', 'eventhub_authorization_rule_id'],
    ['marketplace', 'partner_solution_id'],
  ];
  for (const [dest, key] of keys) setDestination(destinations, unknownDestinations, dest, tfRead(o, '', key));
  const target = o.target_resource_id;
  const view: DiagnosticSettingView = { resource, name: settingName(resource), logs: terraformLogs(o), destinations, unknownDestinations };
  const targetText = typeof target === 'string' ? target : terraformUnknown(target);
  if (targetText !== undefined) view.target = targetText;
  return view;
}

// ---------------------------------------------------------------------------------------------------

/** Whether the scan holds an empty list of this cluster's diagnostic settings, named by its id below the cluster. */
function listedEmpty(me: ClusterIdentity, inventory: Inventory): boolean {
  return inventory.byKind(DIAGNOSTIC_SETTINGS_LIST_TYPE).some((r) => asArray(r.object.value).length === 0 && jsonLinks(r).some((l) => l.matches(me)));
}

/** Does the setting collect a category only AKS clusters have (a group such as `allLogs` does not count)? */
function collectsAksCategory(setting: DiagnosticSettingView): boolean {
  return setting.logs.some((l) => l.categoryGroup === undefined && AKS_LOG_CATEGORIES.includes(l.category.toLowerCase()));
}

/**
 * The diagnostic settings attached to a cluster. Undefined when the scan holds no diagnostic settings
 * at all (nothing can be said about them); an empty list when it holds some, none for this cluster, or
 * holds the cluster's settings list as read from Azure and it is empty.
 *
 * A setting whose target names nothing (a plan value known only after apply, a variable) is taken as
 * the cluster's when the scan holds exactly one cluster and the setting collects an AKS log category.
 */
export function diagnosticSettingsFor(cluster: AksCluster, inventory: Inventory | undefined): DiagnosticSettingView[] | undefined {
  if (!inventory) return undefined;
  const me = clusterIdentity(cluster);
  const candidates = DIAGNOSTIC_SETTING_KINDS.flatMap((k) => inventory.byKind(k));
  if (candidates.length === 0) return listedEmpty(me, inventory) ? [] : undefined;
  const sole = inventory.byKind(MANAGED_CLUSTER_TYPE).length + inventory.byKind(TERRAFORM_CLUSTER_TYPE).length === 1;
  const out: DiagnosticSettingView[] = [];
  for (const r of candidates) {
    if (r.kind === TERRAFORM_DIAGNOSTIC_SETTING_TYPE || isAzapi(r)) {
      // An AzAPI setting names what it is attached to in `parent_id`.
      const verdict = refersToCluster(isAzapi(r) ? r.object.parent_id : r.object.target_resource_id, me, terraformAddress(r.name).module, terraformUnit(r));
      const view = verdict === 'no' ? undefined : isAzapi(r) ? azapiSetting(r) : terraformSetting(r);
      if (view && (verdict === 'yes' || (sole && collectsAksCategory(view)))) out.push(view);
      continue;
    }
    const links = jsonLinks(r);
    const link = links.find((l) => l.matches(me));
    if (link) out.push(jsonSetting(r, link.text));
    else if (links.length === 0 && sole) {
      const view = jsonSetting(r, undefined);
      if (collectsAksCategory(view)) out.push(view);
    }
  }
  return out;
}
