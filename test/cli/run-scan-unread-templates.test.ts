import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { runScan } from '../../src/cli/run-scan.js';
import { RULES } from '../../src/rules/index.js';
import { tempTree } from '../helpers/cli.js';

const scan = async (yaml: string) => {
  const dir = tempTree({ 'objects.yaml': yaml });
  const { report } = await runScan({ paths: [join(dir, 'objects.yaml')], rules: RULES, config: DEFAULT_CONFIG, configSource: 'defaults', failOn: 'none' });
  return report;
};

// What ARC's controller makes of an AutoscalingRunnerSet, and Knative's Deployment-like Service: kinds no rule reads.
const UNREAD = `
apiVersion: actions.github.com/v1alpha1
kind: EphemeralRunnerSet
metadata: {name: arc-runner-set-x7k2p, namespace: arc-runners}
spec:
  replicas: 2
  ephemeralRunnerSpec:
    githubConfigUrl: https://github.com/contoso
    spec:
      containers: [{name: dind, image: docker:dind, securityContext: {privileged: true}}]
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello, namespace: web}
spec:
  template:
    spec: {containers: [{image: ghcr.io/knative/helloworld-go:latest}]}
`;

describe('objects of unread kinds with a pod template', () => {
  it('are named in a note, so that their containers do not pass unchecked in silence', async () => {
    const report = await scan(UNREAD);
    expect(report.notes.map((n) => n.message)).toContain(
      '2 objects of kinds Palisade does not read carry a pod template (spec.ephemeralRunnerSpec.spec.containers / spec.template.spec.containers) ' +
        'and were not checked: EphemeralRunnerSet.actions.github.com/arc-runner-set-x7k2p, Service.serving.knative.dev/hello',
    );
  });

  it('leave no note when every pod template is read: an AutoscalingRunnerSet is checked', async () => {
    const report = await scan(`
apiVersion: actions.github.com/v1alpha1
kind: AutoscalingRunnerSet
metadata: {name: arc-runner-set, namespace: arc-runners}
spec:
  githubConfigUrl: https://github.com/contoso
  template:
    spec:
      containers: [{name: dind, image: docker:dind, securityContext: {privileged: true}}]
`);
    expect(report.notes.filter((n) => /pod template/.test(n.message))).toEqual([]);
    expect(report.findings.filter((f) => f.rule === 'workload/privileged-container').map((f) => f.field)).toEqual(['spec.template.spec.containers[0].securityContext.privileged']);
  });
});
