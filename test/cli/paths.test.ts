import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from '../helpers/cli.js';
import { hardened, internetFacingPrivileged, podCreatorToSecretReader } from '../analyses/paths/estates.js';

/** Container insights' agent as AKS runs it: privileged, so a compromised pod of it holds its node. */
const amaLogsDaemonSet = `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: ama-logs, namespace: kube-system }
spec:
  selector: { matchLabels: { component: ama-logs-agent } }
  template:
    metadata: { labels: { component: ama-logs-agent } }
    spec:
      containers: [{ name: ama-logs, image: mcr.microsoft.com/azuremonitor/containerinsights/ciprod:3.1.24, securityContext: { privileged: true }, ports: [{ containerPort: 25225 }] }]
`;

describe('palisade paths', () => {
  const estate = tempTree({ 'web.yaml': internetFacingPrivileged, 'ci.yaml': podCreatorToSecretReader });

  it('prints the ranked paths step by step with their fix, and exits 1 for a path at or above --fail-on', async () => {
    const r = await runCli(['paths', estate]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^#1 CRITICAL score [\d.]+ \(likelihood [\d.]+ × impact 0\.8\): the internet → a node of the cluster$/);
    expect(lines[1]).toMatch(/^ {3}1\. connects to the public load balancer of Service shop\/web, open to every address → Service shop\/web \(LoadBalancer\) \(network\/load-balancer-without-source-ranges \[[0-9a-f]{16}\]\)$/);
    expect(r.stdout).toContain('escapes to the node: container app sets privileged: true → a node of the cluster (workload/privileged-container');
    expect(r.stdout).toMatch(/fix: stop running container app of Deployment shop\/web privileged \(closes 2 paths\)/);
    // Once on the node, the token of the CI runner's service account is a file away.
    expect(r.stdout).toContain('4. reads the token of ServiceAccount build/ci from a pod scheduled on the node → ServiceAccount build/ci');
    expect(r.stdout).toContain('a compromised pod of Deployment build/ci-runner → the secrets of kube-system');
    expect(r.stdout).toContain('Fixes that close the most paths:\n  1. stop running container app of Deployment shop/web privileged: closes 2 paths\n');
    expect(r.stdout).toMatch(/3 attack paths: 1 critical, 1 high, 1 medium, 0 low\n$/);
  });

  it('counts no path made only of AKS-managed components toward --fail-on, and says so in the path and the totals', async () => {
    const aks = `${tempTree({ 'aks.yaml': amaLogsDaemonSet })}/aks.yaml`;
    const r = await runCli(['paths', aks, '--fail-on', 'low']);
    expect(r.stdout).toContain('(AKS-managed components only: not counted for --fail-on)');
    expect(r.stdout).toMatch(/\n1 attack path: 0 critical, 0 high, 1 medium, 0 low; it is AKS-managed components only \(not counted for --fail-on\)\n$/);
    expect(r.stdout).toContain('   yours to do: nothing to change in these objects: AKS re-applies them; they run for the monitoring add-on (Container insights)');
    expect(r.stdout).not.toContain('fix:');
    expect(r.code).toBe(0);
    const json = JSON.parse((await runCli(['paths', aks, '-f', 'json', '--fail-on', 'none'])).stdout) as { summary: { paths: number; providerManaged: number } };
    expect(json.summary).toMatchObject({ paths: 1, providerManaged: 1 });
  });

  it('--no-aks-managed and profiles.aksManaged: false count AKS-managed paths like any other, as scan does', async () => {
    const tree = tempTree({ 'aks.yaml': amaLogsDaemonSet, 'nomanaged.yaml': 'profiles:\n  aksManaged: false\n' });
    for (const flags of [['--no-aks-managed'], ['--config', `${tree}/nomanaged.yaml`]]) {
      const r = await runCli(['paths', `${tree}/aks.yaml`, '--fail-on', 'low', ...flags]);
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toContain('AKS-managed');
      expect(r.stdout).toMatch(/\n1 attack path: 0 critical, 0 high, 1 medium, 0 low\n$/);
      expect(r.code).toBe(1);
    }
  });

  it('writes JSON, Mermaid and dot, and exits 0 below --fail-on', async () => {
    const json = await runCli(['paths', estate, '-f', 'json', '--fail-on', 'critical']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { schema: string; summary: { paths: number }; paths: Array<{ entryPoint: string; nodes: Array<{ id: string }> }>; fixes: unknown[] };
    expect(report.schema).toBe('palisade.paths/v1');
    expect(report.paths.map((p) => `${p.entryPoint}: ${p.nodes.map((n) => n.id).join(' → ')}`)).toEqual([
      'internet: internet → service:shop/web → workload:shop/web[Deployment] → node',
      'internet: internet → service:shop/web → workload:shop/web[Deployment] → node → ServiceAccount:build/ci → ServiceAccount:ops/backup → secrets:kube-system',
      'pod: workload:build/ci-runner[Deployment] → ServiceAccount:build/ci → ServiceAccount:ops/backup → secrets:kube-system',
    ]);
    const mermaid = await runCli(['paths', estate, '-f', 'mermaid', '--fail-on', 'none']);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^flowchart LR\n/);
    expect(mermaid.stdout).toContain('-->|"workload/privileged-container"|');
    const dot = await runCli(['paths', estate, '-f', 'dot', '--fail-on', 'none']);
    expect(dot.stdout).toMatch(/^digraph attack_paths \{\n/);
    expect(dot.stdout).toContain('[label="a node of the cluster", shape=doubleoctagon, color=red];');
  });

  it('says so when nothing leads anywhere, and refuses a bad --limit', async () => {
    const quiet = await runCli(['paths', tempTree({ 'app.yaml': hardened })]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/^No attack paths/);
    const bad = await runCli(['paths', estate, '--limit', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--limit must be a whole number');
  });
});

describe('scan and the attack paths', () => {
  const estate = tempTree({ 'web.yaml': internetFacingPrivileged });

  it('puts the paths in the JSON report and marks the findings on them', async () => {
    const r = await runCli(['scan', estate, '-f', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { paths: Array<{ id: string; steps: Array<{ findings: string[] }> }>; findings: Array<{ id: string; rule: string; evidence: { onPaths?: string[] } }> };
    expect(report.paths).toHaveLength(1);
    const path = report.paths[0]!;
    const onPath = report.findings.filter((f) => f.evidence.onPaths);
    expect(onPath.map((f) => f.rule).sort()).toEqual(['image/vulnerable-package', 'network/load-balancer-without-source-ranges', 'workload/privileged-container']);
    expect(onPath.map((f) => f.id).sort()).toEqual(path.steps.flatMap((s) => s.findings).sort());
    for (const f of onPath) expect(f.evidence.onPaths).toEqual([path.id]);
    expect(report.findings.length).toBeGreaterThan(onPath.length);
  });

  it('shows the paths in the table, markdown, SARIF and HTML reports too, not in JUnit', async () => {
    const [table, markdown, sarif, html, junit] = await Promise.all(
      ['table', 'markdown', 'sarif', 'html', 'junit'].map((f) => runCli(['scan', estate, '-f', f, '--fail-on', 'none'])),
    );
    expect(table!.stdout).toContain('Attack paths (1)');
    expect(table!.stdout).toMatch(/sets privileged: true.*\[on 1 attack path\]/);
    expect(markdown!.stdout).toContain('### Attack paths');
    expect(markdown!.stdout).toContain('_(on 1 attack path)_');
    const log = JSON.parse(sarif!.stdout) as { runs: { results: { ruleId: string; codeFlows?: { threadFlows: { locations: unknown[] }[] }[]; relatedLocations?: unknown[] }[] }[] };
    const privileged = log.runs[0]!.results.find((r) => r.ruleId === 'workload/privileged-container')!;
    expect(privileged.codeFlows![0]!.threadFlows[0]!.locations).toHaveLength(3);
    expect(privileged.relatedLocations).toHaveLength(2);
    expect(html!.stdout).toContain('<section id="paths-section"');
    expect(junit!.stdout).not.toContain('attack path');
  });

  it('--only-on-paths hides the findings that lead nowhere', async () => {
    const r = await runCli(['scan', estate, '-f', 'json', '--only-on-paths', '--fail-on', 'none']);
    const report = JSON.parse(r.stdout) as { summary: { findings: number }; findings: Array<{ rule: string; evidence: { onPaths?: string[] } }> };
    expect(report.findings.map((f) => f.rule).sort()).toEqual(['image/vulnerable-package', 'network/load-balancer-without-source-ranges', 'workload/privileged-container']);
    expect(report.summary.findings).toBe(3);
  });
});
