import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { runScan } from '../../src/cli/run-scan.js';
import { FORMATS, render } from '../../src/report/index.js';
import { RULES } from '../../src/rules/index.js';
import { tempTree } from '../helpers/cli.js';

describe('a value written as a tag (`password: !Tr0ub4dor&3xyz`)', () => {
  it('appears in no report format', async () => {
    const dir = tempTree({
      'values.yaml': 'replicaCount: 2\npostgresql:\n  auth:\n    username: shop\n    password: !Tr0ub4dor&3xyz\n',
      'mkdocs.yml': 'site_name: docs\nplugins:\n  - x: !!python/name:Tr0ub4dor.module\n',
      'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: c, image: nginx}]\n',
    });
    const { report } = await runScan({ paths: [dir], rules: RULES, config: DEFAULT_CONFIG, configSource: 'defaults', failOn: 'none' });
    expect(report.errors).toEqual([]);
    expect(report.notes.map((n) => [n.source, n.message])).toEqual([
      [join(dir, 'mkdocs.yml'), "document 1 is not a Kubernetes object (a !!python/ tag, another tool's YAML); skipped"],
      [join(dir, 'values.yaml'), 'document 1 is not a Kubernetes object (no apiVersion/kind); skipped'],
    ]);
    for (const format of FORMATS) expect(render(format, report, { rules: RULES.map((r) => r.meta), color: false })).not.toContain('Tr0ub4dor');
  });
});
