import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { summarize, type Report } from '../../src/core/report.js';
import type { RuleMeta } from '../../src/core/rule.js';
import { render, type RenderOptions } from '../../src/report/index.js';
import { artifactLocation } from '../../src/report/sarif.js';
import { repositoryRootOf, sarifSourceRoot } from '../../src/report/source-root.js';
import { cleanReport, fixtureReport, RULES } from './fixture.js';
import { pathsReport } from './paths-fixture.js';

/**
 * The SARIF 2.1.0 schema and validator come from Microsoft's SARIF SDK (`@microsoft/sarif-multitool`,
 * whose per-platform package ships `Sarif.Multitool` and the `sarif-2.1.0.json` schema beside it).
 */
function multitool(): { binary: string; schema: string } | undefined {
  try {
    const binary = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;
    const schema = join(dirname(binary), 'sarif-2.1.0.json');
    return existsSync(binary) && existsSync(schema) ? { binary, schema } : undefined;
  } catch {
    return undefined;
  }
}

const TOOL = multitool();

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = formats.default;

function schemaValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(TOOL!.schema, 'utf8')) as object);
}
const OPTIONS = { rules: RULES, color: false };

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number } }; logicalLocations: { fullyQualifiedName: string }[] }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification: string }[];
  baselineState?: string;
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string; helpUri?: string; help: { text: string; markdown: string }; defaultConfiguration: { level: string }; properties: { tags: string[]; 'security-severity': string } }[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { level: string; message: { text: string } }[] }[];
    results: SarifResult[];
    properties: { suppressed: number; fixed?: number; leftOut?: number };
  }[];
}

function sarif(report = fixtureReport(), options: Partial<RenderOptions> = {}): SarifLog {
  return JSON.parse(render('sarif', report, { ...OPTIONS, ...options })) as SarifLog;
}

const VULNERABLE_PACKAGE: RuleMeta = {
  id: 'image/vulnerable-package',
  title: 'Image contains a package with a known vulnerability',
  severity: 'high',
  pillar: 'images',
  frameworks: [],
  description: 'A package in the image has a published vulnerability.',
  remediation: 'Rebuild the image, then pin it: registry/app:1.4.2@sha256:<digest> (or `app@sha256:<digest>` & roll out).',
  references: ['https://osv.dev/'],
};

/** A report of the given findings, made from the fixture's first one. */
function reportOf(findings: Partial<Finding>[], resources = 3): Report {
  const [base] = fixtureReport().findings;
  const all = findings.map((f, i) => ({ ...base!, id: `f${i}`, baseline: undefined, suppressed: undefined, ...f }) as Finding);
  return { ...cleanReport(), findings: all, summary: summarize(all, resources) };
}

const IMAGE_RESOURCE = { apiVersion: 'palisade.io/v1', kind: 'ContainerImage', namespace: null, name: 'registry/app:1.4.2' };
const CLUSTER_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shop/providers/Microsoft.ContainerService/managedClusters/aks-prod';

/** Every input failed: nothing was checked. */
function unreadReport(): Report {
  return { ...cleanReport(), summary: summarize([], 0), errors: [{ source: 'broken.yaml', line: 2, message: 'bad indentation' }] };
}

/** An image scanned at three severities (the rule's default among them): a descriptor each. */
function severitiesReport(): Report {
  return reportOf(
    (['low', 'critical', 'high', 'critical'] as const).map((severity, i) => ({
      rule: VULNERABLE_PACKAGE.id,
      severity,
      resource: IMAGE_RESOURCE,
      message: `CVE-2026-000${i} in openssl 3.0.1`,
      location: { file: 'trivy.json', line: 1 },
    })),
  );
}

/** Findings of objects no repository file holds: from Azure, from a live cluster, of an image. */
function sourcelessReport(): Report {
  return reportOf([
    { rule: 'aks/local-accounts-enabled', resource: { apiVersion: '2024-05-01', kind: 'ManagedCluster', namespace: null, name: 'aks-prod' }, message: 'local accounts', location: { file: CLUSTER_ID, line: 1 } },
    { rule: 'workload/host-network', severity: 'high', resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' }, message: 'live hostNetwork', location: { file: 'cluster:aks-prod-admin', line: 0 } },
    { rule: VULNERABLE_PACKAGE.id, severity: 'high', resource: IMAGE_RESOURCE, message: 'CVE-2026-0001 in openssl 3.0.1', location: { file: 'trivy.json', line: 1 } },
  ]);
}

describe('sarif against the SARIF 2.1.0 schema', () => {
  it('the schema ships with the SARIF SDK', () => {
    expect(TOOL, 'npm install should have brought @microsoft/sarif-multitool and its platform package').toBeDefined();
  });

  it.skipIf(!TOOL)('validates the fixture, a clean report and one with attack paths', () => {
    const validate = schemaValidator();
    for (const log of [sarif(), sarif(cleanReport()), sarif(pathsReport())]) {
      const ok = validate(log);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it.skipIf(!TOOL)('rejects what the schema forbids (the check is not vacuous)', () => {
    const validate = schemaValidator();
    const log = sarif();
    (log.runs[0]!.results[0] as unknown as Record<string, unknown>).level = 'critical';
    expect(validate(log)).toBe(false);
  });

  describe.skipIf(!TOOL)('Sarif.Multitool validate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-sarif-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    // Known and accepted: the project has no public home page yet to name as the driver's informationUri.
    const ACCEPTED = new Set(['SARIF2005']);

    function problems(name: string, text: string): { ruleId: string; level?: string }[] {
      const input = join(dir, `${name}.sarif`);
      const output = join(dir, `${name}.validation.sarif`);
      writeFileSync(input, text);
      const run = spawnSync(TOOL!.binary, ['validate', input, '--output', output, '--log', 'ForceOverwrite', '--rule-kind', 'Sarif;Gh'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status, run.stderr + run.stdout).toBe(0);
      const validation = JSON.parse(readFileSync(output, 'utf8')) as { runs: { results?: { ruleId: string; level?: string }[] }[] };
      return (validation.runs[0]!.results ?? []).filter((r) => !ACCEPTED.has(r.ruleId));
    }

    const withRoot = { sourceRoot: { root: '/srv/repo', cwd: '/srv/repo/examples' }, sarifCategory: 'palisade/aks' };
    for (const [name, report, options] of [
      ['fixture', fixtureReport(), {}],
      ['clean', cleanReport(), {}],
      ['attack paths', pathsReport(), withRoot],
      ['severities', severitiesReport(), {}],
      ['sourceless', sourcelessReport(), withRoot],
      ['nothing checked', unreadReport(), withRoot],
    ] as const) {
      it(`finds no problem in the ${name} log, SARIF and GitHub rules included`, () => {
        const text = render('sarif', report, { ...OPTIONS, rules: [...RULES, VULNERABLE_PACKAGE], ...options });
        const validate = schemaValidator();
        expect(validate(JSON.parse(text)), JSON.stringify(validate.errors, null, 2)).toBe(true);
        expect(problems(name, text)).toEqual([]);
      });
    }

    it('does find problems in a broken log (the check is not vacuous)', () => {
      const log = sarif();
      (log.runs[0]!.results[0] as unknown as Record<string, unknown>).message = {};
      expect(problems('broken', JSON.stringify(log)).map((p) => p.ruleId)).toContain('GH1015');
    });
  });
});

describe('sarif content', () => {
  const log = sarif();
  const run = log.runs[0]!;
  const driver = run.tool.driver;
  const find = (text: string) => run.results.find((r) => r.message.text.includes(text))!;

  it('is one SARIF 2.1.0 run by palisade', () => {
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(driver.name).toBe('palisade');
    expect(driver.version).toBe('0.1.0');
  });

  it('describes exactly the rules that have results, and ruleIndex points at them', () => {
    expect(driver.rules.map((r) => r.id)).toEqual([...new Set(run.results.map((r) => r.ruleId))].sort());
    expect(driver.rules.map((r) => r.id)).toContain('workload/image-untrusted-registry/info');
    for (const r of run.results) expect(driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    const privileged = driver.rules.find((r) => r.id === 'workload/privileged-container')!;
    expect(privileged.properties).toEqual({ tags: ['security', 'configuration', 'pss-baseline', 'cis-aks', 'mitre'], 'security-severity': '9.5' });
    expect(privileged.helpUri).toBe('https://kubernetes.io/docs/concepts/security/pod-security-standards/');
    expect(privileged.help.markdown).toContain('**Remediation:** Remove securityContext.privileged');
    expect(privileged.defaultConfiguration.level).toBe('error');
  });

  it('maps severities to levels per finding', () => {
    expect(find('sets privileged: true').level).toBe('error');
    expect(find('hostNetwork').level).toBe('error');
    expect(find('sidecar').level).toBe('warning');
    expect(find('reporter:latest').level).toBe('note');
    expect(find('unresolved template').level).toBe('note');
    // A finding below its rule's default severity points at a descriptor of its own severity: GitHub
    // reads severity from the descriptor only.
    const info = find('unresolved template');
    expect(info.ruleId).toBe('workload/image-untrusted-registry/info');
    const descriptor = driver.rules[info.ruleIndex]!;
    expect(descriptor.id).toBe('workload/image-untrusted-registry/info');
    expect(descriptor.defaultConfiguration.level).toBe('note');
    expect(descriptor.properties['security-severity']).toBe('0.0');
  });

  it('locates results in relative files and as ns/Kind/name', () => {
    const r = find('container app sets privileged');
    expect(r.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'deploy/web.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 23 } });
    expect(r.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe('shop/Deployment/web');
    // The finding's id, and the file: one resource written in two files is two alerts.
    expect(r.partialFingerprints['palisade/v1']).toMatch(/^[0-9a-f]{16}:[0-9a-f]{12}$/);
    // GitHub refuses a log with a result that names no artifact: a finding without a file is written to its resource.
    const cluster = find('disableLocalAccounts');
    expect(cluster.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: '-/ManagedCluster/prod-aks', uriBaseId: '%SRCROOT%', description: { text: 'not a file: the resource the result is about' } },
      region: { startLine: 1 },
    });
    expect(cluster.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe('-/ManagedCluster/prod-aks');
  });

  it('leaves suppressed findings out, counted: code scanning would show them as open alerts', () => {
    for (const text of ['binds host port', 'hostPID', 'ip-masq-agent']) expect(run.results.some((r) => r.message.text.includes(text))).toBe(false);
    expect(run.results.every((r) => r.suppressions === undefined)).toBe(true);
    expect(run.properties.suppressed).toBe(3);
  });

  it('marks baseline state, and leaves fixed findings out, counted', () => {
    expect(find('container app sets privileged').baselineState).toBe('new');
    expect(find('hostNetwork').baselineState).toBe('unchanged');
    expect(run.results.some((r) => r.message.text.includes('runAsNonRoot'))).toBe(false);
    expect(run.properties.fixed).toBe(1);
    expect(sarif(cleanReport()).runs[0]!.results.every((r) => r.baselineState === undefined)).toBe(true);
  });

  it('reports input errors as notifications of an unsuccessful execution', () => {
    const inv = run.invocations[0]!;
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications!.filter((n) => n.level === 'error').map((n) => n.message.text)).toEqual([
      'bad indentation of a mapping entry',
      'EACCES: permission denied',
    ]);
    expect(sarif(cleanReport()).runs[0]!.invocations[0]!.executionSuccessful).toBe(true);
  });
});

describe('artifactLocation', () => {
  it('keeps relative paths relative to %SRCROOT% with forward slashes', () => {
    expect(artifactLocation('./deploy/web.yaml')).toEqual({ uri: 'deploy/web.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('deploy\\sub dir\\a#b.yaml')).toEqual({ uri: 'deploy/sub%20dir/a%23b.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('c:x.yaml')).toEqual({ uri: 'c%3Ax.yaml', uriBaseId: '%SRCROOT%' });
  });

  it('turns absolute paths into file URIs', () => {
    expect(artifactLocation('/srv/k8s/web.yaml')).toEqual({ uri: 'file:///srv/k8s/web.yaml' });
    expect(artifactLocation('C:\\k8s\\web.yaml')).toEqual({ uri: 'file:///C:/k8s/web.yaml' });
  });

  it('has no artifact for stdin', () => {
    expect(artifactLocation('-')).toBeUndefined();
  });
});

describe('sarif for GitHub code scanning limits', () => {
  it('writes a finding read from stdin to a stdin artifact: a result without one makes GitHub refuse the log', () => {
    const report = fixtureReport();
    report.findings = report.findings.slice(0, 1).map((f) => ({ ...f, location: { file: '-', line: 4 } }));
    const r = sarif(report).runs[0]!.results[0]!;
    expect(r.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'stdin', uriBaseId: '%SRCROOT%' }, region: { startLine: 4 } });
  });

  it('keeps the 25,000 most severe results of a larger run, and says how many it left out', () => {
    const report = cleanReport();
    const [base] = fixtureReport().findings.filter((f) => !f.suppressed);
    const severities = ['low', 'critical', 'medium'] as const;
    report.findings = Array.from({ length: 25_010 }, (_, i) => ({ ...base!, id: `f${i}`, severity: i < 20 ? severities[i % 3]! : 'high' }));
    const run = sarif(report).runs[0]!;
    expect(run.results).toHaveLength(25_000);
    expect(run.results.filter((r) => r.level === 'note')).toHaveLength(0);
    expect(run.properties.leftOut).toBe(10);
    expect(run.invocations[0]!.toolExecutionNotifications!.map((n) => n.message.text)).toContain('10 less severe findings left out: GitHub code scanning accepts 25000 results in a run (the JSON report has them all)');
  });
});

describe('sarif severity per finding', () => {
  const run = sarif(severitiesReport(), { rules: [...RULES, VULNERABLE_PACKAGE] }).runs[0]!;
  const rules = run.tool.driver.rules;

  it('has a descriptor per severity used: the rule id for its default, the id and the severity for the others', () => {
    expect(rules.map((r) => r.id)).toEqual(['image/vulnerable-package', 'image/vulnerable-package/critical', 'image/vulnerable-package/low']);
    expect(rules.map((r) => r.properties['security-severity'])).toEqual(['8.0', '9.5', '3.0']);
    expect(rules.map((r) => r.defaultConfiguration.level)).toEqual(['error', 'error', 'note']);
  });

  it('points each result at the descriptor of its severity, so GitHub shows what --fail-on counts', () => {
    const expected = { low: '3.0', critical: '9.5', high: '8.0' } as Record<string, string>;
    const severities = ['low', 'critical', 'high', 'critical'];
    run.results.forEach((r, i) => {
      expect(rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.ruleId.startsWith('image/vulnerable-package')).toBe(true);
      expect(rules[r.ruleIndex]!.properties['security-severity']).toBe(expected[severities[i]!]);
    });
  });
});

describe('sarif when nothing was checked', () => {
  it('gives no score', () => {
    const nothing = { ...cleanReport(), summary: summarize([], 0), errors: [{ source: 'broken.yaml', message: 'bad indentation' }] };
    const props = sarif(nothing).runs[0]!.properties as Record<string, unknown>;
    expect(props.score).toBeUndefined();
    expect(props.nothingChecked).toBe(true);
    expect((sarif(cleanReport()).runs[0]!.properties as Record<string, unknown>).score).toBe(100);
  });
});

describe('sarif paths from the repository root', () => {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-root-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(repo, 'examples', 'legacy'), { recursive: true });
  const worktree = join(dir, 'worktree');
  mkdirSync(join(worktree, 'k8s'), { recursive: true });
  writeFileSync(join(worktree, '.git'), 'gitdir: ../repo/.git/worktrees/w\n');
  const outside = join(dir, 'plain');
  mkdirSync(outside, { recursive: true });

  const located = (file: string) => reportOf([{ location: { file, line: 3 } }]);
  const first = (report: Report, cwd: string) => sarif(report, { sourceRoot: sarifSourceRoot(report, cwd) }).runs[0]!.results[0]!;

  it('finds the repository by its .git, a directory or a file, and falls back to the working directory', () => {
    expect(repositoryRootOf(join(repo, 'examples', 'legacy'))).toBe(repo);
    expect(repositoryRootOf(join(worktree, 'k8s'))).toBe(worktree);
    expect(sarifSourceRoot(located('x.yaml'), outside).root).toBe(outside);
  });

  it('writes URIs relative to the repository root wherever Palisade ran', () => {
    const inExamples = first(located('legacy/x.yaml'), join(repo, 'examples'));
    expect(inExamples.locations[0]!.physicalLocation!.artifactLocation).toEqual({ uri: 'examples/legacy/x.yaml', uriBaseId: '%SRCROOT%' });
    // Without the root, `../k8s/a.yaml` would climb out of %SRCROOT%.
    const up = first(located('../k8s/a.yaml'), join(repo, 'examples'));
    expect(up.locations[0]!.physicalLocation!.artifactLocation).toEqual({ uri: 'k8s/a.yaml', uriBaseId: '%SRCROOT%' });
  });

  it('gives one fingerprint for one file, however its path was given', () => {
    const prints = [
      first(located('examples/legacy/x.yaml'), repo),
      first(located(join(repo, 'examples/legacy/x.yaml')), repo),
      first(located('./legacy/x.yaml'), join(repo, 'examples')),
      first(located('x.yaml'), join(repo, 'examples', 'legacy')),
    ].map((r) => r.partialFingerprints['palisade/v1']);
    expect(new Set(prints).size).toBe(1);
  });

  it('describes %SRCROOT% as the repository root, and writes a file outside it as a file: URI', () => {
    const report = reportOf([{ location: { file: 'examples/a.yaml', line: 1 } }, { location: { file: join(outside, 'b.yaml'), line: 1 } }]);
    const run = sarif(report, { sourceRoot: sarifSourceRoot(report, repo) }).runs[0]! as unknown as { originalUriBaseIds: Record<string, { uri: string }>; results: SarifResult[] };
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe(`${pathToFileURL(repo).href}/`);
    expect(run.results[1]!.locations[0]!.physicalLocation!.artifactLocation).toEqual({ uri: pathToFileURL(join(outside, 'b.yaml')).href });
  });
});

describe('sarif for findings no repository file holds', () => {
  const run = sarif(sourcelessReport(), { rules: [...RULES, VULNERABLE_PACKAGE] }).runs[0]!;
  const [aks, live, image] = run.results as [SarifResult, SarifResult, SarifResult];

  it('names the resource as a logical location: the Azure resource id, or ns/Kind/name', () => {
    expect(aks.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe(CLUSTER_ID);
    expect(live.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe('shop/Deployment/web');
    expect(image.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe('-/ContainerImage/registry/app:1.4.2');
  });

  it('writes no file: URI, live source or scanner report as if it were a file, and still gives code scanning an artifact', () => {
    for (const r of [aks, live, image]) {
      const artifact = r.locations[0]!.physicalLocation!.artifactLocation as { uri: string; uriBaseId?: string; description?: { text: string } };
      expect(artifact.uri).not.toMatch(/^file:|cluster%3A|trivy\.json/);
      expect(artifact.uriBaseId).toBe('%SRCROOT%');
      expect(artifact.description?.text).toContain('not a file');
    }
    expect(aks.locations[0]!.physicalLocation!.artifactLocation.uri).toBe(CLUSTER_ID.slice(1));
  });
});

describe('sarif help markdown', () => {
  it('escapes <, > and & outside code spans, as GitHub would read them as HTML', () => {
    const log = sarif(severitiesReport(), { rules: [...RULES, VULNERABLE_PACKAGE] });
    const help = log.runs[0]!.tool.driver.rules[0]!.help;
    expect(help.markdown).toContain('registry/app:1.4.2@sha256:&lt;digest&gt; (or `app@sha256:<digest>` &amp; roll out)');
    expect(help.text).toContain('registry/app:1.4.2@sha256:<digest>');
  });
});

describe('sarif run identity and notifications', () => {
  it('has automation details with a category, palisade/scan/ unless one is given', () => {
    const run = (options: Partial<RenderOptions>) => (sarif(cleanReport(), options).runs[0] as unknown as { automationDetails: { id: string } }).automationDetails.id;
    expect(run({})).toBe('palisade/scan/');
    expect(run({ sarifCategory: 'palisade/aks' })).toBe('palisade/aks/');
    expect(run({ sarifCategory: 'manifests/' })).toBe('manifests/');
  });

  it('gives the notes stderr warns about (an expired exception) as warnings, other notes as notes', () => {
    const expired = { source: '.palisade.yaml', message: 'exception for workload/privileged-container on legacy/Deployment/x expired on 2026-09-30 and no longer applies' };
    const skipped = { source: 'a.yaml', line: 4, message: 'skipped a document without apiVersion and kind' };
    const report = { ...cleanReport(), notes: [skipped, expired] };
    const levels = (warnings: RenderOptions['warnings']) => sarif(report, { ...(warnings ? { warnings } : {}) }).runs[0]!.invocations[0]!.toolExecutionNotifications!.map((n) => n.level);
    expect(levels([{ ...expired }])).toEqual(['note', 'warning']);
    expect(levels(undefined)).toEqual(['note', 'note']);
  });
});
