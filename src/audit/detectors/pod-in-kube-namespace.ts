import { defineDetector, falco, mitre } from '../detector.js';
import { isSystemIdentity } from '../event.js';
import { imagesOf, isPodCreate, objectName, podSpecOf, trustedPod } from './lib/pod.js';
import { imageList } from './lib/pod-check.js';

const KUBE_NAMESPACES = new Set(['kube-system', 'kube-public']);

export default defineDetector({
  meta: {
    id: 'audit/pod-in-kube-namespace',
    title: 'Pod created in kube-system or kube-public',
    severity: 'medium',
    frameworks: [...falco('Pod Created in Kube Namespace'), ...mitre('T1610')],
    description: "kube-system holds the cluster's own components and their powerful service accounts; a pod that is not one of them hides among them and can mount their tokens. On AKS, add-on pods (every image from mcr.microsoft.com) are expected there.",
    remediation: 'Find who created the pod; run workloads in their own namespaces, or trust the image in settings.trustedImages.kubeNamespace.',
  },
  create(settings) {
    return (ev, ctx) => {
      if (!isPodCreate(ev) || !KUBE_NAMESPACES.has(ev.objectRef.namespace ?? '')) return;
      const body = podSpecOf(ev);
      if (body === 'omitted') return ctx.undetermined('images of a pod in a kube namespace');
      if (body === 'absent') {
        // Without the body the images are unknown: controllers recreating add-on pods are routine,
        // a person creating a pod there is not.
        if (!isSystemIdentity(ev.user.username)) ctx.report({ message: `pod ${objectName(ev)} created in ${ev.objectRef.namespace} (request body not logged)` });
        return;
      }
      if (trustedPod(ev, body.spec, settings, settings.trustedImages.kubeNamespace)) return;
      ctx.report({ message: `pod ${objectName(ev)} created in ${ev.objectRef.namespace}${imageList(imagesOf(body.spec))}` });
    };
  },
});
