import { markFindingsOnPaths } from '../../src/analyses/paths/index.js';
import { sortFindings, summarize, type AttackPath, type Report } from '../../src/core/report.js';
import { fixtureReport } from './fixture.js';

/** A label as a manifest could write it: markup, Markdown, a table cell break and a terminal escape. */
export const HOSTILE = 'web <img src=x onerror=alert(1)> |*_`\u001b[31m';

const byRule = (report: Report, rule: string, name: string) => report.findings.find((f) => f.rule === rule && f.resource.name === name)!;

/**
 * The fixture report with two attack paths: the internet through Service shop/web to the privileged
 * web container and the node, and another namespace to node-exporter's hostPID and the node.
 */
export function pathsReport(): Report {
  const report = fixtureReport();
  const privileged = byRule(report, 'workload/privileged-container', 'web');
  const hostPid = byRule(report, 'workload/host-pid', 'node-exporter');
  const hostNetwork = byRule(report, 'workload/host-network', 'web');
  const paths: AttackPath[] = [
    {
      id: 'p-internet-web',
      severity: 'critical',
      score: 0.65,
      likelihood: 0.81,
      impact: 0.8,
      entryPoint: 'internet',
      entry: { id: 'internet', kind: 'internet', label: 'the internet' },
      target: { id: 'node', kind: 'node', label: 'a node of the cluster' },
      nodes: [
        { id: 'internet', kind: 'internet', label: 'the internet' },
        { id: 'service:shop/web', kind: 'service', label: `Service shop/${HOSTILE}` },
        { id: 'workload:shop/web[Deployment]', kind: 'workload', label: 'Deployment shop/web' },
        { id: 'node', kind: 'node', label: 'a node of the cluster' },
      ],
      steps: [
        { from: 'internet', to: 'service:shop/web', text: 'connects to the public load balancer', findings: [], likelihood: 1 },
        { from: 'service:shop/web', to: 'workload:shop/web[Deployment]', text: 'exploits the host network of the pod', rule: hostNetwork.rule, findings: [hostNetwork.id], likelihood: 0.9 },
        { from: 'workload:shop/web[Deployment]', to: 'node', text: 'escapes to the node: container app sets privileged: true', rule: privileged.rule, findings: [privileged.id], likelihood: 0.9 },
      ],
      fix: { text: 'remove securityContext.privileged of container app in Deployment shop/web', closes: 1, findings: [privileged.id], resource: privileged.resource },
    },
    {
      id: 'p-namespace-exporter',
      severity: 'high',
      score: 0.32,
      likelihood: 0.4,
      impact: 0.8,
      entryPoint: 'other-namespaces',
      entry: { id: 'other-namespaces', kind: 'other-namespaces', label: 'a pod of another namespace' },
      target: { id: 'node', kind: 'node', label: 'a node of the cluster' },
      nodes: [
        { id: 'other-namespaces', kind: 'other-namespaces', label: 'a pod of another namespace' },
        { id: 'workload:monitoring/node-exporter[DaemonSet]', kind: 'workload', label: 'DaemonSet monitoring/node-exporter' },
        { id: 'node', kind: 'node', label: 'a node of the cluster' },
      ],
      steps: [
        { from: 'other-namespaces', to: 'workload:monitoring/node-exporter[DaemonSet]', text: 'connects to the pod (no NetworkPolicy)', findings: [], likelihood: 0.5 },
        { from: 'workload:monitoring/node-exporter[DaemonSet]', to: 'node', text: 'escapes to the node: hostPID', rule: hostPid.rule, findings: [hostPid.id, privileged.id], likelihood: 0.8 },
      ],
      alsoFrom: ['DaemonSet monitoring/other'],
    },
  ];
  markFindingsOnPaths(report.findings, paths);
  sortFindings(report.findings);
  return { ...report, summary: summarize(report.findings, 9), paths };
}
