import { asString } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { isValidDigest, parseImageReference, repositoryMatches } from '../../core/image-reference.js';
import { CEL_VALID_DIGEST, celRepositoryMatches, IMAGES_VARIABLE } from './lib/image-reference-cel.js';
import { describe } from './lib/containers.js';

export default defineRule({
  meta: {
    id: 'workload/image-not-pinned-by-digest',
    title: 'Image is not pinned by digest',
    severity: 'low',
    pillar: 'images',
    frameworks: [{ framework: 'kubescape', id: 'C-0306' }],
    description:
      'Tags are mutable: whoever can push to the repository can change what a tag points at. Only a digest ' +
      '(@sha256:...) names exactly one image, so the image that was scanned and approved is the image that runs. ' +
      'A digest that does not follow the OCI digest format (a sha256 digest must be 64 lowercase hex digits) pins ' +
      'nothing and is reported too. Repositories matching the digestExemptImages setting are not reported: globs ' +
      'such as mcr.microsoft.com/oss/* or nginx, matched against the name as written, its short form and its ' +
      'fully qualified form (docker.io/library/nginx), where * also crosses /. References that cannot be parsed ' +
      '(unrendered templates) are skipped.',
    remediation:
      'Reference the image by digest (registry/app:1.4.2@sha256:<digest>), and let a tool such as Renovate or ' +
      'Flux image automation update the digest. Repositories whose tags are immutable by policy (for example an ' +
      'Azure Container Registry with locked images) can be listed in settings.digestExemptImages.',
    references: [
      'https://kubernetes.io/docs/concepts/containers/images/#image-names',
      'https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests',
    ],
  },
  target: { pods: true },
  cel: {
    validation: (settings) => ({
      imagesOnly: true,
      variables: [IMAGES_VARIABLE],
      expression: `variables.images.all(r, ${celRepositoryMatches(settings.digestExemptImages)} || (r.digest != '' && ${CEL_VALID_DIGEST}))`,
    }),
  },
  check(ctx) {
    for (const c of ctx.containers()) {
      const image = asString(c.spec.image);
      const ref = image === undefined ? undefined : parseImageReference(image);
      if (!ref || repositoryMatches(ref, ctx.settings.digestExemptImages)) continue;
      if (ref.digest !== undefined && isValidDigest(ref.digest)) continue;
      ctx.report({
        container: c.name,
        field: c.path('image'),
        message:
          ref.digest === undefined
            ? `${describe(c)} uses image ${image}, which is not pinned by digest`
            : `${describe(c)} uses image ${image}, whose digest is malformed`,
        evidence: { observed: image, expected: 'an image reference with a valid @sha256: digest' },
      });
    }
  },
});
