import rule from '../../../src/rules/workload/writable-host-path.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { cronJob, deployment, pod } from './fixtures.js';

export default ruleCases(rule, {
  valid: [
    {
      name: 'read-only mount; unmounted hostPath; writable non-hostPath volume',
      input: pod(
        `
  containers:
  - name: app
    image: nginx:1.27
    volumeMounts:
    - { name: logs, mountPath: /host/logs, readOnly: true }
    - { name: tmp, mountPath: /tmp }
  volumes:
  - { name: logs, hostPath: { path: /var/log } }
  - { name: unused, hostPath: { path: /data } }
  - { name: tmp, emptyDir: {} }`,
        '{ name: p }',
      ),
    },
  ],
  invalid: [
    {
      name: 'unset and false, one finding per mount',
      input: deployment(`
      initContainers:
      - name: init
        image: busybox:1.36
        volumeMounts: [{ name: data, mountPath: /data, readOnly: false }]
      containers:
      - name: app
        image: nginx:1.27
        volumeMounts:
        - { name: cache, mountPath: /cache }
        - { name: data, mountPath: /data }
      volumes:
      - { name: data, hostPath: { path: /mnt/data } }
      - { name: cache, emptyDir: {} }`),
      findings: [
        { field: 'spec.template.spec.containers[0].volumeMounts[1].readOnly', container: 'app', message: 'container app mounts hostPath volume data (/mnt/data) writable at /data', severity: 'high' },
        { field: 'spec.template.spec.initContainers[0].volumeMounts[0].readOnly', container: 'init', message: /^init container init mounts/ },
      ],
    },
    {
      name: 'CronJob, the same volume mounted twice',
      input: cronJob(
        `
          containers:
          - name: backup
            image: x.azurecr.io/backup:1
            volumeMounts:
            - { name: host, mountPath: /a }
            - { name: host, mountPath: /b, readOnly: "true" }
          volumes: [{ name: host, hostPath: { path: /srv } }]`,
        '{ name: backup }',
      ),
      findings: [
        { field: 'spec.jobTemplate.spec.template.spec.containers[0].volumeMounts[0].readOnly' },
        { field: 'spec.jobTemplate.spec.template.spec.containers[0].volumeMounts[1].readOnly' },
      ],
    },
  ],
});
