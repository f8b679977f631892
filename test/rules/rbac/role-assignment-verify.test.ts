import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { roleAssignmentVerify } from '../../../src/rules/rbac/grants.js';

/** The words a POSIX shell passes to `az` for the command, with `az` replaced by a function that prints them. */
function shellWords(command: string): string[] {
  const out = execFileSync('sh', ['-c', `az() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${command}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

/** The string a JMESPath raw literal `'...'` stands for: `\'` is a quote and `\\` a backslash. */
function rawLiteral(literal: string): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
  return literal.slice(1, -1).replace(/\\(['\\])/g, '$1');
}

describe('roleAssignmentVerify', () => {
  it('writes the usual GUID name plainly', () => {
    expect(roleAssignmentVerify('c0a81e55-0000-4000-8000-000000000001')).toBe(
      `az role assignment list --all --query "[?name=='c0a81e55-0000-4000-8000-000000000001']" -o table`,
    );
  });

  it.each([`x']" $(touch /tmp/palisade-pwned) '\\`, "it's", 'a\\b', '$HOME', '`id`'])('keeps %j one literal for the shell and for JMESPath', (name) => {
    const words = shellWords(roleAssignmentVerify(name));
    expect(words.slice(0, 5)).toEqual(['role', 'assignment', 'list', '--all', '--query']);
    expect(words.slice(6)).toEqual(['-o', 'table']);
    const query = words[5] ?? '';
    expect(query.startsWith('[?name==') && query.endsWith(']')).toBe(true);
    expect(rawLiteral(query.slice('[?name=='.length, -1))).toBe(name);
  });
});
