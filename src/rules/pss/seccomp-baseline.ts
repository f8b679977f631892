import { escapeKey } from '../../core/field-path.js';
import { asObj, asString } from '../../core/resource.js';
import { podAnnotations } from '../../core/workload.js';
import { celString } from '../../core/cel.js';
import { allContainers, CEL_POD_SC, CEL_SC, celEveryContainer, outcome, podSecurityContext, pssRule, securityContext, type PssItem } from './check.js';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function annotationAllowed(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

/** CEL: the annotation `key` (a CEL string expression) is absent or names an allowed profile. */
const celAnnotation = (key: string) => {
  const value = `variables.annotations[${key}]`;
  return `!(${key} in variables.annotations) || ${value} == 'runtime/default' || ${value} == 'docker/default' || ${value}.startsWith('localhost/')`;
};
const CEL_ANNOTATIONS = `(${celAnnotation(celString(POD_ANNOTATION))}) && ${celEveryContainer(celAnnotation(`${celString(CONTAINER_ANNOTATION_PREFIX)} + c.name`))}`;
const celNotUnconfined = (sc: string) => `${sc}.?seccompProfile.?type.orValue('') != 'Unconfined'`;
const CEL_FIELDS = `${celNotUnconfined(CEL_POD_SC)} && ${celEveryContainer(celNotUnconfined(CEL_SC))}`;

export default pssRule({
  meta: {
    id: 'workload/seccomp-unconfined',
    title: 'Seccomp is turned off',
    severity: 'high',
    frameworks: [
      { framework: 'trivy', id: 'KSV104' },
      { framework: 'mitre', id: 'T1611' },
    ],
    description: 'An Unconfined seccomp profile lets the container make every system call, including those behind most kernel container escapes.',
    remediation: 'Set seccompProfile.type to RuntimeDefault (or a Localhost profile) instead of Unconfined.',
    references: ['https://kubernetes.io/docs/tutorials/security/seccomp/'],
  },
  check: {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    versions: [
      {
        // Before seccompProfile became a field (v1.19), the profile was set by annotations.
        since: [1, 0],
        cel: CEL_ANNOTATIONS,
        evaluate(pod) {
          const items: PssItem[] = [];
          const bad: string[] = [];
          const annotations = podAnnotations(pod);
          const check = (key: string, container?: string) => {
            const value = annotations[key];
            if (value === undefined || annotationAllowed(value)) return;
            bad.push(`${key}=${JSON.stringify(value)}`);
            items.push({
              field: `${pod.metaPath}.annotations.${escapeKey(key)}`,
              ...(container !== undefined ? { container } : {}),
              message: container !== undefined ? `annotation sets seccomp ${value} for container ${container}` : `pod annotation sets seccomp ${value}`,
              observed: value,
              expected: 'runtime/default, docker/default or localhost/<profile>',
            });
          };
          check(POD_ANNOTATION);
          for (const c of allContainers(pod)) check(`${CONTAINER_ANNOTATION_PREFIX}${c.name}`, c.name);
          return outcome('seccompProfile', `forbidden ${items.length === 1 ? 'annotation' : 'annotations'} ${bad.join(', ')}`, items);
        },
      },
      {
        since: [1, 19],
        cel: CEL_FIELDS,
        evaluate(pod) {
          const items: PssItem[] = [];
          const who: string[] = [];
          const podType = asString(asObj(podSecurityContext(pod)?.seccompProfile)?.type);
          if (podType === 'Unconfined') {
            who.push('pod');
            items.push({ field: `${pod.specPath}.securityContext.seccompProfile.type`, message: 'pod sets seccompProfile.type Unconfined', observed: podType, expected: 'RuntimeDefault or Localhost' });
          }
          for (const c of allContainers(pod)) {
            if (asString(asObj(securityContext(c)?.seccompProfile)?.type) !== 'Unconfined') continue;
            who.push(`container ${JSON.stringify(c.name)}`);
            items.push({ field: c.path('securityContext.seccompProfile.type'), container: c.name, message: `container ${c.name} sets seccompProfile.type Unconfined`, observed: 'Unconfined', expected: 'RuntimeDefault or Localhost' });
          }
          return outcome('seccompProfile', `${who.join(' and ')} must not set securityContext.seccompProfile.type to "Unconfined"`, items);
        },
      },
    ],
  },
});
