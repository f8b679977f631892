import rule from '../../../src/rules/pss/windows-host-process.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, ephemeral, POD, pod, WINDOWS } from './manifests.js';

const hostProcess = { windowsOptions: { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' } };

export default ruleCases(rule, {
  valid: [
    { name: 'a Windows pod without HostProcess', input: pod({ ...WINDOWS, containers: [container('iis', { windowsOptions: { runAsUserName: 'ContainerUser' } })] }) },
    { name: 'hostProcess: false', input: deployment({ ...WINDOWS, securityContext: { windowsOptions: { hostProcess: false } }, containers: [container('iis', { windowsOptions: { hostProcess: false } })] }) },
    { name: 'a Linux pod', input: cronJob({ containers: [container('report')] }) },
  ],
  invalid: [
    {
      name: 'pod-level HostProcess',
      input: pod({ ...WINDOWS, hostNetwork: true, securityContext: hostProcess, containers: [container('agent')] }),
      findings: [{ field: `${POD}.securityContext.windowsOptions.hostProcess`, message: 'pod sets windowsOptions.hostProcess: true', severity: 'critical' }],
    },
    {
      name: 'pod and container both, pod first',
      input: deployment({ ...WINDOWS, hostNetwork: true, securityContext: hostProcess, containers: [container('agent', hostProcess)] }),
      findings: [{ field: `${DEPLOY}.securityContext.windowsOptions.hostProcess` }, { field: `${DEPLOY}.containers[0].securityContext.windowsOptions.hostProcess`, container: 'agent', message: 'container agent sets windowsOptions.hostProcess: true' }],
    },
    {
      name: 'init and ephemeral containers',
      input: pod({ ...WINDOWS, initContainers: [container('setup', hostProcess)], containers: [container('iis')], ephemeralContainers: [ephemeral('debug', hostProcess)] }),
      findings: [
        { field: `${POD}.initContainers[0].securityContext.windowsOptions.hostProcess`, container: 'setup' },
        { field: `${POD}.ephemeralContainers[0].securityContext.windowsOptions.hostProcess`, container: 'debug' },
      ],
    },
    {
      name: 'CronJob job template, even without os.name',
      input: cronJob({ containers: [container('cleanup', hostProcess)] }),
      findings: [{ field: `${CRON}.containers[0].securityContext.windowsOptions.hostProcess` }],
    },
  ],
});
