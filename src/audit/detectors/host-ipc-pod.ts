import { defineDetector, falco, mitre } from '../detector.js';
import { imageList, podSpecCheck } from './lib/pod-check.js';

export default defineDetector({
  meta: {
    id: 'audit/host-ipc-pod',
    title: 'Pod created in the host IPC namespace',
    severity: 'high',
    frameworks: [...falco('Create HostIPC Pod'), ...mitre('T1611')],
    description: "A pod with hostIPC shares the node's System V IPC and POSIX shared memory with every process on the node.",
    remediation: 'Remove hostIPC, or trust the image in settings.trustedImages.hostIPC when it is a known node agent.',
  },
  create(settings) {
    return podSpecCheck(
      settings,
      settings.trustedImages.hostIPC,
      'host IPC namespace',
      (spec) => (spec.hostIPC === true ? ['hostIPC'] : []),
      (pod, _found, images) => `pod ${pod} created with hostIPC: true${imageList(images)}`,
    );
  },
});
