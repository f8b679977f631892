import { describe, expect, it } from 'vitest';
import rule from '../../../src/rules/pss/host-namespaces.js';
import { findingsFor, ruleTester } from '../../helpers/rule-tester.js';
import { container, pod } from './manifests.js';
import cases from './host-namespaces.cases.js';

ruleTester(cases.rule, cases);

describe('host namespace findings', () => {
  it('narrow the cross-references to the namespace that is shared', () => {
    const [f] = findingsFor(rule, pod({ hostPID: true, containers: [container('app')] }));
    const ids = f?.frameworks.map((r) => `${r.framework}:${r.id}`);
    expect(ids).toContain('pss:hostNamespaces');
    expect(ids).toContain('trivy:KSV010');
    expect(ids).not.toContain('trivy:KSV009');
    expect(ids).not.toContain('kubescape:C-0041');
    expect(f?.container).toBeUndefined();
  });
});
