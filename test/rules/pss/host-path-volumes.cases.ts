import rule from '../../../src/rules/pss/host-path-volumes.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, POD, pod } from './manifests.js';

export const app = container('app', undefined, { volumeMounts: [{ name: 'data', mountPath: '/data' }] });

export default ruleCases(rule, {
  valid: [
    { name: 'no volumes', input: pod({ containers: [container('app')] }) },
    {
      name: 'non-host volume types, including one with only a name',
      input: deployment({
        containers: [app],
        volumes: [
          { name: 'data', persistentVolumeClaim: { claimName: 'orders' } },
          { name: 'cache', emptyDir: { medium: 'Memory' } },
          { name: 'config', configMap: { name: 'web-config' } },
          { name: 'scratch' },
          { name: 'nfs-share', nfs: { server: 'files.internal', path: '/exports' } },
        ],
      }),
    },
    { name: 'a volumeMount named like a host path is not a hostPath volume', input: pod({ containers: [container('app', undefined, { volumeMounts: [{ name: 'hostpath', mountPath: '/host' }] })], volumes: [{ name: 'hostpath', emptyDir: {} }] }) },
  ],
  invalid: [
    {
      name: 'the docker socket on a Pod',
      input: pod({ containers: [app], volumes: [{ name: 'data', emptyDir: {} }, { name: 'docker-sock', hostPath: { path: '/var/run/docker.sock', type: 'Socket' } }] }),
      findings: [{ field: `${POD}.volumes[1].hostPath`, message: 'volume docker-sock mounts host path /var/run/docker.sock', severity: 'high' }],
    },
    {
      name: 'two hostPath volumes on a Deployment',
      input: deployment({ containers: [app], volumes: [{ name: 'varlog', hostPath: { path: '/var/log' } }, { name: 'data', emptyDir: {} }, { name: 'root', hostPath: { path: '/' } }] }),
      findings: [
        { field: `${DEPLOY}.volumes[0].hostPath`, message: 'volume varlog mounts host path /var/log' },
        { field: `${DEPLOY}.volumes[2].hostPath`, message: 'volume root mounts host path /' },
      ],
    },
    {
      name: 'CronJob job template',
      input: cronJob({ containers: [container('backup')], volumes: [{ name: 'etcd', hostPath: { path: '/var/lib/etcd' } }] }),
      findings: [{ field: `${CRON}.volumes[0].hostPath` }],
    },
    {
      name: 'a hostPath without a path is still a hostPath',
      input: pod({ containers: [app], volumes: [{ name: 'data', hostPath: {} }] }),
      findings: [{ field: `${POD}.volumes[0].hostPath`, message: 'volume data mounts host path (unset)' }],
    },
    {
      name: 'at the oldest policy version',
      input: pod({ containers: [app], volumes: [{ name: 'data', hostPath: { path: '/srv' } }] }),
      settings: { pssVersion: 'v1.0' },
      findings: [{ field: `${POD}.volumes[0].hostPath` }],
    },
  ],
});
