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
    description: "A hostPath volume of the node's root, /etc, /proc, the kubelet's directory, a container runtime socket or the Azure VM agent's directory (or a path below one, or a directory holding one, such as /var or /run) gives the pod the node: its credentials, its processes, or every container on it. The public files charts mount from /etc (/etc/localtime, /etc/ssl/certs, ...) are not reported.",
    remediation: 'Remove the hostPath volume, or trust the image in settings.trustedImages.sensitiveMount when it is a known node agent.',
  },
  create(settings) {
    const sensitive = settings.sensitiveHostPaths;
    /**
     * The sensitive path a mount exposes: itself or one below it (/etc/kubernetes/azure.json), but not the
     * public files charts mount from /etc; or one inside it (/var holds /var/lib/kubelet). `/` is listed for itself only.
     */
    const exposed = (path: string): string | undefined => {
      if (isPublicHostFile(path)) return undefined;
      const within = sensitive.find((s) => path === s || (s !== '/' && path.startsWith(`${s}/`)));
      if (within !== undefined) return path;
      return path === '/' ? undefined : sensitive.find((s) => s.startsWith(`${path}/`));
    };
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
          const hit = exposed(path);
          if (hit !== undefined) found.push(`${typeof v.name === 'string' ? v.name : '?'}=${path}${hit === path ? '' : ` (holds ${hit})`}`);
        }
        return found;
      },
      (pod, found, images) => `pod ${pod} created with sensitive host path${found.length > 1 ? 's' : ''} ${found.join(', ')}${imageList(images)}`,
    );
  },
});
