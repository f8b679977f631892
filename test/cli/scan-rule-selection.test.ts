import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { runCli, tempTree } from '../helpers/cli.js';

const privileged = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: app
        image: shop.azurecr.io/web:1.0
        securityContext:
          privileged: true
`;

/** `palisade scan web.yaml ARGS` in a folder holding web.yaml and the given .palisade.yaml. */
function scanWith(config: string, args: string[]) {
  const dir = tempTree({ 'web.yaml': privileged, '.palisade.yaml': config });
  return runCli(['scan', 'web.yaml', ...args], { cwd: dir });
}

describe('scan --rule and the config file', () => {
  it('--rule takes the place of rules.only: it narrows the configured rules, never widens them', async () => {
    const r = await scanWith('rules:\n  only: ["workload/*"]\n', ['--rule', 'workload/privileged-container', '-f', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(new Set((JSON.parse(r.stdout) as Report).findings.map((f) => f.rule))).toEqual(new Set(['workload/privileged-container']));
  });

  it('says that the config file skips the rule --rule asks for, naming the file', async () => {
    const r = await scanWith('rules:\n  skip: ["workload/privileged-container"]\n', ['--rule', 'workload/privileged-container']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'the rule filters select no rule: workload/privileged-container is skipped by rules.skip in .palisade.yaml ("workload/privileged-container"): nothing would be checked',
    );
  });

  it('names the config file as the source of an unknown rule id in rules.skip or rules.only', async () => {
    const skip = await scanWith('rules:\n  skip: ["workload/privileged-contianer"]\n', []);
    expect(skip.code).toBe(2);
    expect(skip.stderr).toContain('.palisade.yaml: rules.skip: unknown rule "workload/privileged-contianer" (see `palisade rules`); did you mean workload/privileged-container?');
    const only = await scanWith('rules:\n  only: ["nope/*"]\n', ['--rule', 'workload/privileged-container']);
    expect(only.code).toBe(2);
    expect(only.stderr).toContain('.palisade.yaml: rules.only: unknown rule "nope/*"');
  });
});

describe('admission policies --rule and the config file', () => {
  it('narrows the configured rules.only as scan does, and names the config file for its unknown ids', async () => {
    const dir = tempTree({ '.palisade.yaml': 'rules:\n  only: ["workload/*"]\n' });
    const r = await runCli(['admission', 'policies', '--rule', 'workload/privileged-container'], { cwd: dir });
    expect(r.code).toBe(0);
    const names = [...r.stdout.matchAll(/^ {2}name: (palisade-[\w-]+)$/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n === 'palisade-workload-privileged-container')).toBe(true);
    const bad = tempTree({ '.palisade.yaml': 'rules:\n  skip: ["workload/privileged-contianer"]\n' });
    const typo = await runCli(['admission', 'policies'], { cwd: bad });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('.palisade.yaml: rules.skip: unknown rule "workload/privileged-contianer"');
  });
});
