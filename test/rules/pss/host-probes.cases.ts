import rule from '../../../src/rules/pss/host-probes.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, ephemeral, POD, pod } from './manifests.js';

const httpGet = (host?: string) => ({ httpGet: { path: '/healthz', port: 8080, ...(host !== undefined ? { host } : {}) } });
const tcpSocket = (host?: string) => ({ tcpSocket: { port: 5432, ...(host !== undefined ? { host } : {}) } });

export default ruleCases(rule, {
  valid: [
    {
      name: 'probes and hooks against the pod IP',
      input: pod({
        containers: [
          container('app', undefined, {
            livenessProbe: httpGet(),
            readinessProbe: tcpSocket(),
            startupProbe: { exec: { command: ['cat', '/tmp/ready'] } },
            lifecycle: { preStop: { exec: { command: ['sleep', '5'] } }, postStart: httpGet() },
          }),
        ],
      }),
    },
    { name: 'an empty host is the pod IP', input: deployment({ containers: [container('app', undefined, { livenessProbe: httpGet(''), readinessProbe: tcpSocket('') })] }) },
    { name: 'gRPC probes have no host', input: pod({ containers: [container('app', undefined, { livenessProbe: { grpc: { port: 9000 } } })] }) },
    { name: 'the check does not exist before v1.34', input: pod({ containers: [container('app', undefined, { livenessProbe: httpGet('169.254.169.254') })] }), settings: { pssVersion: 'v1.33' } },
    { name: 'an httpHeaders Host header is not the host field', input: pod({ containers: [container('app', undefined, { livenessProbe: { httpGet: { path: '/', port: 80, httpHeaders: [{ name: 'Host', value: 'internal.example' }] } } })] }) },
  ],
  invalid: [
    {
      name: 'liveness probe against the instance metadata service',
      input: pod({ containers: [container('app', undefined, { livenessProbe: httpGet('169.254.169.254') })] }),
      findings: [
        { field: `${POD}.containers[0].livenessProbe.httpGet.host`, container: 'app', message: 'container app sets livenessProbe.httpGet.host to 169.254.169.254', severity: 'medium' },
      ],
    },
    {
      name: 'every probe and hook, in declaration order',
      input: deployment({
        containers: [
          container('app', undefined, {
            livenessProbe: tcpSocket('10.0.0.4'),
            readinessProbe: httpGet('kubernetes.default'),
            startupProbe: tcpSocket('db.internal'),
            lifecycle: { postStart: httpGet('10.0.0.1'), preStop: tcpSocket('127.0.0.1') },
          }),
        ],
      }),
      findings: [
        { field: `${DEPLOY}.containers[0].livenessProbe.tcpSocket.host` },
        { field: `${DEPLOY}.containers[0].readinessProbe.httpGet.host` },
        { field: `${DEPLOY}.containers[0].startupProbe.tcpSocket.host` },
        { field: `${DEPLOY}.containers[0].lifecycle.postStart.httpGet.host`, message: 'container app sets lifecycle.postStart.httpGet.host to 10.0.0.1' },
        { field: `${DEPLOY}.containers[0].lifecycle.preStop.tcpSocket.host` },
      ],
    },
    {
      name: 'init and ephemeral containers',
      input: pod({
        initContainers: [container('wait-db', undefined, { lifecycle: { preStop: httpGet('db') } })],
        containers: [container('app')],
        ephemeralContainers: [{ ...ephemeral('debug'), readinessProbe: tcpSocket('node') }],
      }),
      findings: [
        { field: `${POD}.initContainers[0].lifecycle.preStop.httpGet.host`, container: 'wait-db' },
        { field: `${POD}.ephemeralContainers[0].readinessProbe.tcpSocket.host`, container: 'debug' },
      ],
    },
    {
      name: 'CronJob at v1.34, the first version with the check',
      input: cronJob({ containers: [container('report', undefined, { startupProbe: httpGet('metadata.internal') })] }),
      settings: { pssVersion: 'v1.34' },
      findings: [{ field: `${CRON}.containers[0].startupProbe.httpGet.host` }],
    },
  ],
});
