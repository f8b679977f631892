import { asString } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { hasMutableTag, parseImageReference } from './lib/image-reference.js';
import { describe } from './lib/containers.js';

export default defineRule({
  meta: {
    id: 'workload/image-pull-policy-not-always',
    title: 'Mutable image tag with a pull policy other than Always',
    severity: 'low',
    pillar: 'images',
    frameworks: [
      { framework: 'kubescape', id: 'C-0075' },
      { framework: 'kube-score', id: 'container-image-pull-policy' },
    ],
    description:
      'With the latest tag (or no tag) and imagePullPolicy IfNotPresent or Never, each node runs whichever ' +
      'latest it pulled first: replicas differ from node to node, a fixed image never reaches nodes that hold an ' +
      'old copy, and nobody can tell from the manifest what runs. An unset policy is not reported: the API server defaults it to Always for such images. Images ' +
      'with a version tag or a digest are not reported either; kube-score is stricter and wants Always for them too.',
    remediation: 'Pin the image to a version tag or digest, or set imagePullPolicy: Always (or leave it unset).',
    references: ['https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy'],
  },
  target: { pods: true },
  check(ctx) {
    for (const c of ctx.containers()) {
      const policy = asString(c.spec.imagePullPolicy);
      if (policy !== 'IfNotPresent' && policy !== 'Never') continue;
      const image = asString(c.spec.image);
      const ref = image === undefined ? undefined : parseImageReference(image);
      if (!ref || !hasMutableTag(ref)) continue;
      ctx.report({
        container: c.name,
        field: c.path('imagePullPolicy'),
        message: `${describe(c)} uses image ${image} with imagePullPolicy ${policy}`,
        evidence: { observed: { image, imagePullPolicy: policy }, expected: 'imagePullPolicy Always, or a pinned tag or digest' },
      });
    }
  },
});
