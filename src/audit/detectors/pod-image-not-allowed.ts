import { defineDetector, falco, mitre } from '../detector.js';
import { imageMatches, imagesOf, isPodCreate, objectName, podSpecOf, trustedPod } from './lib/pod.js';

export default defineDetector({
  meta: {
    id: 'audit/pod-image-not-allowed',
    title: 'Pod created with an image outside the allowed list',
    severity: 'medium',
    frameworks: [...falco('Create Disallowed Pod'), ...mitre('T1610')],
    description: 'Runs only when settings.allowedImages is set: a pod whose images are not all on that list (globs over the repository or the full reference) runs software nobody vetted.',
    remediation: 'Find who created the pod; add the image to settings.allowedImages if it is expected.',
  },
  create(settings) {
    const allowed = settings.allowedImages;
    if (!allowed) return undefined;
    return (ev, ctx) => {
      if (!isPodCreate(ev)) return;
      const body = podSpecOf(ev);
      if (body === 'omitted') return ctx.undetermined('images against the allowed list');
      if (body === 'absent') return;
      const images = imagesOf(body.spec);
      const outside = images.filter((i) => !imageMatches(allowed, i));
      if (outside.length === 0 || trustedPod(ev, body.spec, settings, allowed)) return;
      ctx.report({ message: `pod ${objectName(ev)} created with image${outside.length > 1 ? 's' : ''} outside the allowed list: ${outside.map((i) => i || '(none)').join(', ')}` });
    };
  },
});
