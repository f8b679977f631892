import rule from '../../../src/rules/workload/sudo-in-command.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { pod as basePod, deployment } from './fixtures.js';

/** A pod of one container app; `container` holds its further fields, indented four spaces. */
export const pod = (container: string) =>
  basePod(
    `  containers:
  - name: app
    image: shop.azurecr.io/app:1
${container}`,
    '{ name: p }',
  );

export default ruleCases(rule, {
  valid: [
    { name: 'no command', input: pod('') },
    { name: 'words containing sudo', input: pod(`    command: ["/usr/sbin/visudo", "-c"]\n    args: ["--user=pseudo", "/opt/sudo-helper", "/sudo/config"]`) },
    { name: 'odd shapes', input: pod(`    command: "sudo run"\n    args: [1, null]`) },
    {
      name: 'arguments that only name sudo: a check that it is absent, a package removal, a message',
      input: pod(`    command: ["/bin/sh", "-c"]\n    args: ["test -x /usr/bin/sudo && echo 'image must not ship sudo' && exit 1; apt-get remove -y sudo; command -v sudo || true"]`),
    },
  ],
  invalid: [
    {
      name: 'sudo as the command',
      input: pod(`    command: ["sudo", "nginx"]`),
      findings: [{ field: 'spec.containers[0].command[0]', container: 'app', message: 'container app runs sudo in its command (command[0])', severity: 'medium' }],
    },
    {
      name: 'by path, in a shell string in args',
      input: pod(`    command: ["/bin/sh", "-c"]\n    args: ["apt-get update && /usr/bin/sudo -u app ./start"]`),
      findings: [{ field: 'spec.containers[0].args[0]', message: /in its arguments/ }],
    },
    {
      name: 'in one string with its arguments, init container of a Deployment',
      input: deployment(
        `
      initContainers: [{ name: init, image: "busybox:1.36", command: ["sh", "-c", "echo hi; sudo chown 1000 /data"] }]
      containers: [{ name: app, image: "nginx:1.27", command: ["sudo cat"] }]`,
        'd',
      ),
      findings: [
        { field: 'spec.template.spec.containers[0].command[0]', container: 'app' },
        { field: 'spec.template.spec.initContainers[0].command[2]', container: 'init' },
      ],
    },
    ...['ls|sudo tee /x', 'x=$(sudo id)', 'if true; then sudo id; fi', 'exec sudo -E ./run', "bash -c 'sudo id'"].map((script) => ({
      name: `in a script: ${script}`,
      input: pod(`    command: ["/bin/sh", "-c"]\n    args: [${JSON.stringify(script)}]`),
      findings: [{ field: 'spec.containers[0].args[0]' }],
    })),
  ],
});
