import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, fieldOf, flag, queryPathOf, reportUnknown } from './lib/cluster-settings.js';

// Any of these sends node and container telemetry to Azure Monitor; the first is the classic add-on.
const SOURCES = [
  { path: 'addonProfiles.omsagent.enabled' },
  { path: 'azureMonitorProfile.containerInsights.enabled' },
  { path: 'azureMonitorProfile.metrics.enabled' },
] as const;

export default defineRule({
  meta: {
    id: 'aks/container-insights-disabled',
    title: 'Cluster does not send monitoring data to Azure Monitor',
    severity: 'medium',
    pillar: 'monitoring',
    frameworks: [
      { framework: 'checkov', id: 'CKV_AZURE_4' },
      { framework: 'trivy', id: 'AVD-AZU-0040' },
    ],
    description:
      'Without Container Insights (the monitoring add-on, addonProfiles.omsagent, or azureMonitorProfile.' +
      'containerInsights) or Azure Monitor managed Prometheus (azureMonitorProfile.metrics), container logs, ' +
      'Kubernetes events and node and pod metrics are not collected off the cluster: an intrusion or a crash ' +
      'loop leaves no record once the pod or node is gone. All are off unless enabled.',
    remediation:
      'Enable Container Insights with a Log Analytics workspace (az aks enable-addons --addons monitoring ' +
      '--workspace-resource-id <id>; oms_agent { log_analytics_workspace_id } in Terraform), and managed ' +
      'Prometheus for metrics (az aks update --enable-azure-monitor-metrics).',
    references: [
      'https://learn.microsoft.com/azure/azure-monitor/containers/kubernetes-monitoring-enable',
      'https://learn.microsoft.com/azure/aks/monitor-aks',
    ],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const found = SOURCES.map((src) => {
      const s = cluster.get(src.path);
      return { ...src, s, cli: queryPathOf(cluster, s, src.path) };
    });
    if (found.some((x) => x.s.known && flag(x.s) === true)) return;
    const unknown = found.find((x) => !x.s.known);
    if (unknown) return reportUnknown(ctx, `cluster ${cluster.name}`, unknown.s, true, aksVerify(cluster, unknown.cli));
    const main = found[0] as (typeof found)[number];
    ctx.report({
      field: fieldOf(main.s),
      message: `cluster ${cluster.name} sends no logs or metrics to Azure Monitor: Container Insights and managed Prometheus are off`,
      evidence: {
        observed: Object.fromEntries(found.map((x) => [x.path, x.s.absent ? null : x.s.value])),
        expected: { 'addonProfiles.omsagent.enabled': true },
      },
      verify: aksVerify(cluster, main.cli),
    });
  },
});
