import rule from '../../../src/rules/workload/secret-as-env-var.js';
import { ruleCases } from '../../helpers/rule-tester.js';

const pod = (container: string) => `
apiVersion: v1
kind: Pod
metadata: { name: api }
spec:
  containers:
${container}
`;

export default ruleCases(rule, {
  valid: [
    {
      name: 'the Secret mounted as a file',
      input: pod(`    - name: app
      image: myregistry.azurecr.io/api:1.0
      env: [{ name: DB_PASSWORD_FILE, value: /mnt/secrets/password }]
      volumeMounts: [{ name: db, mountPath: /mnt/secrets, readOnly: true }]
  volumes: [{ name: db, secret: { secretName: db } }]`),
    },
    {
      name: 'ConfigMaps, field refs and literal values are not Secrets',
      input: pod(`    - name: app
      image: myregistry.azurecr.io/api:1.0
      envFrom: [{ configMapRef: { name: api-config } }]
      env:
        - { name: LOG_LEVEL, valueFrom: { configMapKeyRef: { name: api-config, key: level } } }
        - { name: POD_IP, valueFrom: { fieldRef: { fieldPath: status.podIP } } }
        - { name: MODE, value: production }`),
    },
    { name: 'odd shapes', input: pod(`    - { name: app, image: nginx:1.27, env: [null, 3, { name: X, valueFrom: "nope" }], envFrom: "nope" }`) },
  ],
  invalid: [
    {
      name: 'secretKeyRef and envFrom secretRef',
      input: pod(`    - name: app
      image: myregistry.azurecr.io/api:1.0
      env:
        - { name: LOG_LEVEL, value: info }
        - { name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: db, key: password } } }
      envFrom:
        - configMapRef: { name: api-config }
        - secretRef: { name: api-secrets, optional: true }`),
      findings: [
        {
          field: 'spec.containers[0].env[1].valueFrom.secretKeyRef',
          container: 'app',
          severity: 'low',
          message: 'container app reads key password of Secret db into env var DB_PASSWORD',
        },
        { field: 'spec.containers[0].envFrom[1].secretRef', container: 'app', message: 'container app loads every key of Secret api-secrets as env vars (envFrom)' },
      ],
    },
    {
      name: 'init containers of a CronJob',
      input: `
apiVersion: batch/v1
kind: CronJob
metadata: { name: backup }
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
            - name: fetch
              image: myregistry.azurecr.io/fetch:1.0
              env: [{ name: TOKEN, valueFrom: { secretKeyRef: { name: backup, key: token } } }]
          containers:
            - name: backup
              image: myregistry.azurecr.io/backup:1.0
              envFrom: [{ secretRef: { name: backup } }]
`,
      findings: [
        { field: 'spec.jobTemplate.spec.template.spec.containers[0].envFrom[0].secretRef', container: 'backup' },
        { field: 'spec.jobTemplate.spec.template.spec.initContainers[0].env[0].valueFrom.secretKeyRef', container: 'fetch', message: /^init container fetch reads key / },
      ],
    },
    {
      name: 'ephemeral containers too',
      input: pod(`    - { name: app, image: nginx:1.27 }
  ephemeralContainers:
    - { name: debug, image: busybox:1.36, envFrom: [{ secretRef: { name: app } }] }`),
      findings: [{ field: 'spec.ephemeralContainers[0].envFrom[0].secretRef', container: 'debug' }],
    },
  ],
});
