import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { parseRulesFile } from '../../src/audit/rules-file.js';
import { AKS_IDENTITIES, DEFAULT_AUDIT_SETTINGS } from '../../src/audit/settings.js';
import { auditEvent, of, runEvents } from './helpers.js';

function usageError(text: string): string {
  try {
    parseRulesFile(text, 'rules.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('rules files', () => {
  it('read settings: lists extend the defaults, {replace} replaces them, opt-in lists turn detectors on', () => {
    const { settings, rules } = parseRulesFile(
      `settings:
  allowedIdentities: [ci-deployer]
  aksImages: {replace: ["mcr.microsoft.com/oss/*"]}
  trustedImages: {privileged: [contoso.azurecr.io/node-agent]}
  allowedNamespaces: [shop, payments]
  activity: false
  authFailures: {threshold: 3}
`,
      'rules.yaml',
    );
    expect(rules).toEqual([]);
    expect(settings.allowedIdentities).toEqual([...AKS_IDENTITIES, 'ci-deployer']);
    expect(settings.aksImages).toEqual(['mcr.microsoft.com/oss/*']);
    expect(settings.trustedImages.privileged).toEqual(['contoso.azurecr.io/node-agent']);
    expect(settings.allowedNamespaces).toEqual(['shop', 'payments']);
    expect(settings.activity).toBe(false);
    expect(settings.authFailures).toEqual({ threshold: 3, windowSeconds: DEFAULT_AUDIT_SETTINGS.authFailures.windowSeconds });
  });

  it('compile CEL rules once; a bare list of rules is a rules file too', () => {
    const { rules } = parseRulesFile(
      `- id: shop/delete-in-prod
  severity: medium
  condition: event.verb == "delete" && event.objectRef.namespace == "shop" && event.stage == "ResponseComplete"
  messageExpression: '"deleted " + event.objectRef.resource + "/" + event.objectRef.name'
`,
      'rules.yaml',
    );
    const r = runEvents([auditEvent({ verb: 'delete', objectRef: { resource: 'deployments', namespace: 'shop', name: 'web' }, responseStatus: { code: 200 } })], { userRules: rules });
    expect(of(r.alerts, 'shop/delete-in-prod')).toMatchObject([{ severity: 'medium', message: 'deleted deployments/web', frameworks: [] }]);
  });

  it('name the rule and the position of a bad expression', () => {
    const msg = usageError(`rules:
  - id: ok
    severity: low
    condition: "true"
  - id: broken
    severity: high
    condition: event.verb == "create" &&
`);
    expect(msg).toMatch(/^rules\.yaml: rule broken \(rules\[1\]\) condition at line 1, column \d+: /);
  });

  it('refuse a condition that is not a boolean', () => {
    expect(usageError('- {id: x, severity: low, condition: \'"yes"\'}')).toBe('rules.yaml: rule x (rules[0]) condition: must be a bool, is a string');
  });

  it('refuse unknown settings, reserved or repeated ids, and bad YAML', () => {
    expect(usageError('settings: {allowedIdentity: [x]}')).toContain('Unrecognized key');
    expect(usageError('- {id: audit/mine, severity: low, condition: "true"}')).toContain('ids starting with audit/ belong to the built-in detectors');
    expect(usageError('- {id: a, severity: low, condition: "true"}\n- {id: a, severity: low, condition: "false"}')).toBe('rules.yaml: rule id a appears twice');
    expect(usageError('- {id: a, severity: severe, condition: "true"}')).toContain('0.severity');
    expect(usageError('rules: [')).toMatch(/^rules\.yaml: /);
  });
});
