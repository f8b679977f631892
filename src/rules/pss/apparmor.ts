import { escapeKey } from '../../core/field-path.js';
import { asObj, asString } from '../../core/resource.js';
import { podAnnotations } from '../../core/workload.js';
import { celString, celStrings } from '../../core/cel.js';
import { allContainers, CEL_POD_SC, CEL_SC, celEveryContainer, joinQuote, outcome, podSecurityContext, pssRule, securityContext, type PssItem } from './check.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const ALLOWED_TYPES = ['RuntimeDefault', 'Localhost'];

function annotationAllowed(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

const CEL_VALUE = 'variables.annotations[k]';
const CEL_TYPE_ALLOWED = (sc: string) => `${sc}.?appArmorProfile.?type.orValue('RuntimeDefault') in ${celStrings(ALLOWED_TYPES)}`;
const CEL = [
  `variables.annotations.all(k, !k.startsWith(${celString(ANNOTATION_PREFIX)}) || ${CEL_VALUE} == '' || ${CEL_VALUE} == 'runtime/default' || ${CEL_VALUE}.startsWith('localhost/'))`,
  CEL_TYPE_ALLOWED(CEL_POD_SC),
  celEveryContainer(CEL_TYPE_ALLOWED(CEL_SC)),
].join(' && ');

export default pssRule({
  meta: {
    id: 'workload/apparmor-unconfined',
    title: 'AppArmor is turned off',
    severity: 'high',
    frameworks: [
      { framework: 'trivy', id: 'KSV002' },
      { framework: 'mitre', id: 'T1611' },
    ],
    description: 'An unconfined AppArmor profile removes the mandatory access control that limits what a compromised container can do on the node.',
    remediation: 'Use appArmorProfile.type RuntimeDefault or Localhost (or drop the unconfined annotation).',
    references: ['https://kubernetes.io/docs/tutorials/security/apparmor/'],
  },
  check: {
    id: 'appArmorProfile',
    level: 'baseline',
    versions: [
      {
        since: [1, 0],
        cel: CEL,
        evaluate(pod) {
          const items: PssItem[] = [];
          const bad: string[] = [];
          for (const [key, value] of Object.entries(podAnnotations(pod))) {
            if (!key.startsWith(ANNOTATION_PREFIX) || annotationAllowed(value)) continue;
            bad.push(`${key}="${value}"`);
            const container = key.slice(ANNOTATION_PREFIX.length);
            items.push({ field: `${pod.metaPath}.annotations.${escapeKey(key)}`, container, message: `container ${container} runs with AppArmor profile ${value}`, observed: value, expected: 'runtime/default or localhost/<profile>' });
          }
          const podType = asString(asObj(podSecurityContext(pod)?.appArmorProfile)?.type);
          if (podType !== undefined && !ALLOWED_TYPES.includes(podType)) {
            bad.push(`pod appArmorProfile.type="${podType}"`);
            items.push({ field: `${pod.specPath}.securityContext.appArmorProfile.type`, message: `pod sets appArmorProfile.type ${podType}`, observed: podType, expected: ALLOWED_TYPES });
          }
          for (const c of allContainers(pod)) {
            const type = asString(asObj(securityContext(c)?.appArmorProfile)?.type);
            if (type === undefined || ALLOWED_TYPES.includes(type)) continue;
            bad.push(`container ${JSON.stringify(c.name)} appArmorProfile.type="${type}"`);
            items.push({ field: c.path('securityContext.appArmorProfile.type'), container: c.name, message: `container ${c.name} sets appArmorProfile.type ${type}`, observed: type, expected: ALLOWED_TYPES });
          }
          if (items.length === 0) return undefined;
          return outcome(`forbidden AppArmor ${bad.length === 1 ? 'profile' : 'profiles'}`, bad.length ? bad.join(', ') : joinQuote([]), items);
        },
      },
    ],
  },
});
