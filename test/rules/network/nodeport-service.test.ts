import { describe, expect, it } from 'vitest';
import { Inventory } from '../../../src/core/inventory.js';
import { runRule } from '../../../src/core/rule.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import rule from '../../../src/rules/network/nodeport-service.js';
import { parseResources, ruleTester } from '../../helpers/rule-tester.js';
import { cliCluster } from '../aks/aks-tester.js';

const svc = (spec: string) => `
apiVersion: v1
kind: Service
metadata: { name: upload, namespace: legacy }
spec:
  selector: { app: sync }
${spec}
`;

const NODEPORT = `  type: NodePort
  ports: [{ name: upload, port: 8443, targetPort: 8443, nodePort: 30443, protocol: TCP }]`;

ruleTester(rule, {
  valid: [
    { name: 'ClusterIP', input: svc('  type: ClusterIP\n  ports: [{ port: 80 }]') },
    // Their node ports serve the load balancer; the load-balancer rule reports the exposure.
    { name: 'a LoadBalancer\'s node ports are not reported', input: svc('  type: LoadBalancer\n  ports: [{ port: 80, nodePort: 31845 }]') },
    { name: 'ExternalName', input: svc('  type: ExternalName\n  externalName: db.example.com') },
  ],
  invalid: [
    {
      name: 'a NodePort Service',
      input: svc(NODEPORT),
      findings: [{ field: 'spec.type', severity: 'low', message: 'Service legacy/upload opens node port 30443/TCP on every node: anything that can reach a node can connect' }],
    },
    {
      name: 'node ports not written yet are allocated from the range',
      input: svc('  type: NodePort\n  ports: [{ port: 80 }, { port: 443 }]'),
      findings: [{ message: /opens a node port \(30000-32767\) on every node/ }],
    },
    {
      name: 'several node ports',
      input: svc('  type: NodePort\n  ports: [{ port: 53, nodePort: 30053, protocol: UDP }, { port: 80, nodePort: 30080 }]'),
      findings: [{ message: /opens node ports 30053\/UDP, 30080\/TCP on every node/ }],
    },
  ],
});

describe('network/nodeport-service with the AKS cluster in the scan', () => {
  const findings = (enableNodePublicIP: boolean) => {
    const resources = [
      ...parseResources(svc(NODEPORT)),
      cliCluster('aks1', { agentPoolProfiles: [{ name: 'system', mode: 'System' }, { name: 'edge', mode: 'User', enableNodePublicIp: enableNodePublicIP }] }),
    ];
    const inventory = new Inventory(resources);
    return runRule(rule, resources[0]!, inventory, DEFAULT_SETTINGS);
  };

  it('is high when a node pool gives nodes public addresses', () => {
    const [f] = findings(true);
    expect(f?.severity).toBe('high');
    expect(f?.message).toBe(
      'Service legacy/upload opens node port 30443/TCP on every node, and node pool edge of cluster aks1 gives nodes public IP addresses: the port is one network security group rule away from the internet',
    );
    expect(f?.evidence).toMatchObject({ publicNodePools: ['node pool edge of cluster aks1'] });
  });

  it('stays low when no pool has public node addresses', () => {
    expect(findings(false).map((f) => f.severity)).toEqual(['low']);
  });
});
