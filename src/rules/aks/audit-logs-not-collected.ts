import { CLUSTER_KINDS, diagnosticSettingsFor, resourceGroupOf, type AksCluster, type DiagnosticSettingView } from '../../analyses/aks/index.js';
import { asString } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf } from './lib/cluster-settings.js';

const FULL_AUDIT = 'kube-audit';
const AUDIT_CATEGORIES = new Set([FULL_AUDIT, 'kube-audit-admin']);

/** What kube-audit-admin leaves out, as the remediation says it. */
const ADMIN_ONLY_GAP =
  'kube-audit-admin leaves out get and list requests (secret reads, and exec, attach and port-forward, which kubectl 1.30 and later open as a WebSocket GET): only kube-audit records them';

function listCommand(cluster: AksCluster): string {
  const id = asString(cluster.resource.object.id);
  const resource = id && id.startsWith('/') ? id : `$(az aks show --resource-group ${resourceGroupOf(cluster)} --name ${cluster.name} --query id -o tsv)`;
  return `az monitor diagnostic-settings list --resource ${resource} -o json`;
}

/** The audit categories a setting collects (known and enabled), lower-cased, in the order the source lists them. */
function auditCategoriesOf(ds: DiagnosticSettingView): string[] {
  const found = ds.logs.filter((l) => l.known && l.enabled && AUDIT_CATEGORIES.has(l.category.toLowerCase())).map((l) => l.category.toLowerCase());
  return [...new Set(found)];
}

const DESTINATION_NAMES: Record<string, string> = {
  workspace: 'Log Analytics workspace',
  storageAccount: 'storage account',
  eventHub: 'event hub',
  marketplace: 'partner solution',
};

/** Where one setting sends the audit logs, and why the scan cannot see how long they are kept there. */
interface Destination {
  where: string;
  why: string;
}

function destinationOf(ds: DiagnosticSettingView): Destination {
  const d = ds.destinations;
  const unknownDest = Object.entries(ds.unknownDestinations).find(([, why]) => why !== undefined);
  if (unknownDest) return { where: DESTINATION_NAMES[unknownDest[0]] ?? unknownDest[0], why: `the destination is not known offline: ${unknownDest[1] as string}` };
  // Azure Monitor stopped applying a diagnostic setting's retentionPolicy on 30 September 2025: what a
  // storage account keeps is up to its lifecycle management rules, which the scan does not read.
  if (d.storageAccount && (d.workspace ?? d.eventHub ?? d.marketplace) === undefined)
    return { where: 'storage account', why: "diagnostic settings no longer apply a retention to storage accounts; the account's lifecycle management rules decide" };
  if (d.workspace) return { where: 'Log Analytics workspace', why: 'the workspace and its tables set it' };
  if (d.eventHub) return { where: 'event hub', why: 'whatever reads the event hub decides' };
  return { where: 'partner solution', why: 'the partner solution decides' };
}

export default defineRule({
  meta: {
    id: 'aks/audit-logs-not-collected',
    title: 'Kubernetes audit logs are not collected',
    severity: 'high',
    pillar: 'monitoring',
    frameworks: [
      { framework: 'cis-aks', id: '2.1.1' },
      { framework: 'azure-policy', id: '245fc9df-fa96-4414-9a0b-3738c2f7341c' },
    ],
    description:
      'The Kubernetes audit log records who did what through the API server: the only record of a stolen ' +
      'token being used, a secret read, or a privileged pod created. AKS keeps it only when a diagnostic ' +
      'setting on the cluster sends the kube-audit or kube-audit-admin category (or the audit / allLogs ' +
      'category group) to a Log Analytics workspace, storage account, event hub or partner solution. How long ' +
      'they are kept is not in the setting: a workspace keeps logs as long as its tables say, and a storage ' +
      'account as long as its lifecycle management rules say (Azure Monitor stopped applying a diagnostic ' +
      'setting\'s retentionPolicy in September 2025), so the rule reports a note to check that it is at least ' +
      'settings.aks.auditRetentionDays, and says what kube-audit-admin leaves out when only it is collected. When ' +
      'the scan holds no diagnostic settings at all, the rule cannot tell and says so: an empty list printed by az ' +
      'monitor diagnostic-settings list ([]) names no cluster, so it reads as no settings given; scan --aks reads ' +
      'the cluster\'s settings itself and knows when there are none.',
    remediation:
      'Add a diagnostic setting to the cluster that sends kube-audit to a Log Analytics ' +
      'workspace or storage account (az monitor diagnostic-settings create --resource <cluster id> --name audit ' +
      '--workspace <workspace id> --logs \'[{"category":"kube-audit","enabled":true}]\'; ' +
      'azurerm_monitor_diagnostic_setting with enabled_log { category = "kube-audit" } in Terraform). ' +
      'kube-audit-admin costs less but leaves out get and list requests: secret reads, and exec, attach and ' +
      'port-forward, which kubectl 1.30 and later open as a WebSocket GET. Keep ' +
      'the logs at least the required number of days (workspace table retention; a storage lifecycle management ' +
      'rule). To let the scan see the settings, include the output of az ' +
      'monitor diagnostic-settings list --resource <cluster id> -o json among the scanned files, or scan the ' +
      'cluster with --aks <cluster id> (the only way a cluster without any setting is seen as one).',
    references: [
      'https://learn.microsoft.com/azure/aks/monitor-aks#resource-logs',
      'https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const verify = listCommand(cluster);
    const required = ctx.settings.aks.auditRetentionDays;
    const settings = diagnosticSettingsFor(cluster, ctx.inventory);
    if (settings === undefined) {
      ctx.report({
        severity: 'info',
        message: `cluster ${cluster.name}: the scan holds no diagnostic settings, so it cannot tell whether kube-audit logs are collected`,
        evidence: { observed: 'no diagnostic settings in the scan', expected: 'a diagnostic setting sending kube-audit or kube-audit-admin' },
        verify,
      });
      return;
    }
    // The first setting that sends the full kube-audit log somewhere, else the first that sends kube-audit-admin:
    // how long they stay there is never in the setting.
    let collecting: { ds: DiagnosticSettingView; categories: string[] } | undefined;
    const undecided: Array<{ ds: DiagnosticSettingView; why: string }> = [];
    for (const ds of settings) {
      const categories = auditCategoriesOf(ds);
      const hasDestination = Object.values(ds.destinations).some((v) => v !== undefined && v !== '');
      if (categories.length === 0) {
        const open = ds.logs.find((l) => !l.known);
        if (open) undecided.push({ ds, why: open.reason ?? 'a log entry is not known offline' });
        continue;
      }
      if (!hasDestination) continue;
      if (!collecting || (!collecting.categories.includes(FULL_AUDIT) && categories.includes(FULL_AUDIT))) collecting = { ds, categories };
    }
    if (collecting) {
      const { ds, categories } = collecting;
      const to = destinationOf(ds);
      const full = categories.includes(FULL_AUDIT);
      ctx.report({
        severity: 'info',
        message:
          `cluster ${cluster.name} sends ${full ? FULL_AUDIT : categories.join(', ')} logs to a ${to.where} (diagnostic setting ${ds.name}) whose retention the scan cannot see (${to.why}): ` +
          `check that it keeps them at least ${required} days${full ? '' : `; ${ADMIN_ONLY_GAP}`}`,
        evidence: { observed: { diagnosticSetting: ds.name, categories, destinations: ds.destinations }, expected: `retention >= ${required} days` },
        verify,
      });
      return;
    }
    if (undecided.length > 0) {
      const first = undecided[0] as (typeof undecided)[number];
      ctx.report({
        severity: 'info',
        message: `cluster ${cluster.name}: diagnostic setting ${first.ds.name} has log categories the scan cannot decide (${first.why}), so it cannot tell whether kube-audit logs are collected`,
        evidence: { observed: { diagnosticSetting: first.ds.name }, expected: 'kube-audit or kube-audit-admin enabled with a destination' },
        verify,
      });
      return;
    }
    const names = settings.map((ds) => ds.name);
    ctx.report({
      message:
        settings.length === 0
          ? `cluster ${cluster.name} has no diagnostic setting: kube-audit logs are not collected`
          : `cluster ${cluster.name} collects no kube-audit or kube-audit-admin logs: its diagnostic settings (${names.join(', ')}) do not send them anywhere`,
      evidence: {
        observed: settings.map((ds) => ({
          diagnosticSetting: ds.name,
          categories: ds.logs.filter((l) => l.known && l.enabled).map((l) => l.category),
          destinations: Object.keys(ds.destinations),
        })),
        expected: 'kube-audit or kube-audit-admin enabled, with a destination',
      },
      verify,
    });
  },
});
