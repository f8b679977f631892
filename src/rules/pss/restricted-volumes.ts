import { asArray, asObj, asString } from '../../core/resource.js';
import type { PodView } from '../../core/workload.js';
import hostPathVolumes from './host-path-volumes.js';
import { joinQuote, outcome, pluralize, pssRule, unique, type PssItem } from './check.js';

// Image volumes (read-only OCI artifacts) were added to the v1.0 list upstream, so every policy version admits them.
const ALLOWED = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];

/**
 * Every other volume source of the Volume API type. CEL cannot list the fields of a typed object, so the
 * CEL form names each one; the API server drops fields it does not know before admission, so no other
 * key reaches the policy (test/admission checks this list against the API's Volume type).
 */
export const FORBIDDEN_VOLUME_SOURCES = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk',
  'gitRepo', 'glusterfs', 'hostPath', 'iscsi', 'nfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO',
  'storageos', 'vsphereVolume',
];
export const ALLOWED_VOLUME_SOURCES: readonly string[] = ALLOWED;
const CEL = `variables.spec.?volumes.orValue([]).all(v, ${FORBIDDEN_VOLUME_SOURCES.map((s) => `!has(v.${s})`).join(' && ')})`;

const restrictedVolumes = (allowed: readonly string[]) => (pod: PodView) => {
  const items: PssItem[] = [];
  const badNames: string[] = [];
  const badTypes: string[] = [];
  asArray(pod.spec.volumes).forEach((raw, i) => {
    const v = asObj(raw);
    if (!v) return;
    const name = asString(v.name) ?? `#${i}`;
    // The API server defaults a volume with no source to emptyDir before admission sees it.
    const sources = Object.keys(v).filter((k) => k !== 'name' && v[k] !== null && v[k] !== undefined);
    const forbidden = sources.filter((s) => !allowed.includes(s));
    if (forbidden.length === 0) return;
    badNames.push(name);
    badTypes.push(...forbidden);
    items.push({
      field: `${pod.specPath}.volumes[${i}].${forbidden[0]}`,
      message: `volume ${name} uses the ${forbidden.join(', ')} volume type, which the restricted profile does not allow`,
      observed: forbidden,
      expected: allowed,
    });
  });
  const types = unique(badTypes).sort();
  return outcome(
    'restricted volume types',
    `${pluralize('volume', 'volumes', badNames.length)} ${joinQuote(badNames)} ${pluralize('uses', 'use', badNames.length)} restricted ${pluralize('volume type', 'volume types', types.length)} ${joinQuote(types)}`,
    items,
  );
};

export default pssRule({
  meta: {
    id: 'workload/restricted-volume-type',
    title: 'Pod uses a volume type outside the restricted profile',
    severity: 'medium',
    frameworks: [{ framework: 'mitre', id: 'T1611' }],
    description:
      'The restricted profile allows only volume types that cannot reach the node or other tenants (configMap, secret, emptyDir, projected, downwardAPI, PVCs, CSI, ephemeral, image). Others, such as hostPath, nfs or iscsi, bypass storage isolation.',
    remediation: 'Use a persistentVolumeClaim, CSI volume or one of the other allowed types.',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted'],
  },
  check: {
    id: 'restrictedVolumes',
    level: 'restricted',
    versions: [
      { since: [1, 0], overrides: [hostPathVolumes.pss], evaluate: restrictedVolumes(ALLOWED), cel: CEL },
    ],
  },
});
