import { describe, expect, it, vi } from 'vitest';
// The catalog loads the baseline rule beside the restricted one; the restricted rule relies on it.
import '../../../src/rules/pss/capabilities-baseline.js';
import rule from '../../../src/rules/pss/capabilities-restricted.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { container, pod } from './manifests.js';
import cases, { caps } from './capabilities-restricted.cases.js';

ruleTester(cases.rule, cases);

describe('de-duplication against capabilities_baseline', () => {
  const sysAdmin = pod({ containers: [container('app', caps(['ALL'], ['SYS_ADMIN']))] });

  it('leaves a non-default add to the baseline rule when both are loaded', () => {
    expect(findingsFor(rule, sysAdmin)).toEqual([]);
  });

  // The replaced check is looked up in a registry that each check file fills when it is imported, so
  // the restricted rule reports SYS_ADMIN a second time when capabilities-baseline.ts was never imported.
  it('does not depend on the baseline rule module having been imported', async () => {
    vi.resetModules();
    const { default: alone } = await import('../../../src/rules/pss/capabilities-restricted.js');
    expect(findingsFor(alone, sysAdmin)).toEqual([]);
  });
});
