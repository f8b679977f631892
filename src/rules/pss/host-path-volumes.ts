import { asArray, asObj, asString } from '../../core/resource.js';
import { joinQuote, outcome, pluralize, pssRule, type PssItem } from './check.js';

export default pssRule({
  meta: {
    id: 'workload/host-path-volume',
    title: 'Pod mounts a hostPath volume',
    severity: 'high',
    frameworks: [
      { framework: 'kubescape', id: 'C-0048' },
      { framework: 'trivy', id: 'KSV023' },
      { framework: 'mitre', id: 'T1611' },
    ],
    description:
      "A hostPath volume exposes the node's filesystem to the pod: it can read node credentials and other pods' data, and write where the node trusts what it finds. " +
      'A volume workload/sensitive-host-path reports (a runtime socket, /, /etc, /proc, /var/lib/kubelet, ...) is left to that rule, whose finding carries this check\'s references.',
    remediation: 'Use an emptyDir, a persistentVolumeClaim, a configMap/secret or a CSI volume instead of hostPath.',
    references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
  },
  // A sensitive node path is this same volume with the reason it matters and a higher severity: one
  // finding per volume, which carries this check's references (pss, C-0048, KSV023).
  supersedes: ['workload/sensitive-host-path'],
  check: {
    id: 'hostPathVolumes',
    level: 'baseline',
    versions: [
      {
        since: [1, 0],
        cel: 'variables.spec.?volumes.orValue([]).all(v, !has(v.hostPath))',
        evaluate(pod) {
          const items: PssItem[] = [];
          const names: string[] = [];
          asArray(pod.spec.volumes).forEach((raw, i) => {
            const v = asObj(raw);
            const hostPath = asObj(v?.hostPath);
            if (!v || !hostPath) return;
            const name = asString(v.name) ?? `#${i}`;
            names.push(name);
            items.push({
              field: `${pod.specPath}.volumes[${i}].hostPath`,
              message: `volume ${name} mounts host path ${asString(hostPath.path) ?? '(unset)'}`,
              observed: { hostPath: hostPath.path },
              expected: 'no hostPath volume',
            });
          });
          if (items.length === 0) return undefined;
          return outcome('hostPath volumes', `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`, items);
        },
      },
    ],
  },
});
