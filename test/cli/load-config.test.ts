import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/cli/load-config.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { tempTree } from '../helpers/cli.js';

describe('loadConfig', () => {
  it('reads an empty or comments-only file as the defaults, from the file it names', () => {
    const dir = tempTree({ 'empty.yaml': '', 'comments.yaml': '\uFEFF# failOn: high\n  # rules:\n#   skip: []\n' });
    for (const name of ['empty.yaml', 'comments.yaml']) {
      const file = join(dir, name);
      expect(loadConfig(file)).toEqual({ config: DEFAULT_CONFIG, source: file });
    }
  });

  it('refuses an expiry day that does not exist, instead of rolling it over to the next month', () => {
    const dir = tempTree({
      'feb.yaml': 'exceptions:\n  - rule: workload/*\n    reason: r\n    expires: "2026-02-30"\n',
      'nov.yaml': 'exceptions:\n  - rule: workload/*\n    reason: r\n    expires: 2026-11-31\n',
      'ok.yaml': 'exceptions:\n  - rule: workload/*\n    reason: r\n    expires: 2028-02-29\n',
    });
    expect(() => loadConfig(join(dir, 'feb.yaml'))).toThrow(/expires must be a date \(YYYY-MM-DD\) that exists/);
    expect(() => loadConfig(join(dir, 'nov.yaml'))).toThrow(/that exists/);
    expect(loadConfig(join(dir, 'ok.yaml')).config.exceptions[0]?.expires).toBe('2028-02-29');
  });

  it('still refuses a file with settings it cannot read', () => {
    const dir = tempTree({ 'bad.yaml': 'failOn: severe\n' });
    expect(() => loadConfig(join(dir, 'bad.yaml'))).toThrow(/bad\.yaml: failOn/);
  });
});
