import procMountBaseline, { CEL_PROC_MOUNT_DEFAULT, PROC_MOUNT_META, procMountDefault } from './proc-mount-baseline.js';
import { pssRule } from './check.js';

export default pssRule({
  meta: {
    id: 'workload/unmasked-proc-mount-in-user-namespace',
    title: 'Container unmasks /proc (restricted, user namespaces included)',
    ...PROC_MOUNT_META,
    severity: 'medium',
    description:
      'The restricted profile keeps the original procMount rule without the user-namespace relaxation: /proc stays masked even for pods with hostUsers: false.',
  },
  check: {
    id: 'procMount_restricted',
    level: 'restricted',
    versions: [{ since: [1, 35], overrides: [procMountBaseline.pss], evaluate: procMountDefault, cel: CEL_PROC_MOUNT_DEFAULT }],
  },
});
