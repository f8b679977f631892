import { escapeKey } from '../../core/field-path.js';
import { asArray, asObj, asString, stringMap } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { servicePorts } from './lib/service.js';

const INTERNAL = 'service.beta.kubernetes.io/azure-load-balancer-internal';
/** AKS's own annotation (cloud-provider-azure), comma-separated CIDRs. */
const ALLOWED_IP_RANGES = 'service.beta.kubernetes.io/azure-allowed-ip-ranges';
/** The older Kubernetes annotation, which cloud-provider-azure still reads beside the AKS one. */
const SOURCE_RANGES = 'service.beta.kubernetes.io/load-balancer-source-ranges';
/** Azure service tags (`AzureFrontDoor.Backend`) allowed instead of addresses. */
const SERVICE_TAGS = 'service.beta.kubernetes.io/azure-allowed-service-tags';

const annotationField = (key: string): string => `metadata.annotations.${escapeKey(key)}`;
const split = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

/** A prefix of length 0 admits every address; cloud-provider-azure then opens the rule to the internet. */
const admitsAll = (cidr: string): boolean => /\/0$/.test(cidr);
/** The `Internet` service tag (and `*`) is every address too. */
const openTag = (tag: string): boolean => tag === '*' || tag.toLowerCase() === 'internet';

interface Restriction {
  field: string;
  entries: string[];
  open: (entry: string) => boolean;
}

export default defineRule({
  meta: {
    id: 'network/load-balancer-without-source-ranges',
    title: 'Public load balancer accepts connections from any address',
    severity: 'medium',
    pillar: 'network',
    frameworks: [{ framework: 'kubescape', id: 'C-0256' }],
    description:
      'A Service of type LoadBalancer on AKS gets a public IP on the cluster\'s Azure load balancer unless it ' +
      'is annotated service.beta.kubernetes.io/azure-load-balancer-internal: "true". The network security group ' +
      'rule AKS writes for it admits the internet unless the Service names its clients: spec.loadBalancerSourceRanges, ' +
      'the annotations service.beta.kubernetes.io/azure-allowed-ip-ranges or load-balancer-source-ranges, or ' +
      'azure-allowed-service-tags. A range of 0.0.0.0/0 or ::/0 (or the Internet tag) admits everyone. ' +
      'NetworkPolicies do not help: the connections arrive through the node, usually from its address.',
    remediation:
      'List the client networks in spec.loadBalancerSourceRanges (or the azure-allowed-ip-ranges annotation; not ' +
      'both), or make the Service internal (service.beta.kubernetes.io/azure-load-balancer-internal: "true") and ' +
      'publish it through Application Gateway, Front Door or an ingress controller with a web application firewall.',
    references: [
      'https://learn.microsoft.com/azure/aks/load-balancer-standard',
      'https://kubernetes-sigs.github.io/cloud-provider-azure/topics/loadbalancer/',
    ],
  },
  target: { kinds: ['Service'] },
  check(ctx) {
    const svc = ctx.resource;
    const spec = asObj(svc.object.spec) ?? {};
    if (spec.type !== 'LoadBalancer') return;
    // Another load balancer implementation owns the Service; its own settings decide who may connect.
    if (asString(spec.loadBalancerClass) !== undefined) return;
    const annotations = stringMap(asObj(svc.object.metadata)?.annotations);
    if (annotations[INTERNAL]?.trim().toLowerCase() === 'true') return;

    const restrictions: Restriction[] = [];
    const ranges = asArray(spec.loadBalancerSourceRanges);
    ranges.forEach((r, i) => {
      if (typeof r === 'string' && r.trim()) restrictions.push({ field: `spec.loadBalancerSourceRanges[${i}]`, entries: [r.trim()], open: admitsAll });
    });
    for (const key of [ALLOWED_IP_RANGES, SOURCE_RANGES, SERVICE_TAGS]) {
      const value = annotations[key];
      if (value === undefined || split(value).length === 0) continue;
      restrictions.push({ field: annotationField(key), entries: split(value), open: key === SERVICE_TAGS ? openTag : admitsAll });
    }

    const name = `${svc.namespace ? `${svc.namespace}/` : ''}${svc.name}`;
    const ports = servicePorts(spec);
    const opening = restrictions.find((r) => r.entries.some(r.open));
    if (opening) {
      const entry = opening.entries.find(opening.open) as string;
      ctx.report({
        field: opening.field,
        message: `Service ${name} is a public load balancer${ports ? ` on ${ports}` : ''} that admits ${entry}: any address on the internet can connect`,
        evidence: { observed: entry, expected: 'the client networks only, never 0.0.0.0/0, ::/0 or the Internet tag' },
      });
      return;
    }
    if (restrictions.length > 0) return;
    ctx.report({
      field: 'spec.type',
      message: `Service ${name} is a public load balancer${ports ? ` on ${ports}` : ''} with no loadBalancerSourceRanges or allowed-ranges annotation: any address on the internet can connect`,
      evidence: {
        observed: { type: 'LoadBalancer', internal: false, loadBalancerSourceRanges: [] },
        expected: `loadBalancerSourceRanges (or ${ALLOWED_IP_RANGES}) naming the clients, or ${INTERNAL}: "true"`,
      },
    });
  },
});
