import { defineDetector, falco, mitre } from '../detector.js';
import { imageList, podSpecCheck } from './lib/pod-check.js';

export default defineDetector({
  meta: {
    id: 'audit/host-network-pod',
    title: 'Pod created in the host network namespace',
    severity: 'high',
    frameworks: [...falco('Create HostNetwork Pod'), ...mitre('T1611')],
    description: "A pod with hostNetwork shares the node's network stack: it can reach the node's local services (kubelet, IMDS) and sniff traffic, and NetworkPolicies do not apply to it.",
    remediation: 'Remove hostNetwork, or trust the image in settings.trustedImages.hostNetwork when it is a known node agent.',
  },
  create(settings) {
    return podSpecCheck(
      settings,
      settings.trustedImages.hostNetwork,
      'host network',
      (spec) => (spec.hostNetwork === true ? ['hostNetwork'] : []),
      (pod, _found, images) => `pod ${pod} created with hostNetwork: true${imageList(images)}`,
    );
  },
});
