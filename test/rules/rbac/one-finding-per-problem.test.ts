import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/engine.js';
import { Inventory } from '../../../src/core/inventory.js';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.js';
import { RULES } from '../../../src/rules/index.js';
import { parseResources } from '../../helpers/rule-tester.js';
import { clusterRole, clusterRoleBinding, roleBinding, user } from './fixtures.js';

const RBAC_RULES = RULES.filter((r) => r.meta.id.startsWith('rbac/'));
const ALL = '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]';

function rulesReported(yaml: string): string[] {
  const { findings } = evaluate(RBAC_RULES, new Inventory(parseResources(yaml)), DEFAULT_SETTINGS);
  return findings.map((f) => `${f.rule} ${f.field ?? ''}`).sort();
}

describe('rbac rules on one grant', () => {
  it('report cluster-admin once, not each right it includes', () => {
    expect(rulesReported(clusterRole('cluster-admin', ALL) + clusterRoleBinding('ops', 'cluster-admin', `[${user('ann')}]`))).toEqual(['rbac/cluster-admin-bound subjects[0]']);
  });

  it('report each right of a namespace admin, which cluster-admin-bound does not cover', () => {
    const found = rulesReported(clusterRole('cluster-admin', ALL) + roleBinding('shop', 'ops', 'ClusterRole', 'cluster-admin', `[${user('ann')}]`));
    expect(found).toContain('rbac/wildcard-permission subjects[0]');
    expect(found).toContain('rbac/can-read-secrets subjects[0]');
    expect(found).not.toContain('rbac/cluster-admin-bound subjects[0]');
  });
});
