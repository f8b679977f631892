import { defineDetector } from '../detector.js';

/**
 * Not a check of its own: the engine reports under this id, once per event, what other detectors
 * could not evaluate because AKS replaced the request body with `skipped-too-big-size-object`.
 */
export default defineDetector({
  meta: {
    id: 'audit/body-not-logged',
    title: 'Request body not logged: detectors could not decide',
    severity: 'info',
    frameworks: [],
    description: 'AKS replaces request bodies above its size limit with the string skipped-too-big-size-object. Detectors that need the body (privileged pods, host paths, role rules, ConfigMap data, ...) can then say neither that the request was dangerous nor that it was safe; this alert names the object and what was not evaluated.',
    remediation: 'Inspect the object on the cluster (kubectl get -o yaml) to decide.',
  },
  create() {
    return undefined;
  },
});
