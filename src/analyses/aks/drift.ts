import { unknownReason } from './json-cluster.js';
import type { AksCluster, AksNodePool, Setting } from './model.js';
import { valueSourceOf } from '../../core/resource.js';

/** How a setting's values are normalised before they are compared. */
type ValueType =
  /** JSON booleans or the strings "true"/"false" (add-on `config` values). */
  | 'bool'
  /** Azure enums: compared case-insensitively. */
  | 'enum'
  /** Kubernetes versions: `1.30` matches `1.30.4` (templates often pin only major.minor). */
  | 'version'
  /** CIDR lists: compared as sets; a bare address is its /32 (or /128). */
  | 'ranges'
  /** Node taints: compared as sets. */
  | 'taints'
  /** Identifiers or names (admin groups, sysctls): compared as case-insensitive sets. */
  | 'set'
  /** Only whether the value is set (a resource id). */
  | 'presence';

/** Which live values are weaker than the template's. */
type Strength =
  | { secure: boolean }
  /** Higher is stronger; values without a rank cannot be ordered. */
  | { rank: Readonly<Record<string, number>> }
  | 'version'
  | 'ranges'
  | 'taints'
  /** Each member grants something (cluster-admin, an unsafe sysctl): a member only the live side has is weaker. */
  | 'members'
  | 'presence'
  | 'none';

/** A default that another setting of the same cluster decides: its value, or why it cannot be told. */
type DependentDefault = (get: (path: string) => Setting) => { value: unknown } | { unknown: string };

interface SettingSpec {
  /** The ARM REST path below `properties` (agent-pool property path for pools; `@` for the resource root). */
  path: string;
  type: ValueType;
  /** What Azure uses when the setting is not written; undefined when there is no fixed default. */
  default?: unknown;
  /** A default that depends on another setting, in place of `default`. */
  defaultFrom?: DependentDefault;
  strength: Strength;
}

const on: Strength = { secure: true };
const off: Strength = { secure: false };

const POLICY_ENGINES = { none: 0, azure: 1, calico: 1, cilium: 1 };
// node-image updates node images but never applies a Kubernetes patch release (aks/auto-upgrade-channel-none
// reports it, at a lower severity than none); patch, stable and rapid all apply them, at different paces.
const UPGRADE_CHANNELS = { none: 0, 'node-image': 1, patch: 2, stable: 2, rapid: 2 };
const NODE_OS_CHANNELS = { none: 0, unmanaged: 1, nodeimage: 2, securitypatch: 2 };
// Only user-defined routing (through a firewall) or no managed egress at all filter outbound traffic.
const OUTBOUND_TYPES = { loadbalancer: 0, managednatgateway: 0, userassignednatgateway: 0, userdefinedrouting: 1, none: 1 };
const SKU_TIERS = { free: 0, paid: 1, standard: 1, premium: 2 };
const SSH_ACCESS = { localuser: 0, entraid: 1, disabled: 2 };
const PUBLIC_NETWORK_ACCESS = { enabled: 0, securedbyperimeter: 1, disabled: 1 };
const NODE_RESOURCE_GROUP_RESTRICTION = { unrestricted: 0, readonly: 1 };
const KEY_VAULT_NETWORK_ACCESS = { public: 0, private: 1 };

/**
 * networkPolicy not written: a Cilium dataplane enforces policy with Cilium (AKS sets networkPolicy to cilium,
 * as aks/no-network-policy-engine reads it); any other dataplane leaves it none.
 */
const policyFollowsDataplane: DependentDefault = (get) => {
  const dataplane = get('networkProfile.networkDataplane');
  if (!dataplane.known)
    return { unknown: `its default follows networkProfile.networkDataplane, which is not known (${dataplane.reason ?? 'value not known before deployment'})` };
  const cilium = typeof dataplane.value === 'string' && dataplane.value.trim().toLowerCase() === 'cilium';
  return { value: cilium ? 'cilium' : 'none' };
};

/** The security-relevant cluster settings compared, in output order. */
const CLUSTER_SETTINGS: readonly SettingSpec[] = [
  { path: 'enableRBAC', type: 'bool', default: true, strength: on },
  { path: 'aadProfile.managed', type: 'bool', default: false, strength: on },
  { path: 'aadProfile.enableAzureRBAC', type: 'bool', default: false, strength: on },
  // Members of these Entra ID groups are cluster-admin.
  { path: 'aadProfile.adminGroupObjectIDs', type: 'set', default: [], strength: 'members' },
  { path: 'disableLocalAccounts', type: 'bool', default: false, strength: on },
  { path: 'apiServerAccessProfile.enablePrivateCluster', type: 'bool', default: false, strength: on },
  { path: 'apiServerAccessProfile.authorizedIPRanges', type: 'ranges', default: [], strength: 'ranges' },
  { path: 'apiServerAccessProfile.disableRunCommand', type: 'bool', default: false, strength: on },
  // A private cluster can still publish a public DNS name for its API server.
  { path: 'apiServerAccessProfile.enablePrivateClusterPublicFQDN', type: 'bool', default: false, strength: off },
  { path: 'apiServerAccessProfile.enableVnetIntegration', type: 'bool', default: false, strength: on },
  { path: 'publicNetworkAccess', type: 'enum', default: 'Enabled', strength: { rank: PUBLIC_NETWORK_ACCESS } },
  { path: 'networkProfile.networkPolicy', type: 'enum', defaultFrom: policyFollowsDataplane, strength: { rank: POLICY_ENGINES } },
  { path: 'networkProfile.networkPlugin', type: 'enum', strength: 'none' },
  { path: 'networkProfile.outboundType', type: 'enum', default: 'loadBalancer', strength: { rank: OUTBOUND_TYPES } },
  { path: 'addonProfiles.azurepolicy.enabled', type: 'bool', default: false, strength: on },
  { path: 'addonProfiles.omsagent.enabled', type: 'bool', default: false, strength: on },
  { path: 'addonProfiles.azureKeyvaultSecretsProvider.enabled', type: 'bool', default: false, strength: on },
  { path: 'addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation', type: 'bool', default: false, strength: on },
  { path: 'addonProfiles.httpApplicationRouting.enabled', type: 'bool', default: false, strength: off },
  { path: 'addonProfiles.kubeDashboard.enabled', type: 'bool', default: false, strength: off },
  { path: 'securityProfile.defender.securityMonitoring.enabled', type: 'bool', default: false, strength: on },
  { path: 'securityProfile.azureKeyVaultKms.enabled', type: 'bool', default: false, strength: on },
  { path: 'securityProfile.azureKeyVaultKms.keyVaultNetworkAccess', type: 'enum', default: 'Public', strength: { rank: KEY_VAULT_NETWORK_ACCESS } },
  { path: 'securityProfile.workloadIdentity.enabled', type: 'bool', default: false, strength: on },
  { path: 'securityProfile.imageCleaner.enabled', type: 'bool', default: false, strength: on },
  { path: 'oidcIssuerProfile.enabled', type: 'bool', default: false, strength: on },
  // The legacy pod identity add-on is deprecated: turning it on is the weaker state.
  { path: 'podIdentityProfile.enabled', type: 'bool', default: false, strength: off },
  { path: 'diskEncryptionSetID', type: 'presence', default: null, strength: 'presence' },
  // ReadOnly puts a deny assignment on the node resource group: its VMs, disks and NSGs cannot be changed around AKS.
  { path: 'nodeResourceGroupProfile.restrictionLevel', type: 'enum', default: 'Unrestricted', strength: { rank: NODE_RESOURCE_GROUP_RESTRICTION } },
  { path: 'autoUpgradeProfile.upgradeChannel', type: 'enum', default: 'none', strength: { rank: UPGRADE_CHANNELS } },
  { path: 'autoUpgradeProfile.nodeOSUpgradeChannel', type: 'enum', default: 'NodeImage', strength: { rank: NODE_OS_CHANNELS } },
  { path: 'kubernetesVersion', type: 'version', strength: 'version' },
  { path: '@sku.tier', type: 'enum', default: 'Free', strength: { rank: SKU_TIERS } },
];

/**
 * The security-relevant settings of each node pool. `orchestratorVersion` falls back to the cluster's version;
 * `mode` defaults by where the pool is written (see `poolModeDefault`).
 */
const POOL_SETTINGS: readonly SettingSpec[] = [
  { path: 'enableNodePublicIP', type: 'bool', default: false, strength: off },
  { path: 'enableEncryptionAtHost', type: 'bool', default: false, strength: on },
  { path: 'enableFIPS', type: 'bool', default: false, strength: on },
  { path: 'mode', type: 'enum', strength: 'none' },
  { path: 'nodeTaints', type: 'taints', default: [], strength: 'taints' },
  { path: 'securityProfile.enableSecureBoot', type: 'bool', default: false, strength: on },
  { path: 'securityProfile.enableVTPM', type: 'bool', default: false, strength: on },
  { path: 'securityProfile.sshAccess', type: 'enum', default: 'LocalUser', strength: { rank: SSH_ACCESS } },
  // Unsafe sysctls let pods change kernel parameters shared with the node.
  { path: 'kubeletConfig.allowedUnsafeSysctls', type: 'set', default: [], strength: 'members' },
  { path: 'orchestratorVersion', type: 'version', strength: 'version' },
];

/** The pool settings a pool that only the live cluster has is judged on: what a pool can be, whatever its role. */
const NEW_POOL_JUDGED: ReadonlySet<string> = new Set([
  'enableNodePublicIP',
  'enableEncryptionAtHost',
  'enableFIPS',
  'securityProfile.enableSecureBoot',
  'securityProfile.enableVTPM',
  'securityProfile.sshAccess',
  'kubeletConfig.allowedUnsafeSysctls',
]);

/** The taint AKS itself puts on every Spot pool (azurerm suppresses the same difference). */
export const SPOT_TAINT = 'kubernetes.azure.com/scalesetpriority=spot:NoSchedule';

/** The settings `driftBetween` compares: cluster settings, then per-pool settings (ARM REST paths). */
export const DRIFT_SETTINGS: { cluster: readonly string[]; pool: readonly string[] } = {
  cluster: CLUSTER_SETTINGS.map((s) => s.path),
  pool: POOL_SETTINGS.map((s) => s.path),
};

/** Shown (and written to JSON) for a setting the source does not write and Azure has no fixed default for. */
export const NOT_SET = '(not set)';

export interface DriftSide {
  /** The value, normalised (booleans from "true"/"false"); the Azure default when not written; `(not set)`; `(unknown)`. */
  value: unknown;
  /** Where the value is (or would be) written in the source; empty when the source has no place for it. */
  field: string;
  /** The value is not written: it is Azure's default. */
  defaulted?: true;
}

export interface TemplateSide extends DriftSide {
  /** Where the value came from when it is not written at the field: a Terraform variable's default or variables file. */
  from?: string;
  file: string;
  /** The line of the field, or of the resource when the field's line is not known. */
  line: number;
}

export interface DriftEntry {
  /**
   * `drift`: the values differ. `uncomparable`: a value cannot be decided offline, see `note`. `info`: the
   * values differ where the template does not constrain the setting (it leaves it to Azure, or its format
   * cannot express it) and the live value is no weaker: not drift.
   */
  status: 'drift' | 'uncomparable' | 'info';
  /** The ARM REST path below `properties` (`sku.tier` for the root-level SKU); `nodePool` for a pool on one side only. */
  setting: string;
  /** The node pool, for pool settings. */
  pool?: string;
  template: TemplateSide;
  live: DriftSide;
  /** Whether the live value is weaker than the template's (a security regression); null when that cannot be said. */
  regression: boolean | null;
  note: string;
}

interface Normalised {
  state: 'value' | 'not-set' | 'unknown';
  /** Value as compared. */
  value: unknown;
  /** Value as shown. */
  shown: unknown;
  defaulted: boolean;
  reason?: string;
}

function toBool(v: unknown): unknown {
  if (typeof v === 'string' && /^\s*(true|false)\s*$/i.test(v)) return v.trim().toLowerCase() === 'true';
  return v;
}

/** `203.0.113.7` → `203.0.113.7/32`; IPv6 lower-cased. */
function canonicalRange(v: string): string {
  const t = v.trim().toLowerCase();
  if (t.includes('/')) return t;
  return t.includes(':') ? `${t}/128` : `${t}/32`;
}

function stringSet(v: unknown, canon: (s: string) => string): unknown {
  if (!Array.isArray(v)) return v;
  const items = v.map((x) => (typeof x === 'string' ? canon(x) : JSON.stringify(x)));
  return [...new Set(items)].sort();
}

function normaliseValue(type: ValueType, v: unknown): unknown {
  switch (type) {
    case 'bool':
      return toBool(v);
    case 'enum':
      return typeof v === 'string' ? v.trim().toLowerCase() : v;
    case 'version':
      return typeof v === 'string' ? v.trim().replace(/^v/i, '') : v;
    case 'ranges':
      return stringSet(v, canonicalRange);
    case 'taints':
      return stringSet(v, (s) => s.trim());
    case 'set':
      return stringSet(v, (s) => s.trim().toLowerCase());
    case 'presence':
      return typeof v === 'string' ? v.trim() !== '' : v !== undefined && v !== null;
  }
}

function shownValue(type: ValueType, v: unknown): unknown {
  return type === 'bool' ? toBool(v) : v;
}

/** Why an element of a list is not known (a template list with one parameter in it): the element could be any value. */
function unknownElement(v: unknown): string | undefined {
  return Array.isArray(v) ? v.map(unknownReason).find((why) => why !== undefined) : undefined;
}

function normalise(spec: SettingSpec, s: Setting): Normalised {
  if (!s.known) return { state: 'unknown', value: undefined, shown: '(unknown)', defaulted: false, reason: s.reason ?? 'value not known before deployment' };
  const elementWhy = unknownElement(s.value);
  if (elementWhy !== undefined) return { state: 'unknown', value: undefined, shown: '(unknown)', defaulted: false, reason: elementWhy };
  if (s.absent || s.value === undefined) {
    if (spec.type === 'presence') return { state: 'value', value: false, shown: NOT_SET, defaulted: false };
    if (spec.default === undefined) return { state: 'not-set', value: undefined, shown: NOT_SET, defaulted: false };
    return { state: 'value', value: normaliseValue(spec.type, spec.default), shown: spec.default, defaulted: true };
  }
  const value = normaliseValue(spec.type, s.value);
  // An empty resource id is no resource.
  if (spec.type === 'presence' && value === false) return { state: 'value', value, shown: NOT_SET, defaulted: false };
  return { state: 'value', value, shown: shownValue(spec.type, s.value), defaulted: false };
}

function versionParts(v: unknown): number[] | undefined {
  if (typeof v !== 'string' || !/^\d+(\.\d+)*$/.test(v)) return undefined;
  return v.split('.').map(Number);
}

/** Compares versions on the parts both give: `1.30` and `1.30.4` are the same, `1.29.9` is below `1.30`. */
function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function same(type: ValueType, a: unknown, b: unknown): boolean {
  if (type === 'version') {
    const va = versionParts(a);
    const vb = versionParts(b);
    if (va && vb) return compareVersions(va, vb) === 0;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

interface Cidr {
  v6: boolean;
  addr: bigint;
  prefix: number;
}

function parseCidr(range: string): Cidr | undefined {
  const [ip, bits] = range.split('/');
  if (ip === undefined || bits === undefined || !/^\d+$/.test(bits)) return undefined;
  const prefix = Number(bits);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (prefix > 32 || octets.some((o) => o > 255)) return undefined;
    return { v6: false, addr: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), prefix };
  }
  if (!ip.includes(':') || prefix > 128) return undefined;
  const halves = ip.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string | undefined) => (h ? h.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return undefined;
  const all = [...head, ...Array<string>(fill).fill('0'), ...tail];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return { v6: true, addr: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), prefix };
}

function covers(outer: Cidr, inner: Cidr): boolean {
  if (outer.v6 !== inner.v6 || outer.prefix > inner.prefix) return false;
  const shift = BigInt((outer.v6 ? 128 : 32) - outer.prefix);
  return outer.addr >> shift === inner.addr >> shift;
}

const OPEN_RANGES = new Set(['0.0.0.0/0', '::/0']);
const unrestricted = (ranges: string[]) => ranges.length === 0 || ranges.some((r) => OPEN_RANGES.has(r));

/** Live ranges no template range covers. */
function uncoveredRanges(template: string[], live: string[]): string[] {
  const outer = template.map(parseCidr);
  return live.filter((range) => {
    const inner = parseCidr(range);
    return !(inner ? outer.some((o) => o !== undefined && covers(o, inner)) : template.includes(range));
  });
}

/**
 * Authorized IP ranges: an empty list (or 0.0.0.0/0) lets every address reach the API server. The live
 * list is weaker when it admits an address no template range covers.
 */
function rangesWeaker(template: unknown, live: unknown): boolean | null {
  if (!Array.isArray(template) || !Array.isArray(live)) return null;
  const t = template as string[];
  const l = live as string[];
  if (unrestricted(t)) return false;
  if (unrestricted(l)) return true;
  return uncoveredRanges(t, l).length > 0;
}

/** Why a live value is weaker, beyond the values themselves. */
function weakerDetail(spec: SettingSpec, template: unknown, live: unknown): string | undefined {
  if (spec.strength === 'members') return `the live cluster also has ${(addedMembers(template, live) ?? []).join(', ')}`;
  if (spec.strength !== 'ranges' || !Array.isArray(template) || !Array.isArray(live)) return undefined;
  if (unrestricted(live as string[])) return 'the live API server accepts every address';
  return `the live cluster also admits ${uncoveredRanges(template as string[], live as string[]).join(', ')}`;
}

/** Taints keep workloads off nodes; losing `CriticalAddonsOnly` from a system pool lets any pod share it with the add-ons. */
function taintsWeaker(template: unknown, live: unknown): boolean | null {
  if (!Array.isArray(template) || !Array.isArray(live)) return null;
  const missing = (template as string[]).filter((t) => !(live as string[]).includes(t));
  if (missing.length === 0) return false;
  return missing.some((t) => t.startsWith('CriticalAddonsOnly')) ? true : null;
}

/** Whether a template member admits a live one: equal, or a template wildcard (`net.*`, as kubelet reads sysctl patterns) covers it. */
function memberCovered(template: string[], member: string): boolean {
  return template.some((t) => t === member || (t.endsWith('*') && member.startsWith(t.slice(0, -1))));
}

/** Live members the template does not admit. */
function addedMembers(template: unknown, live: unknown): string[] | undefined {
  if (!Array.isArray(template) || !Array.isArray(live)) return undefined;
  return (live as string[]).filter((m) => !memberCovered(template as string[], m));
}

function weaker(spec: SettingSpec, template: unknown, live: unknown): boolean | null {
  const st = spec.strength;
  if (st === 'none') return null;
  if (st === 'members') {
    const added = addedMembers(template, live);
    return added === undefined ? null : added.length > 0;
  }
  if (st === 'ranges') return rangesWeaker(template, live);
  if (st === 'taints') return taintsWeaker(template, live);
  if (st === 'presence') return template === true && live === false;
  if (st === 'version') {
    const t = versionParts(template);
    const l = versionParts(live);
    return t && l ? compareVersions(l, t) < 0 : null;
  }
  if ('secure' in st) {
    if (typeof template !== 'boolean' || typeof live !== 'boolean') return null;
    return live !== st.secure && template === st.secure;
  }
  const t = typeof template === 'string' ? st.rank[template] : undefined;
  const l = typeof live === 'string' ? st.rank[live] : undefined;
  return t === undefined || l === undefined ? null : l < t;
}

/** A node pool's setting, or the cluster's Kubernetes version for a pool that does not pin its own. */
type Reader = (path: string) => { setting: Setting; inherited?: string };

interface Side {
  read: Reader;
  /** The other settings of the same cluster or pool, for defaults that depend on them. */
  get: (path: string) => Setting;
  /** What Azure gives a setting this side does not write, where that depends on the side itself (a pool's mode). */
  defaultFor?: (path: string) => unknown;
  file: string;
  line: number;
  /** The field an adapter names for a setting its source has no attribute for (Terraform has none for some). */
  noAttribute: string;
  /** The resource's fields whose values came from elsewhere (Terraform variables). */
  valueSources?: Readonly<Record<string, string>> | undefined;
}

/** The setting compared on one side, with the default that applies there when it is not written. */
function normaliseOn(spec: SettingSpec, side: Side, s: Setting): Normalised {
  if (!s.known || !(s.absent || s.value === undefined)) return normalise(spec, s);
  const own = side.defaultFor?.(spec.path);
  if (own !== undefined) return normalise({ ...spec, default: own }, s);
  if (!spec.defaultFrom) return normalise(spec, s);
  const d = spec.defaultFrom(side.get);
  if ('unknown' in d) return normalise(spec, { ...s, known: false, reason: d.unknown });
  return normalise({ ...spec, default: d.value }, s);
}

/** A live list with 0.0.0.0/0 or ::/0 admits every address: weaker than any restricted list a template value can turn out to be. */
function openToEveryAddress(spec: SettingSpec, live: Normalised): boolean {
  return spec.strength === 'ranges' && live.state === 'value' && Array.isArray(live.value) && (live.value as string[]).some((r) => OPEN_RANGES.has(r));
}

/**
 * A template list of n entries, some not known offline, grants at most n members: a live list with more
 * has members the template does not, whatever its unknown entries turn out to be.
 */
function membersBeyondTemplate(spec: SettingSpec, template: Setting, live: Normalised): string | undefined {
  if (spec.strength !== 'members' || !template.known || !Array.isArray(template.value) || live.state !== 'value' || !Array.isArray(live.value)) return undefined;
  const entries = template.value as unknown[];
  const known = entries.filter((e): e is string => typeof e === 'string').map((e) => e.trim().toLowerCase());
  const open = entries.length - known.length;
  const beyond = (live.value as string[]).filter((m) => !memberCovered(known, m));
  return beyond.length > open ? `the live cluster has ${beyond.length} entries beyond the template's known ones, where the template leaves ${open} open` : undefined;
}

function compareSetting(spec: SettingSpec, template: Side, live: Side, pool?: string): DriftEntry | undefined {
  const tr = template.read(spec.path);
  const lr = live.read(spec.path);
  const t = normaliseOn(spec, template, tr.setting);
  const l = normaliseOn(spec, live, lr.setting);
  const templateSide: TemplateSide = { value: t.shown, field: tr.setting.field, file: template.file, line: template.line };
  const liveSide: DriftSide = { value: l.shown, field: lr.setting.field };
  if (t.defaulted) templateSide.defaulted = true;
  if (l.defaulted) liveSide.defaulted = true;
  const from = t.state === 'value' && template.valueSources ? valueSourceOf(template.valueSources, tr.setting.field) : undefined;
  if (from !== undefined) templateSide.from = from;
  const base = { setting: spec.path.replace(/^@/, ''), ...(pool !== undefined ? { pool } : {}), template: templateSide, live: liveSide };
  if (t.state === 'unknown' && openToEveryAddress(spec, l)) {
    const note = `weaker in the live cluster: the live API server accepts every address, which no restricted template list allows (the template value is not known: ${t.reason})`;
    return { status: 'drift', ...base, regression: true, note };
  }
  const extra = membersBeyondTemplate(spec, tr.setting, l);
  if (t.state === 'unknown' && extra !== undefined) {
    return { status: 'drift', ...base, regression: true, note: `weaker in the live cluster: ${extra} (some template values are not known: ${t.reason})` };
  }
  if (t.state === 'unknown' || l.state === 'unknown') {
    const why = t.state === 'unknown' ? t.reason : `the live value is not known (${l.reason})`;
    return { status: 'uncomparable', ...base, regression: null, note: `cannot compare: ${why}` };
  }
  if (t.state === 'not-set' && l.state === 'not-set') return undefined;
  if (t.state === 'value' && l.state === 'value' && same(spec.type, t.value, l.value)) return undefined;
  let regression: boolean | null = null;
  const notes: string[] = [];
  const noAttribute = tr.setting.known && tr.setting.absent === true && tr.setting.field === template.noAttribute;
  if (noAttribute) notes.push('the template format has no attribute for it');
  if (t.state === 'not-set') notes.push('the template leaves it to Azure');
  else if (l.state === 'not-set') notes.push('the live cluster does not report it');
  else regression = weaker(spec, t.value, l.value);
  if (regression === true) {
    const detail = weakerDetail(spec, t.value, l.value);
    notes.unshift(detail ? `weaker in the live cluster: ${detail}` : 'weaker in the live cluster');
  }
  if (from !== undefined) notes.push(`template value from ${from}`);
  if (tr.inherited) notes.push(`template pool follows ${tr.inherited}`);
  if (lr.inherited) notes.push(`live pool follows ${lr.inherited}`);
  // What the template does not constrain cannot drift from it; only a live value weaker than the default matters.
  const unconstrained = t.state === 'not-set' || (noAttribute && regression !== true);
  return { status: unconstrained ? 'info' : 'drift', ...base, regression, note: notes.join('; ') };
}

function clusterSide(cluster: AksCluster): Side {
  return { read: (path) => ({ setting: cluster.get(path) }), get: cluster.get, file: cluster.resource.source.file, line: cluster.resource.source.line, noAttribute: '', valueSources: cluster.resource.valueSources };
}

function isSpot(pool: AksNodePool): boolean {
  const priority = pool.get('scaleSetPriority');
  return priority.known && typeof priority.value === 'string' && priority.value.trim().toLowerCase() === 'spot';
}

/** AKS taints every Spot pool itself; a template need not write that taint, so it is not compared. */
function withoutSpotTaint(pool: AksNodePool, taints: Setting): Setting {
  if (!taints.known || !Array.isArray(taints.value) || !isSpot(pool)) return taints;
  return { ...taints, value: (taints.value as unknown[]).filter((t) => !(typeof t === 'string' && t.trim() === SPOT_TAINT)) };
}

/**
 * The mode AKS gives a pool that does not write one: a pool added as its own resource (agentPools,
 * azurerm_kubernetes_cluster_node_pool) is a User pool; of the pools written in the cluster, the first is the
 * System pool every cluster needs and the others are User pools.
 */
function poolModeDefault(cluster: AksCluster, pool: AksNodePool): string {
  if (pool.resource !== cluster.resource) return 'User';
  return cluster.nodePools.find((p) => p.resource === cluster.resource) === pool ? 'System' : 'User';
}

function poolSide(cluster: AksCluster, pool: AksNodePool): Side {
  return {
    read: (path) => {
      const setting = pool.get(path);
      if (path === 'nodeTaints') return { setting: withoutSpotTaint(pool, setting) };
      if (path !== 'orchestratorVersion' || !setting.known || !setting.absent) return { setting };
      // A pool without its own version runs the control plane's.
      const version = cluster.get('kubernetesVersion');
      return version.absent ? { setting } : { setting: { ...version }, inherited: 'the cluster version' };
    },
    get: pool.get,
    defaultFor: (path) => (path === 'mode' ? poolModeDefault(cluster, pool) : undefined),
    file: pool.resource.source.file,
    line: pool.resource.source.line,
    noAttribute: poolField(pool),
    valueSources: pool.resource.valueSources,
  };
}

/** Pools matched by name, case-insensitively (Azure pool names are lower-case; Terraform may write them otherwise). */
function poolIndex(cluster: AksCluster): Map<string, AksNodePool> {
  const byName = new Map<string, AksNodePool>();
  for (const p of cluster.nodePools) if (!byName.has(p.name.toLowerCase())) byName.set(p.name.toLowerCase(), p);
  return byName;
}

function onlyOnOneSide(pool: AksNodePool, side: 'template' | 'live', own: AksCluster, other: AksCluster): DriftEntry {
  // A pool written as its own resource is the whole resource; one inside the cluster is its profile entry.
  const here = { value: 'present', field: pool.resource === own.resource ? poolField(pool) : '' };
  const absent = { value: '(absent)', field: '' };
  const otherFile = other.resource.source;
  return side === 'template'
    ? {
        status: 'drift',
        setting: 'nodePool',
        pool: pool.name,
        template: { ...here, file: pool.resource.source.file, line: pool.resource.source.line },
        live: absent,
        regression: null,
        note: 'node pool only in the template',
      }
    : {
        status: 'drift',
        setting: 'nodePool',
        pool: pool.name,
        template: { ...absent, file: otherFile.file, line: otherFile.line },
        live: here,
        regression: false,
        note: 'node pool only in the live cluster: its security settings are no weaker than a new pool gets',
      };
}

interface Baseline {
  value: Normalised;
  /** Whose value it is, for the note. */
  from: string;
}

/** What a pool added to the template would get: the value every template pool has, else Azure's default for a new pool. */
function newPoolBaseline(spec: SettingSpec, template: AksCluster): Baseline {
  const values = template.nodePools.map((p) => {
    const side = poolSide(template, p);
    return normaliseOn(spec, side, side.read(spec.path).setting);
  });
  const first = values[0];
  const agreed = first !== undefined && values.every((v) => v.state === 'value' && first.state === 'value' && same(spec.type, v.value, first.value));
  if (agreed && !first.defaulted) return { value: first, from: values.length === 1 ? "the template's pool" : "every template pool" };
  return { value: normalise(spec, { value: undefined, known: true, absent: true, field: '' }), from: "Azure's default for a new pool" };
}

/** A pool only the live cluster has, and each of its settings that is weaker than a new pool would get. */
function liveOnlyPool(pool: AksNodePool, live: AksCluster, template: AksCluster): DriftEntry[] {
  const side = poolSide(live, pool);
  const where = template.resource.source;
  const weakerOnes: DriftEntry[] = [];
  for (const spec of POOL_SETTINGS) {
    if (!NEW_POOL_JUDGED.has(spec.path)) continue;
    const read = side.read(spec.path);
    const l = normaliseOn(spec, side, read.setting);
    const base = newPoolBaseline(spec, template);
    if (l.state !== 'value' || base.value.state !== 'value' || weaker(spec, base.value.value, l.value) !== true) continue;
    const detail = weakerDetail(spec, base.value.value, l.value);
    const templateSide: TemplateSide = { value: base.value.shown, field: '', file: where.file, line: where.line };
    if (base.value.defaulted) templateSide.defaulted = true;
    const liveSide: DriftSide = { value: l.shown, field: read.setting.field };
    if (l.defaulted) liveSide.defaulted = true;
    const note = `weaker in the live cluster than ${base.from}${detail ? `: ${detail}` : ''}; the pool is only in the live cluster`;
    weakerOnes.push({ status: 'drift', setting: spec.path, pool: pool.name, template: templateSide, live: liveSide, regression: true, note });
  }
  const entry = onlyOnOneSide(pool, 'live', live, template);
  if (weakerOnes.length > 0) {
    // The settings below carry the regression; the pool's existence alone is neither weaker nor stronger.
    entry.regression = null;
    entry.note = `node pool only in the live cluster: ${weakerOnes.map((e) => e.setting).join(', ')} weaker than a new pool gets`;
  }
  return [entry, ...weakerOnes];
}

/** The field of a pool's name (`properties.agentPoolProfiles[1].name`, `default_node_pool[0].name`), from where its settings are read. */
function poolField(pool: AksNodePool): string {
  const f = pool.get('name').field;
  return f.endsWith('.name') ? f.slice(0, -'.name'.length) : f;
}

/**
 * The security-relevant settings where the live cluster differs from its template, after normalisation
 * (enum case, "true"/"false" strings, Azure defaults for settings that are not written), the ones that
 * cannot be compared because a value is not known offline, and (as `info`) the differences in settings
 * the template does not constrain. Node pools are matched by name; a pool only the live cluster has is
 * judged against what a new pool would get.
 */
export function driftBetween(template: AksCluster, live: AksCluster): DriftEntry[] {
  const out: DriftEntry[] = [];
  const t = clusterSide(template);
  const l = clusterSide(live);
  for (const spec of CLUSTER_SETTINGS) {
    const entry = compareSetting(spec, t, l);
    if (entry) out.push(entry);
  }
  const livePools = poolIndex(live);
  const seen = new Set<string>();
  for (const pool of template.nodePools) {
    const key = pool.name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const match = livePools.get(key);
    if (!match) {
      out.push(onlyOnOneSide(pool, 'template', template, live));
      continue;
    }
    const tp = poolSide(template, pool);
    const lp = poolSide(live, match);
    for (const spec of POOL_SETTINGS) {
      const entry = compareSetting(spec, tp, lp, pool.name);
      if (entry) out.push(entry);
    }
  }
  for (const [key, pool] of livePools) if (!seen.has(key)) out.push(...liveOnlyPool(pool, live, template));
  return out;
}
