import { defineDetector, falco, mitre } from '../detector.js';
import { imageList, podSpecCheck } from './lib/pod-check.js';

export default defineDetector({
  meta: {
    id: 'audit/host-pid-pod',
    title: 'Pod created in the host PID namespace',
    severity: 'high',
    frameworks: [...falco('Create HostPid Pod'), ...mitre('T1611')],
    description: "A pod with hostPID sees every process of the node and, with enough privilege, enters them (nsenter -t 1): the node's processes and their secrets are exposed.",
    remediation: 'Remove hostPID, or trust the image in settings.trustedImages.hostPID when it is a known node agent.',
  },
  create(settings) {
    return podSpecCheck(
      settings,
      settings.trustedImages.hostPID,
      'host PID namespace',
      (spec) => (spec.hostPID === true ? ['hostPID'] : []),
      (pod, _found, images) => `pod ${pod} created with hostPID: true${imageList(images)}`,
    );
  },
});
