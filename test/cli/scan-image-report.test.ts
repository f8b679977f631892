import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { runCli, tempTree } from '../helpers/cli.js';

const trivy = JSON.stringify({
  SchemaVersion: 2,
  ArtifactName: 'registry.example.com/shop/web:1.4',
  Metadata: { OS: { Family: 'debian', Name: '12.5' } },
  Results: [
    {
      Target: 'registry.example.com/shop/web:1.4 (debian 12.5)',
      Type: 'debian',
      Vulnerabilities: [
        { VulnerabilityID: 'CVE-2024-1111', PkgName: 'libc6', InstalledVersion: '2.36-9', FixedVersion: '2.36-9+deb12u4', Severity: 'CRITICAL' },
        { VulnerabilityID: 'CVE-2024-2222', PkgName: 'apt', InstalledVersion: '2.6.1', Severity: 'LOW' },
      ],
    },
  ],
});

const manifests = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      automountServiceAccountToken: false
      containers:
        - name: app
          image: registry.example.com/shop/web:1.4
`;

describe('palisade scan --image-report', () => {
  it('joins a report of a tarball to the workloads that pin its digest, and names the image by its tag', async () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const fromTar = JSON.parse(trivy) as Record<string, unknown>;
    fromTar.ArtifactName = 'app.tar';
    fromTar.Metadata = { OS: { Family: 'debian', Name: '12.5' }, RepoTags: ['registry.example.com/shop/web:1.4'], RepoDigests: [`registry.example.com/shop/web@${digest}`] };
    const pinned = manifests.replace('image: registry.example.com/shop/web:1.4', `image: registry.example.com/shop/web@${digest}`);
    const dir = tempTree({ 'deploy/web.yaml': pinned, 'trivy.json': JSON.stringify(fromTar) });
    const r = await runCli(['scan', 'deploy', '--image-report', join(dir, 'trivy.json'), '--pillar', 'images', '-f', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const vulns = (JSON.parse(r.stdout) as Report).findings.filter((f) => f.rule === 'image/vulnerable-package');
    expect(vulns.map((f) => [f.resource.name, f.evidence.usedBy])).toEqual([
      ['registry.example.com/shop/web:1.4', ['shop/Deployment/web (container app)']],
      ['registry.example.com/shop/web:1.4', ['shop/Deployment/web (container app)']],
    ]);
    expect(vulns[0]?.verify).toBe(`palisade image scan registry.example.com/shop/web:1.4@${digest} -f json`);
  });

  it("joins a Trivy report's vulnerabilities to the workloads that run the image", async () => {
    const dir = tempTree({ 'deploy/web.yaml': manifests, 'trivy.json': trivy });
    const r = await runCli(['scan', 'deploy', '--image-report', join(dir, 'trivy.json'), '--pillar', 'images', '-f', 'json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const vulns = report.findings.filter((f) => f.rule === 'image/vulnerable-package');
    expect(vulns.map((f) => [f.severity, f.message])).toEqual([
      ['critical', 'CVE-2024-1111 in libc6 2.36-9: fixed in 2.36-9+deb12u4'],
      ['low', 'CVE-2024-2222 in apt 2.6.1: no fixed version published yet'],
    ]);
    expect(vulns[0]?.evidence.usedBy).toEqual(['shop/Deployment/web (container app)']);
    // Shown at the image line of the workload that runs it, not at line 1 of the scanner's report.
    expect(vulns[0]?.location).toEqual({ file: join('deploy', 'web.yaml'), line: 10, field: 'spec.template.spec.containers[0].image' });
  });

  it('places the SARIF result at the manifest line naming the image, and an image nothing runs on no file', async () => {
    const dir = tempTree({ 'deploy/web.yaml': manifests, 'trivy.json': trivy, 'other.json': trivy.replaceAll('shop/web:1.4', 'shop/batch:2.0') });
    const r = await runCli(['scan', 'deploy', '--image-report', join(dir, 'trivy.json'), '--image-report', join(dir, 'other.json'), '--pillar', 'images', '-f', 'sarif'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    type Result = { ruleId: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string; description?: unknown }; region?: { startLine: number } } }> };
    const results = (JSON.parse(r.stdout) as { runs: Array<{ results: Result[] }> }).runs[0]!.results.filter((x) => x.ruleId.startsWith('image/vulnerable-package'));
    const where = results.map((x) => [x.locations[0]!.physicalLocation.artifactLocation.uri, x.locations[0]!.physicalLocation.region?.startLine, x.locations[0]!.physicalLocation.artifactLocation.description === undefined]);
    expect(where.sort()).toEqual([
      ['-/ContainerImage/registry.example.com/shop/batch%3A2.0', 1, false],
      ['-/ContainerImage/registry.example.com/shop/batch%3A2.0', 1, false],
      ['deploy/web.yaml', 10, true],
      ['deploy/web.yaml', 10, true],
    ]);
  });

  it('reports an unreadable report as an error and still scans the rest (exit 2)', async () => {
    const dir = tempTree({ 'deploy/web.yaml': manifests, 'bad.json': '{' });
    const r = await runCli(['scan', 'deploy', '--image-report', 'bad.json', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.errors).toEqual([expect.objectContaining({ source: 'bad.json', message: expect.stringMatching(/^not a JSON image report/) })]);
    expect(report.summary.resources).toBe(1);
  });
});
