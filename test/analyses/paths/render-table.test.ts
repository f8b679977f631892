import { describe, expect, it } from 'vitest';
import { renderPaths, type PathsReport } from '../../../src/analyses/paths/index.js';
import type { AttackPath } from '../../../src/core/report.js';

const HOSTILE = 'ab\u001b[31mred\u001b[0m\nline';

function reportWith(path: Partial<AttackPath>): PathsReport {
  const node = (id: string, label: string) => ({ id, kind: 'identity' as const, label });
  const p: AttackPath = {
    id: 'p1',
    severity: 'critical',
    score: 1,
    likelihood: 1,
    impact: 1,
    entryPoint: 'identity',
    entry: node('User:x', `User ${HOSTILE}`),
    target: node('cluster-admin', 'cluster-admin'),
    nodes: [node('User:x', `User ${HOSTILE}`), node('cluster-admin', 'cluster-admin')],
    steps: [{ from: 'User:x', to: 'cluster-admin', text: `holds ${HOSTILE}`, findings: [], likelihood: 1 }],
    alsoFrom: [`User ${HOSTILE}`],
    ...path,
  };
  return {
    schema: 'palisade.paths/v1',
    summary: { paths: 1, bySeverity: { critical: 1 }, providerManaged: 0, nodes: 2, edges: 1 },
    paths: [p],
    fixes: [{ text: `remove ${HOSTILE}`, closes: 1, findings: [] }],
    errors: [],
    notes: [],
  };
}

describe('the paths table', () => {
  it('escapes control characters from the input in labels, steps, alsoFrom, fixes and owner actions', () => {
    for (const extra of [{ fix: { text: `unbind ${HOSTILE}`, closes: 1, findings: [] } }, { ownerAction: `ask ${HOSTILE}` }]) {
      const text = renderPaths('table', reportWith(extra));
      // eslint-disable-next-line no-control-regex -- no control character but the line ends may be left
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect(text.split('\n').filter((l) => l.includes('\\u001b[31mred\\u001b[0m\\u000aline'))).toHaveLength(5);
    }
  });
});
