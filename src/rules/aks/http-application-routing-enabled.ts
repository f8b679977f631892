import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, queryPathOf, reportUnknown } from './lib/cluster-settings.js';

const ENABLED = 'addonProfiles.httpApplicationRouting.enabled';

export default defineRule({
  meta: {
    id: 'aks/http-application-routing-enabled',
    title: 'HTTP application routing add-on is enabled',
    severity: 'medium',
    pillar: 'network',
    frameworks: [{ framework: 'checkov', id: 'CKV_AZURE_246' }],
    description:
      'The HTTP application routing add-on was designed for development only and is retired: it runs an ingress ' +
      'controller behind a public load balancer, lets the cluster write records into a public DNS zone, serves ' +
      'plain HTTP, and its components no longer receive updates. It is off unless enabled.',
    remediation:
      'Disable it: az aks disable-addons --addons http_application_routing (addonProfiles.httpApplicationRouting.enabled: ' +
      'false in templates; http_application_routing_enabled = false in Terraform), and use the application ' +
      'routing add-on (az aks approuting enable) or an ingress controller you manage.',
    references: ['https://learn.microsoft.com/azure/aks/http-application-routing', 'https://learn.microsoft.com/azure/aks/app-routing'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get(ENABLED);
    const verify = aksVerify(cluster, queryPathOf(cluster, s, ENABLED));
    if (!s.known) return reportUnknown(ctx, `cluster ${cluster.name}`, s, false, verify);
    if (s.absent || flag(s) !== true) return;
    ctx.report({
      field: s.field,
      message: `cluster ${cluster.name} runs the retired HTTP application routing add-on (addonProfiles.httpApplicationRouting.enabled is ${JSON.stringify(s.value)})`,
      evidence: { observed: s.value, expected: false },
      verify,
    });
  },
});
