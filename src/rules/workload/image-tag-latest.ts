import { asString } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { mutableTagOf, parseImageReference } from '../../core/image-reference.js';
import { celMutableTag, IMAGES_VARIABLE } from './lib/image-reference-cel.js';
import { describe } from './lib/containers.js';

export default defineRule({
  meta: {
    id: 'workload/image-tag-latest',
    title: 'Image uses the latest tag or no tag',
    severity: 'medium',
    pillar: 'images',
    frameworks: [
      { framework: 'trivy', id: 'KSV013' },
      { framework: 'kube-score', id: 'container-image-tag' },
    ],
    description:
      'An image with the tag latest, or with no tag (which means latest), names whatever was pushed last: two ' +
      'nodes can run different code for the same pod, a rollback does not roll anything back, and a compromised ' +
      'push reaches the cluster at the next pull. The same holds for every tag listed in the mutableTags setting ' +
      '(stable, main, dev, ...: tags a pipeline moves on every build); latest and no tag are always mutable. An ' +
      'image pinned by digest is not reported, whatever its tag. References that cannot be parsed (unrendered ' +
      'templates) are skipped.',
    remediation: 'Use an immutable version tag (nginx:1.27.2), or better a digest (nginx@sha256:...).',
    references: ['https://kubernetes.io/docs/concepts/containers/images/#image-names'],
  },
  target: { pods: true },
  cel: {
    validation: (settings) => ({ imagesOnly: true, variables: [IMAGES_VARIABLE], expression: `variables.images.all(r, !${celMutableTag(settings.mutableTags)})` }),
  },
  check(ctx) {
    for (const c of ctx.containers()) {
      const image = asString(c.spec.image);
      const ref = image === undefined ? undefined : parseImageReference(image);
      const tag = ref && mutableTagOf(ref, ctx.settings.mutableTags);
      if (!ref || tag === undefined) continue;
      ctx.report({
        container: c.name,
        field: c.path('image'),
        message:
          ref.tag === undefined
            ? `${describe(c)} uses image ${image} with no tag, which pulls latest`
            : `${describe(c)} uses image ${image} with the mutable tag ${tag}`,
        evidence: { observed: image, expected: 'a version tag or a digest', mutableTag: ref.tag === undefined ? 'latest (no tag)' : tag },
      });
    }
  },
});
