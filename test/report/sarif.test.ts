import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { render } from '../../src/report/index.js';
import { artifactLocation } from '../../src/report/sarif.js';
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

function sarif(report = fixtureReport()): SarifLog {
  return JSON.parse(render('sarif', report, OPTIONS)) as SarifLog;
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

    for (const [name, report] of [
      ['fixture', fixtureReport()],
      ['clean', cleanReport()],
      ['attack paths', pathsReport()],
    ] as const) {
      it(`finds no problem in the ${name} log, SARIF and GitHub rules included`, () => {
        expect(problems(name, render('sarif', report, OPTIONS))).toEqual([]);
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
    // The rule's default stays what the catalog says even when one finding is only info.
    expect(driver.rules.find((r) => r.id === 'workload/image-untrusted-registry')!.defaultConfiguration.level).toBe('error');
  });

  it('locates results in relative files and as ns/Kind/name', () => {
    const r = find('container app sets privileged');
    expect(r.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'deploy/web.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 23 } });
    expect(r.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe('shop/Deployment/web');
    // The finding's id, and the file: one resource written in two files is two alerts.
    expect(r.partialFingerprints['palisade/v1']).toMatch(/^[0-9a-f]{16}:[0-9a-f]{12}$/);
    // GitHub refuses a log with a result that names no artifact: a finding without a file is written to its resource.
    const cluster = find('disableLocalAccounts');
    expect(cluster.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: '-/ManagedCluster/prod-aks', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } });
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
