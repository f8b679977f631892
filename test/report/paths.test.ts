import { describe, expect, it } from 'vitest';
import { sortFindings, type Report } from '../../src/core/report.js';
import { byPriority } from '../../src/report/common.js';
import { htmlData } from '../../src/report/html.js';
import { render } from '../../src/report/index.js';
import { fixtureReport, RULES } from './fixture.js';
import { HOSTILE, pathsReport } from './paths-fixture.js';

const OPTIONS = { rules: RULES, color: false };
const id = (report: Report, rule: string, name: string) => report.findings.find((f) => f.rule === rule && f.resource.name === name)!.id;

describe('attack paths in the table report', () => {
  const out = render('table', pathsReport(), OPTIONS);

  it('lists the paths step by step with their fix and a count', () => {
    expect(out).toContain('Attack paths (2)');
    expect(out).toContain('  #1 CRITICAL score 0.65: the internet → a node of the cluster');
    expect(out).toContain('     3. escapes to the node: container app sets privileged: true → a node of the cluster (workload/privileged-container)');
    expect(out).toContain('     fix: remove securityContext.privileged of container app in Deployment shop/web (closes 1 path)');
    expect(out).toContain('  2 attack paths: 1 critical, 1 high\n');
  });

  it('marks the findings on paths and no others', () => {
    expect(out).toMatch(/container app sets privileged: true \(line 23\)? *\[on 2 attack paths\]|container app sets privileged: true {2}\[on 2 attack paths\]/);
    expect(out).toMatch(/pod sets hostNetwork: true.*\[on 1 attack path\]/);
    expect(out).not.toMatch(/binds host port 8080.*attack path/);
  });

  it('shows terminal escapes from manifests as text', () => {
    expect(out).not.toContain('\u001b');
    expect(out).toContain('\\u001b[31m');
  });

  it('says nothing of paths when the report carries none', () => {
    expect(render('table', fixtureReport(), OPTIONS)).not.toContain('attack path');
  });

  it("counts the paths of AKS's components apart and gives them what the owner can do instead of a fix", () => {
    const report = pathsReport();
    const aks = report.paths![1]!;
    delete aks.fix;
    aks.providerManaged = true;
    aks.ownerAction = 'nothing: Azure Policy runs it; az aks disable-addons --addons azure-policy only if the cluster does without it';
    const table = render('table', report, OPTIONS);
    expect(table).toContain('  2 attack paths: 1 critical, 1 high; 1 of them is AKS-managed components only (nothing on them is yours to change)\n');
    expect(table).toContain('     yours to do: nothing: Azure Policy runs it');
    for (const p of report.paths!) Object.assign(p, { providerManaged: true });
    expect(render('markdown', report, OPTIONS)).toContain('all 2 are AKS-managed components only');
  });
});

describe('attack paths in the markdown report', () => {
  const report = pathsReport();
  const out = render('markdown', report, OPTIONS);

  it('has an Attack paths section before the findings, with escaped labels', () => {
    const section = out.slice(out.indexOf('### Attack paths'), out.indexOf('### Findings'));
    expect(section).toContain('2 attack paths: 1 critical, 1 high.');
    expect(section).toContain('1. **critical** (score 0.65): the internet → a node of the cluster');
    expect(section).toContain('   3. escapes to the node: container app sets privileged: true → a node of the cluster (`workload/privileged-container`)');
    expect(section).toContain('&lt;img src=x onerror=alert(1)&gt; \\|\\*\\_\\`\\\\u001b\\[31m');
    expect(section).not.toContain('<img');
  });

  it('marks findings on paths and puts them before others of the same severity', () => {
    const rows = out.split('\n').filter((l) => l.startsWith('| **high**'));
    expect(rows[0]).toContain('pod sets hostNetwork: true _(on 1 attack path)_');
    expect(rows[1]).toContain('disableLocalAccounts');
    // Without paths the report order holds: the cluster finding (no file) first.
    const plain = render('markdown', fixtureReport(), OPTIONS).split('\n').filter((l) => l.startsWith('| **high**'));
    expect(plain[0]).toContain('disableLocalAccounts');
    expect(plain.join('\n')).not.toContain('attack path');
  });
});

describe('attack paths in the SARIF report', () => {
  const report = pathsReport();
  const log = JSON.parse(render('sarif', report, OPTIONS)) as {
    runs: {
      results: {
        message: { text: string };
        partialFingerprints: Record<string, string>;
        relatedLocations?: { id: number; message: { text: string }; physicalLocation?: { region?: { startLine: number } } }[];
        codeFlows?: { message: { text: string }; threadFlows: { locations: { location: { message: { text: string }; physicalLocation?: { region?: { startLine: number } } }; importance?: string }[] }[] }[];
        properties: { attackPaths?: string[] };
      }[];
      properties: { attackPaths?: number };
    }[];
  };
  const run = log.runs[0]!;
  const result = (text: string) => run.results.find((r) => r.message.text.includes(text))!;

  it('gives a finding on a path the other steps’ findings as related locations naming the path', () => {
    const priv = result('container app sets privileged');
    expect(priv.properties.attackPaths).toEqual(['p-internet-web', 'p-namespace-exporter']);
    expect(priv.relatedLocations).toEqual([
      expect.objectContaining({ id: 1, message: { text: expect.stringContaining('step 2 of 3 of attack path p-internet-web (critical: the internet → a node of the cluster): exploits the host network') } }),
      expect.objectContaining({ id: 2, message: { text: expect.stringContaining('step 2 of 2 of attack path p-namespace-exporter') } }),
    ]);
    expect(priv.relatedLocations![0]!.physicalLocation!.region).toEqual({ startLine: 18 });
    expect(priv.relatedLocations![1]!.physicalLocation!.region).toEqual({ startLine: 70 });
  });

  it('draws each path as a code flow, one location per step, the finding’s own step essential', () => {
    const flows = result('pod sets hostNetwork').codeFlows!;
    expect(flows).toHaveLength(1);
    expect(flows[0]!.message.text).toBe(
      'attack path p-internet-web (critical, score 0.65): the internet → a node of the cluster. Fix: remove securityContext.privileged of container app in Deployment shop/web (closes 1 path)',
    );
    const steps = flows[0]!.threadFlows[0]!.locations;
    expect(steps.map((s) => s.location.physicalLocation?.region?.startLine)).toEqual([undefined, 18, 23]);
    expect(steps.map((s) => s.importance)).toEqual([undefined, 'essential', undefined]);
    expect(steps[0]!.location.message.text).toBe(`connects to the public load balancer → Service shop/${HOSTILE}`);
  });

  it('leaves findings on no path and reports without paths as they were', () => {
    expect(result('sidecar').codeFlows).toBeUndefined();
    expect(run.properties.attackPaths).toBe(2);
    expect(render('sarif', fixtureReport(), OPTIONS)).not.toMatch(/codeFlows|relatedLocations|attackPaths/);
  });
});

describe('attack paths in the HTML report', () => {
  const report = pathsReport();
  const data = htmlData(report, OPTIONS);

  it('carries the paths with their steps’ findings as indexes into the page’s findings', () => {
    expect(data.paths).toHaveLength(2);
    const [first, second] = data.paths!;
    expect(first![0]).toBe('p-internet-web');
    const linked = first![4].map((s) => s[3].map((i) => data.findings[i]![6]));
    expect(linked).toEqual([[], ['pod sets hostNetwork: true'], ['container app sets privileged: true']]);
    // The suppressed hostPID finding is not on the page: its step links only to what is.
    expect(second![4][1]![3].map((i) => data.findings[i]![6])).toEqual(['container app sets privileged: true']);
    expect(second![6]).toEqual(['DaemonSet monitoring/other']);
    expect(data.pathsLine).toBe('2 attack paths: 1 critical, 1 high');
  });

  it('puts findings on more paths first and counts their paths', () => {
    expect(data.findings[0]![6]).toBe('container app sets privileged: true');
    expect(data.findings[1]![6]).toBe('pod sets hostNetwork: true');
    expect(data.onPaths).toEqual({ 0: 2, 1: 1 });
  });

  it('adds the view only with paths, and never as markup', () => {
    const page = render('html', report, OPTIONS);
    expect(page).toContain('<section id="paths-section" hidden><h2>Attack paths</h2>');
    expect(page).not.toContain('<img');
    expect(page).toContain('\\u003cimg src=x onerror=alert(1)\\u003e');
    expect(render('html', fixtureReport(), OPTIONS)).not.toContain('paths-section');
  });
});

describe('priority of findings on paths', () => {
  it('sortFindings puts a finding on more paths first among otherwise equal ones', () => {
    const report = pathsReport();
    const a = { ...report.findings.find((f) => f.rule === 'workload/host-port')! };
    const b = { ...a, id: 'b', rule: 'workload/host-port', evidence: { onPaths: ['p-internet-web'] } };
    const c = { ...a, id: 'c', rule: 'workload/host-port', evidence: { onPaths: ['p-internet-web', 'p-namespace-exporter'] } };
    expect(sortFindings([a, b, c]).map((f) => f.id)).toEqual(['c', 'b', a.id]);
  });

  it('byPriority ranks by severity, then paths, then report order', () => {
    const report = pathsReport();
    const ordered = byPriority(report.findings.filter((f) => f.suppressed === undefined));
    expect(ordered.slice(0, 3).map((f) => f.id)).toEqual([
      id(report, 'workload/privileged-container', 'web'),
      id(report, 'workload/host-network', 'web'),
      id(report, 'aks/local-accounts-enabled', 'prod-aks'),
    ]);
  });
});
