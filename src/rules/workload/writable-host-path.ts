import { defineRule } from '../../core/rule.js';
import { describe } from './lib/containers.js';
import { hostPathVolumes, mountsOf } from './lib/host-path.js';

export default defineRule({
  meta: {
    id: 'workload/writable-host-path',
    title: 'Container mounts a hostPath volume writable',
    severity: 'high',
    pillar: 'configuration',
    frameworks: [
      { framework: 'kubescape', id: 'C-0045' },
      { framework: 'mitre', id: 'T1611' },
    ],
    description:
      'A container that can write to a node directory can plant files the node runs or trusts (binaries, ' +
      'configuration, cron jobs, log links the kubelet follows) and tamper with data of other pods: a common step ' +
      'from a container to the node. A volumeMount of a hostPath volume is writable unless it sets readOnly: true. ' +
      'Each such mount is reported, in every container (init and ephemeral ones included).',
    remediation:
      'Set readOnly: true on the volumeMount, or replace the hostPath volume with an emptyDir, a ' +
      'PersistentVolumeClaim or a CSI volume.',
    references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
  },
  target: { pods: true },
  // A volume counts when its hostPath has a path, a mount when it names the volume (the API requires names).
  cel: {
    validation: () => ({
      expression:
        'variables.spec.?volumes.orValue([]).all(v, !v.?hostPath.?path.hasValue() || !has(v.name) || ' +
        'variables.containers.all(c, c.?volumeMounts.orValue([]).all(m, m.?name.orValue(\'\') != v.name || m.?readOnly.orValue(false) == true)))',
    }),
  },
  check(ctx) {
    const pod = ctx.pod();
    if (!pod) return;
    const containers = ctx.containers();
    for (const v of hostPathVolumes(pod)) {
      for (const { container: c, index, mount } of mountsOf(containers, v.name)) {
        if (mount.readOnly === true) continue;
        const at = typeof mount.mountPath === 'string' ? ` at ${mount.mountPath}` : '';
        ctx.report({
          container: c.name,
          field: c.path(`volumeMounts[${index}].readOnly`),
          message: `${describe(c)} mounts hostPath volume ${v.name} (${v.path}) writable${at}`,
          evidence: { observed: mount.readOnly ?? null, expected: true, hostPath: v.path },
        });
      }
    }
  },
});
