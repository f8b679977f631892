import rule from '../../../src/rules/pss/restricted-volumes.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, POD, pod } from './manifests.js';

export const app = container('app');
export const imageVolume = { name: 'models', image: { reference: 'shopacr.azurecr.io/models/ranker:2026.05', pullPolicy: 'IfNotPresent' } };

export default ruleCases(rule, {
  valid: [
    { name: 'no volumes', input: pod({ containers: [app] }) },
    { name: 'a volume with only a name is defaulted to emptyDir', input: pod({ containers: [app], volumes: [{ name: 'scratch' }] }) },
    { name: 'a null source is no source', input: pod({ containers: [app], volumes: [{ name: 'scratch', emptyDir: null }] }) },
    {
      name: 'every allowed type',
      input: deployment({
        containers: [app],
        volumes: [
          { name: 'config', configMap: { name: 'web-config' } },
          { name: 'secrets-store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'kv' } } },
          { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
          { name: 'cache', emptyDir: { sizeLimit: '1Gi' } },
          { name: 'work', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
          { name: 'data', persistentVolumeClaim: { claimName: 'orders' } },
          { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } },
          { name: 'tls', secret: { secretName: 'web-tls' } },
        ],
      }),
    },
    { name: 'image volumes from v1.33', input: pod({ containers: [app], volumes: [imageVolume] }), settings: { pssVersion: 'v1.33' } },
    { name: 'image volumes at latest', input: cronJob({ containers: [app], volumes: [imageVolume] }) },
    { name: 'a hostPath volume is reported by the baseline rule, not again here', input: pod({ containers: [app], volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }] }) },
  ],
  invalid: [
    {
      name: 'an NFS volume on a Pod',
      input: pod({ containers: [app], volumes: [{ name: 'cache', emptyDir: {} }, { name: 'shared', nfs: { server: 'files.internal', path: '/exports/shop' } }] }),
      findings: [{ field: `${POD}.volumes[1].nfs`, message: 'volume shared uses the nfs volume type, which the restricted profile does not allow', severity: 'medium' }],
    },
    {
      name: 'Azure volumes on a Deployment',
      input: deployment({
        containers: [app],
        volumes: [
          { name: 'files', azureFile: { secretName: 'storage-key', shareName: 'uploads' } },
          { name: 'disk', azureDisk: { diskName: 'data', diskURI: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Compute/disks/data' } },
        ],
      }),
      findings: [{ field: `${DEPLOY}.volumes[0].azureFile` }, { field: `${DEPLOY}.volumes[1].azureDisk` }],
    },
    {
      name: 'gitRepo on a CronJob',
      input: cronJob({ containers: [app], volumes: [{ name: 'src', gitRepo: { repository: 'https://github.com/example/reports.git' } }] }),
      findings: [{ field: `${CRON}.volumes[0].gitRepo` }],
    },
    {
      name: 'hostPath left to the baseline rule, the other restricted type reported',
      input: pod({ containers: [app], volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }, { name: 'scratch' }, { name: 'iscsi', iscsi: { targetPortal: '10.0.0.9:3260', iqn: 'iqn.2026-01.example:storage', lun: 0 } }] }),
      findings: [{ field: `${POD}.volumes[2].iscsi` }],
    },
    {
      name: 'at the oldest policy version',
      input: pod({ containers: [app], volumes: [{ name: 'flex', flexVolume: { driver: 'example/lvm' } }] }),
      settings: { pssVersion: 'v1.0' },
      findings: [{ field: `${POD}.volumes[0].flexVolume` }],
    },
  ],
});
