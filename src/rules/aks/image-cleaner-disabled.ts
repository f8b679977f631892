import { aksVerify, CLUSTER_KINDS } from '../../analyses/aks/index.js';
import { defineRule } from '../../core/rule.js';
import { clusterOf, flag, observed } from './lib/cluster-settings.js';

export default defineRule({
  meta: {
    id: 'aks/image-cleaner-disabled',
    title: 'Image Cleaner is not enabled',
    severity: 'low',
    pillar: 'addons',
    frameworks: [{ framework: 'azure-policy', id: 'af3c26b2-6fad-493e-9236-9c68928516ab' }],
    description:
      'Nodes keep every image they ever pulled. Unused images with known vulnerabilities stay on disk, where a ' +
      'pod with imagePullPolicy IfNotPresent that names one starts from the cached copy without asking the ' +
      'registry. Image Cleaner (Eraser) removes unused vulnerable images on a schedule. ' +
      'securityProfile.imageCleaner.enabled is false unless set.',
    remediation:
      'Enable it: az aks update --enable-image-cleaner [--image-cleaner-interval-hours 24] ' +
      '(securityProfile.imageCleaner {enabled: true, intervalHours} in templates; image_cleaner_enabled = true in ' +
      'Terraform).',
    references: ['https://learn.microsoft.com/azure/aks/image-cleaner'],
  },
  target: { kinds: [...CLUSTER_KINDS] },
  check(ctx) {
    const cluster = clusterOf(ctx);
    if (!cluster) return;
    const s = cluster.get('securityProfile.imageCleaner.enabled');
    // Low severity: an undecidable value is not worth a finding.
    if (!s.known || flag(s) === true) return;
    ctx.report({
      field: s.field,
      message: `cluster ${cluster.name} does not remove unused vulnerable images (securityProfile.imageCleaner.enabled ${s.absent ? 'not set, default false' : `is ${JSON.stringify(s.value)}`})`,
      evidence: { observed: observed(s, false), expected: true },
      verify: aksVerify(cluster, 'securityProfile.imageCleaner.enabled'),
    });
  },
});
