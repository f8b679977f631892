import { isPublicHostFile } from '../../core/host-paths.js';
import { defineDetector, falco, mitre } from '../detector.js';
import { normalisePath } from '../resolved-settings.js';
import { isRecord } from './lib/pod.js';
import { imageList, podSpecCheck } from './lib/pod-check.js';

export default defineDetector({
  meta: {
    id: 'audit/sensitive-mount-pod',
    title: 'Pod created with a sensitive host path mounted',
    severity: 'high',
    frameworks: [...falco('Create Sensitive Mount Pod'), ...mitre('T1611')],
    description: "A hostPath volume of the node's root, /etc, /proc, the kubelet's directory or a container runtime socket (or a path below one) gives the pod the node: its credentials, its processes, or every container on it. The public files charts mount from /etc (/etc/localtime, /etc/ssl/certs, ...) are not reported.",
    remediation: 'Remove the hostPath volume, or trust the image in settings.trustedImages.sensitiveMount when it is a known node agent.',
  },
  create(settings) {
    const sensitive = settings.sensitiveHostPaths;
    // Below a sensitive directory too (/etc/kubernetes/azure.json), but not the public files charts mount from /etc.
    const isSensitive = (path: string) => !isPublicHostFile(path) && sensitive.some((s) => path === s || (s !== '/' && path.startsWith(`${s}/`)));
    return podSpecCheck(
      settings,
      settings.trustedImages.sensitiveMount,
      'host path volumes',
      (spec) => {
        const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
        const found: string[] = [];
        for (const v of volumes) {
          if (!isRecord(v) || !isRecord(v.hostPath) || typeof v.hostPath.path !== 'string') continue;
          const path = normalisePath(v.hostPath.path);
          if (isSensitive(path)) found.push(`${typeof v.name === 'string' ? v.name : '?'}=${path}`);
        }
        return found;
      },
      (pod, found, images) => `pod ${pod} created with sensitive host path${found.length > 1 ? 's' : ''} ${found.join(', ')}${imageList(images)}`,
    );
  },
});
