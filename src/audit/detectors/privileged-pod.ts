import { defineDetector, falco, mitre } from '../detector.js';
import { containerName, containersOf, isRecord } from './lib/pod.js';
import { imageList, podSpecCheck } from './lib/pod-check.js';

export default defineDetector({
  meta: {
    id: 'audit/privileged-pod',
    title: 'Privileged pod created',
    severity: 'high',
    frameworks: [...falco('Create Privileged Pod'), ...mitre('T1610', 'T1611')],
    description: 'A container with securityContext.privileged has every device and capability of the node: escaping to the host takes one command.',
    remediation: 'Find who created the pod (and through which controller); remove privileged, or trust the image in settings.trustedImages.privileged when it is a known node agent.',
  },
  create(settings) {
    return podSpecCheck(
      settings,
      settings.trustedImages.privileged,
      'privileged containers',
      (spec) => containersOf(spec).filter(({ c }) => isRecord(c.securityContext) && c.securityContext.privileged === true).map(({ c }) => containerName(c)),
      (pod, found, images) => `pod ${pod} created with privileged container${found.length > 1 ? 's' : ''} ${found.join(', ')}${imageList(images)}`,
    );
  },
});
