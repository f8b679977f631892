import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { runScan, type ScanOptions } from '../../src/cli/run-scan.js';
import { render } from '../../src/report/index.js';
import { RULES } from '../../src/rules/index.js';
import { tempTree } from '../helpers/cli.js';

const NAMESPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
`;

// Privileged: a way to the node, so an attack path; the rest of its findings lead nowhere.
const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: myacr.azurecr.io/web:1.0
        securityContext:
          privileged: true
`;

const API = WEB.replace(/web/g, 'api');

async function scan(dir: string, paths: string[], extra: Partial<ScanOptions> = {}) {
  const { report } = await runScan({
    paths: paths.map((p) => join(dir, p)),
    rules: RULES,
    config: DEFAULT_CONFIG,
    configSource: 'defaults',
    failOn: 'none',
    attackPaths: true,
    ...extra,
  });
  return report;
}

/** A baseline of the whole tree, as `scan -f json -o base.json` writes it. */
async function baselineOf(dir: string, paths: string[]): Promise<string> {
  const file = join(dir, 'base.json');
  writeFileSync(file, render('json', await scan(dir, paths), { rules: RULES.map((r) => r.meta), color: false }));
  return file;
}

describe('--baseline: a finding is fixed only where this scan could have found it again', () => {
  it('does not call the findings --only-on-paths leaves out fixed, and counts only the findings it keeps', async () => {
    const dir = tempTree({ 'k8s/web.yaml': `${NAMESPACE}---\n${WEB}` });
    const baselineFile = await baselineOf(dir, ['k8s']);
    const report = await scan(dir, ['k8s'], { baselineFile, onlyOnPaths: true });
    expect(report.findings.map((f) => f.rule)).toEqual(['workload/privileged-container']);
    expect(report.baseline).toMatchObject({ new: 0, existing: 1, fixed: [] });
  });

  it('still lists what is gone under --only-on-paths', async () => {
    const dir = tempTree({ 'k8s/web.yaml': `${NAMESPACE}---\n${WEB}` });
    const baselineFile = await baselineOf(dir, ['k8s']);
    writeFileSync(join(dir, 'k8s/web.yaml'), `${NAMESPACE}---\n${WEB.replace('privileged: true', 'privileged: false')}`);
    const report = await scan(dir, ['k8s'], { baselineFile, onlyOnPaths: true });
    expect(report.baseline?.fixed.map((f) => f.rule)).toEqual(['workload/privileged-container']);
  });

  it('does not call the findings of a file with a broken document fixed, while a fix in another file still counts', async () => {
    const dir = tempTree({ 'k8s/web.yaml': `${NAMESPACE}---\n${WEB}`, 'k8s/api.yaml': API });
    const baselineFile = await baselineOf(dir, ['k8s']);
    // The Deployment of web.yaml cannot be read any more; api.yaml is fixed.
    writeFileSync(join(dir, 'k8s/web.yaml'), `${NAMESPACE}---\n${WEB}  bad: [\n`);
    writeFileSync(join(dir, 'k8s/api.yaml'), API.replace('privileged: true', 'privileged: false'));
    const report = await scan(dir, ['k8s'], { baselineFile });
    expect(report.errors.map((e) => e.source)).toEqual([join(dir, 'k8s/web.yaml')]);
    const fixed = report.baseline?.fixed ?? [];
    expect(fixed.map((f) => `${f.rule} ${f.resource.name}`)).toEqual(['workload/privileged-container api']);
    expect(fixed.every((f) => f.location?.file === join(dir, 'k8s/api.yaml'))).toBe(true);
  });

  it('calls nothing fixed below a directory that could not be read, nor what other objects decided (an open namespace elsewhere)', async () => {
    const dir = tempTree({ 'k8s/app/web.yaml': WEB, 'k8s/other.yaml': NAMESPACE });
    const baselineFile = await baselineOf(dir, ['k8s']);
    // What reading k8s/app would leave: nothing of it, and an error naming it.
    rmSync(join(dir, 'k8s/app'), { recursive: true });
    const report = await scan(dir, ['k8s'], { baselineFile, extraErrors: [{ source: join(dir, 'k8s/app'), message: 'cannot read directory: permission denied' }] });
    // The namespace of other.yaml was open because of the workload in k8s/app: not read, not fixed.
    expect(report.findings.some((f) => f.rule === 'network/namespace-without-default-deny-ingress')).toBe(false);
    expect(report.baseline?.fixed).toEqual([]);
  });
});
