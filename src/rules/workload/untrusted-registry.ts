import { asString } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { parseImageReference, registryMatches } from '../../core/image-reference.js';
import { celRegistryTrusted, IMAGES_VARIABLE } from './lib/image-reference-cel.js';
import { describe } from './lib/containers.js';

export default defineRule({
  meta: {
    id: 'workload/untrusted-registry',
    title: 'Image comes from an untrusted registry',
    severity: 'high',
    pillar: 'images',
    frameworks: [
      { framework: 'kubescape', id: 'C-0078' },
      { framework: 'trivy', id: 'KSV0125' },
      { framework: 'mitre', id: 'T1610' },
    ],
    description:
      'Images should come only from registries the organisation controls or vets (by default any Azure Container ' +
      'Registry and mcr.microsoft.com): there they are scanned, signed and kept. An image from anywhere else ' +
      'bypasses that supply chain, and a public repository can be replaced or typosquatted. The registry is the ' +
      'host of the image reference; an image without one (nginx, bitnami/redis) comes from docker.io. The trusted ' +
      'list is the trustedRegistries setting: exact hosts (with the port when there is one; :443 is the same as none) or *.suffix for any ' +
      'subdomain. With an empty list the rule reports nothing.',
    remediation:
      'Import the image into a trusted registry (az acr import) and reference it there, or add its registry to ' +
      'settings.trustedRegistries if the organisation trusts it.',
    references: [
      'https://learn.microsoft.com/azure/container-registry/container-registry-import-images',
      'https://learn.microsoft.com/azure/aks/concepts-security#build-security',
    ],
  },
  target: { pods: true },
  cel: {
    validation(settings) {
      if (settings.trustedRegistries.length === 0) return { inactive: 'settings.trustedRegistries is empty, so every registry passes' };
      return { variables: [IMAGES_VARIABLE], expression: `variables.images.all(r, ${celRegistryTrusted(settings.trustedRegistries)})` };
    },
  },
  check(ctx) {
    const trusted = ctx.settings.trustedRegistries;
    if (trusted.length === 0) return;
    for (const c of ctx.containers()) {
      const image = asString(c.spec.image);
      const ref = image === undefined ? undefined : parseImageReference(image);
      if (!ref || trusted.some((p) => registryMatches(ref.registry, p))) continue;
      ctx.report({
        container: c.name,
        field: c.path('image'),
        message: `${describe(c)} pulls ${image} from ${ref.registry}, which is not a trusted registry`,
        evidence: { observed: ref.registry, expected: trusted, image },
      });
    }
  },
});
