import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type ExceptionConfig } from '../../src/core/config.js';
import { runScan } from '../../src/cli/run-scan.js';
import { RULES } from '../../src/rules/index.js';
import { tempTree } from '../helpers/cli.js';

// A node agent's Pod as the API server stores it: on the host network, hostPort set to containerPort.
const AGENT = `apiVersion: v1
kind: Pod
metadata: {name: node-agent-x7k2p, namespace: monitoring}
spec:
  hostNetwork: true
  containers:
  - name: agent
    image: contoso.azurecr.io/agent:1.2.3
    ports:
    - {containerPort: 9100, hostPort: 9100}
    - {containerPort: 9200, hostPort: 9300}
`;

const scan = async (exceptions: ExceptionConfig[]) => {
  const dir = tempTree({ 'agent.yaml': AGENT });
  const config = { ...DEFAULT_CONFIG, exceptions };
  const { report } = await runScan({ paths: [join(dir, 'agent.yaml')], rules: RULES, config, configSource: '.palisade.yaml', failOn: 'none' });
  return report.findings.filter((f) => f.rule === 'workload/host-port');
};

describe('scan: the host ports of a host-network Pod', () => {
  it('are excused where workload/host-namespace is, with its reason, as at admission; a port that differs is not', async () => {
    const ports = await scan([{ rule: 'workload/host-namespace', resources: ['monitoring/Pod/node-agent-*'], reason: 'node metrics agent', expires: undefined }]);
    expect(ports.map((f) => [f.field, f.suppressed?.reason])).toEqual([
      ['spec.containers[0].ports[0].hostPort', 'workload/host-namespace: node metrics agent'],
      ['spec.containers[0].ports[1].hostPort', undefined],
    ]);
  });

  it('are excused by the annotation too, with each of its warnings said once', async () => {
    const dir = tempTree({ 'agent.yaml': AGENT.replace('namespace: monitoring}', "namespace: monitoring, annotations: {palisade.io/ignore: 'workload/host-namespace, workload/no-such-rule -- node agent'}}") });
    const { report, warnings } = await runScan({ paths: [join(dir, 'agent.yaml')], rules: RULES, config: DEFAULT_CONFIG, configSource: '.palisade.yaml', failOn: 'none' });
    const ports = report.findings.filter((f) => f.rule === 'workload/host-port');
    expect(ports.map((f) => f.suppressed?.reason)).toEqual(['workload/host-namespace: node agent', undefined]);
    const noRule = warnings.filter((w) => w.message.includes('workload/no-such-rule'));
    expect(noRule).toHaveLength(1);
  });

  it('are reported as ever without such an exception', async () => {
    const ports = await scan([]);
    expect(ports).toHaveLength(2);
    expect(ports.every((f) => f.suppressed === undefined)).toBe(true);
  });
});
