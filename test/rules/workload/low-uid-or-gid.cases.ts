import rule from '../../../src/rules/workload/low-uid-or-gid.js';
import { ruleCases } from '../../helpers/rule-tester.js';

const pod = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n${spec}`;

export default ruleCases(rule, {
  valid: [
    { name: 'pod level covers every container', input: pod('  securityContext: {runAsUser: 10001, runAsGroup: 10001}\n  containers: [{name: app, image: x}]\n') },
    { name: 'container level', input: pod('  containers:\n  - name: app\n    image: x\n    securityContext: {runAsUser: 20000, runAsGroup: 10000}\n') },
    { name: 'container overrides a low pod value', input: pod('  securityContext: {runAsUser: 0, runAsGroup: 0}\n  containers:\n  - name: app\n    securityContext: {runAsUser: 30000, runAsGroup: 30000}\n') },
    { name: 'user namespaces', input: pod('  hostUsers: false\n  containers: [{name: app, image: x}]\n') },
    { name: 'windows', input: pod('  os: {name: windows}\n  containers: [{name: app, image: x}]\n') },
    { name: 'windows nodes by nodeSelector', input: pod('  nodeSelector: {kubernetes.io/os: windows}\n  containers: [{name: app, image: x}]\n') },
  ],
  invalid: [
    {
      name: 'nothing set',
      input: pod('  containers: [{name: app, image: x}]\n'),
      findings: [{ field: 'spec.containers[0].securityContext.runAsUser', container: 'app', message: 'container app runs with no runAsUser (the image decides) and no runAsGroup (the image decides)' }],
    },
    {
      name: 'a Linux nodeSelector changes nothing',
      input: pod('  nodeSelector: {kubernetes.io/os: linux}\n  containers: [{name: app, image: x}]\n'),
      findings: [{ field: 'spec.containers[0].securityContext.runAsUser' }],
    },
    {
      name: 'low user, high group',
      input: pod('  containers:\n  - name: app\n    securityContext: {runAsUser: 0, runAsGroup: 20000}\n'),
      findings: [{ field: 'spec.containers[0].securityContext.runAsUser', message: 'container app runs with runAsUser 0' }],
    },
    {
      name: 'low group from the pod, init container too',
      input: pod('  securityContext: {runAsUser: 10001, runAsGroup: 1000}\n  initContainers: [{name: init}]\n  containers: [{name: app}]\n'),
      findings: [
        { field: 'spec.securityContext.runAsGroup', container: 'app', message: 'container app runs with runAsGroup 1000' },
        { field: 'spec.securityContext.runAsGroup', container: 'init', message: 'init container init runs with runAsGroup 1000' },
      ],
    },
  ],
});
