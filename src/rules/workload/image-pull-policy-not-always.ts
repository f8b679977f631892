import { asString } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { defaultPullPolicy, mutableTagOf, parseImageReference } from '../../core/image-reference.js';
import { CEL_DEFAULT_PULL_POLICY, celMutableTag, IMAGES_VARIABLE } from './lib/image-reference-cel.js';
import { describe } from './lib/containers.js';

const POLICIES = new Set(['Always', 'IfNotPresent', 'Never']);

export default defineRule({
  meta: {
    id: 'workload/image-pull-policy-not-always',
    title: 'Image pull policy other than Always',
    severity: 'low',
    pillar: 'images',
    frameworks: [
      { framework: 'kubescape', id: 'C-0075' },
      { framework: 'kube-score', id: 'container-image-pull-policy' },
    ],
    description:
      'With a mutable tag (latest, no tag, or a tag listed in the mutableTags setting) and imagePullPolicy ' +
      'IfNotPresent or Never, each node runs whichever image it pulled first under that tag: replicas differ from ' +
      'node to node, a fixed image never reaches nodes that hold an old copy, and nobody can tell from the manifest ' +
      'what runs. An unset policy counts as what the API server fills in: Always for latest or no tag (not ' +
      'reported), IfNotPresent for any other tag, including one the settings call mutable (reported). ' +
      'A fixed tag with IfNotPresent or Never (set, or filled in for an unset policy) is reported at severity info: ' +
      'the kubelet starts an image already on the node without checking the pull secret, so on nodes shared ' +
      'between tenants a pod of another team can run a private image that someone else pulled, knowing only its ' +
      'name. That is why the AlwaysPullImages admission plugin exists; kube-score wants Always for the same reason. ' +
      'Images pinned by digest are not reported: a digest cannot be moved to other content.',
    remediation:
      'Pin the image to a version tag or a digest, or set imagePullPolicy: Always (for latest or no tag, leaving it ' +
      'unset does the same). Where nodes are shared between tenants with private images, set imagePullPolicy: ' +
      'Always, or keep each tenant on its own node pool.',
    references: [
      'https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy',
      'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages',
    ],
  },
  target: { pods: true },
  // The mutable-tag finding; the info one (a fixed tag not pulled every time) only at --fail-on info, where
  // the webhook and the scan count it too: every image not pinned by digest must then be pulled Always.
  cel: {
    validation: (settings, failOn) => ({
      imagesOnly: true,
      variables: [IMAGES_VARIABLE],
      expression:
        `variables.images.all(r, r.policy == 'invalid' || (r.policy == 'unset' ? ${CEL_DEFAULT_PULL_POLICY} : r.policy) == 'Always' || ` +
        `${failOn === 'info' ? "r.digest != ''" : `!${celMutableTag(settings.mutableTags)}`})`,
    }),
  },
  check(ctx) {
    for (const c of ctx.containers()) {
      const image = asString(c.spec.image);
      const ref = image === undefined ? undefined : parseImageReference(image);
      if (!ref) continue;
      // null and "" are unset: the API server fills in the default, as for an absent field (Helm writes ""
      // for an empty pullPolicy value). Any other value it would reject (or a template) says nothing about
      // what the kubelet does.
      const raw = c.spec.imagePullPolicy;
      const set = raw === '' ? undefined : asString(raw);
      if (raw !== undefined && raw !== null && raw !== '' && (set === undefined || !POLICIES.has(set))) continue;
      const policy = set ?? defaultPullPolicy(ref);
      if (policy === 'Always') continue;
      const how = set !== undefined ? `imagePullPolicy ${set}` : `imagePullPolicy unset, which the API server sets to ${policy} for this tag`;
      const observedPolicy = set ?? `unset (defaults to ${policy})`;
      const tag = mutableTagOf(ref, ctx.settings.mutableTags);
      if (tag !== undefined) {
        const tagSays = ref.tag === undefined ? 'no tag (latest)' : `the mutable tag ${tag}`;
        ctx.report({
          container: c.name,
          field: c.path('imagePullPolicy'),
          message: `${describe(c)} uses image ${image} with ${tagSays} and ${how}: each node keeps whichever image it pulled first`,
          evidence: {
            observed: { image, imagePullPolicy: observedPolicy },
            expected: 'imagePullPolicy Always, or a pinned tag or digest',
            mutableTag: ref.tag === undefined ? 'latest (no tag)' : tag,
          },
        });
        continue;
      }
      if (ref.digest !== undefined) continue;
      ctx.report({
        container: c.name,
        field: c.path('imagePullPolicy'),
        severity: 'info',
        frameworks: [{ framework: 'kube-score', id: 'container-image-pull-policy' }],
        message:
          `${describe(c)} uses image ${image} with ${how}: a pod of another tenant on the same node can start the ` +
          'cached image without the pull secret',
        evidence: {
          observed: { image, imagePullPolicy: observedPolicy },
          expected: 'imagePullPolicy Always (or the AlwaysPullImages admission plugin) where nodes are shared between tenants',
          risk:
            'the kubelet checks the registry credentials only when it pulls; an image already on the node starts for any pod that names it',
        },
      });
    }
  },
});
