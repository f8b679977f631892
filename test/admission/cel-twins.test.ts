import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admissionPolicies, type GeneratedPolicy } from '../../src/admission/policies.js';
import { globsRegex, JS_WHITESPACE_CLASS, upperCaseRegex } from '../../src/core/cel.js';
import { globMatch } from '../../src/core/glob.js';
import { Inventory } from '../../src/core/inventory.js';
import { toResource } from '../../src/core/resource.js';
import { runRule, type Rule } from '../../src/core/rule.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../../src/core/settings.js';
import { RULES } from '../../src/rules/index.js';
import dangerousCapabilityAdded from '../../src/rules/workload/dangerous-capability-added.js';
import imageNotPinnedByDigest from '../../src/rules/workload/image-not-pinned-by-digest.js';
import imagePullPolicyNotAlways from '../../src/rules/workload/image-pull-policy-not-always.js';
import imageTagLatest from '../../src/rules/workload/image-tag-latest.js';
import { parseImageReference, repositoryNames } from '../../src/core/image-reference.js';
import sudoInCommand from '../../src/rules/workload/sudo-in-command.js';
import untrustedRegistry from '../../src/rules/workload/untrusted-registry.js';
import { functionsCalled, KUBERNETES_FUNCTIONS, PolicyEvaluator } from './cel-env.js';

/**
 * The CEL forms that re-implement JavaScript string handling with regexes (image references, capability
 * names, sudo in a command line) are compared with the TypeScript on generated input: pieces of the
 * grammar shuffled together with the characters where JavaScript and RE2 differ (Unicode white space,
 * letters that upper-case to ASCII, line breaks).
 */

const evaluator = new PolicyEvaluator();
const RUNS = 2000;

function policyOf(rule: Rule, settings: RuleSettings): GeneratedPolicy | undefined {
  return admissionPolicies([rule], { settings, mode: 'deny', excludedNamespaces: [] }).policies[0];
}

function podWith(container: Record<string, unknown>) {
  const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [{ name: 'app', ...container }] } };
  return toResource(object, { file: 'generated.yaml', line: 1 })!;
}

/** The rule and its policy on one generated container: [rule refuses, policy refuses]. */
function verdicts(rule: Rule, settings: RuleSettings, container: Record<string, unknown>): [boolean, boolean] {
  const resource = podWith(container);
  const byRule = runRule(rule, resource, new Inventory([resource]), settings).some((f) => f.severity !== 'info');
  const policy = policyOf(rule, settings);
  const decision = policy ? evaluator.admits(policy, resource.object) : { admitted: true };
  expect(decision).not.toHaveProperty('error');
  return [byRule, !decision.admitted];
}

const pieces = (tokens: readonly string[], maxLength = 8) => fc.array(fc.constantFrom(...tokens), { maxLength }).map((a) => a.join(''));

const IMAGE_TOKENS = [
  'nginx', 'a', 'b-c', 'a__b', 'a--b', 'x.y', '_x', 'A', 'Web', '/', '/', ':', ':', '@', '5000', 'latest', 'stable', 'v1.2', '1.0-dev',
  'sha256:', 'sha512:', 'blake3:', 'constructor:', 'e'.repeat(64), 'E'.repeat(64), 'f'.repeat(128), 'localhost', 'docker.io', 'index.docker.io',
  'Docker.IO', 'library', 'library/', 'shop.azurecr.io', 'MCR.Microsoft.com', 'mcr.microsoft.com', '[::1]', '[', ']', ' ', '\u00a0', '\u2028',
  '\ufeff', '\u0085', 'é', 'İ', '\t', '\n', '{{', '}}', '-', '.', '..', '+', '=',
];
// Mostly well-formed references (registry, path, tag, digest), each part sometimes slightly wrong.
const HEX = 'e'.repeat(64);
const reference = fc
  .tuple(
    fc.constantFrom('', '', 'shop.azurecr.io/', 'MCR.Microsoft.com/', 'mcr.microsoft.com/', 'localhost/', 'x.y:5000/', '[::1]:5000/', 'docker.io/', 'index.docker.io/', 'Docker.IO/', 'a_b.c/', 'Reg/', 'a-b/', 'x.y.io:443/', 'shop.azurecr.io:443/', 'mcr.microsoft.com:4430/'),
    fc.array(fc.constantFrom('nginx', 'library', 'a', 'b-c', 'a__b', 'a--b', 'x.y', 'A', '_x', 'web', 'nginx-'), { minLength: 1, maxLength: 3 }).map((p) => p.join('/')),
    fc.constantFrom('', '', ':latest', ':stable', ':v1.2', ':1.0-dev', ':E1', ':', ':-x', `:${'a'.repeat(128)}`, `:${'a'.repeat(129)}`),
    fc.constantFrom('', '', `@sha256:${HEX}`, `@sha256:${HEX.toUpperCase()}`, `@sha512:${'f'.repeat(128)}`, `@blake3:${HEX}`, '@md5:abc', '@constructor:x', '@sha256:', '@x', '@a:b c', '@a:b\u00a0', `@sha256:${HEX}@x:y`, '@a+b:c=d'),
  )
  .map((parts) => parts.join(''));
const image = fc.oneof({ weight: 5, arbitrary: reference }, { weight: 3, arbitrary: pieces(IMAGE_TOKENS) }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) });

const imageSettings = fc.record({
  trustedRegistries: fc.subarray(['*.azurecr.io', 'mcr.microsoft.com', 'docker.io', 'index.docker.io', 'localhost', 'x.y:5000', '*.io', '  MCR.Microsoft.com ', '*.', 'a', 'x.y.io', 'mcr.microsoft.com:443', '*.y.io:443']),
  mutableTags: fc.subarray(['latest', 'stable', 'v*', '*-dev', '?', 'E*']),
  digestExemptImages: fc.subarray(['nginx', 'docker.io/library/*', 'shop.azurecr.io/*', '*', 'library/nginx', 'a/*', 'x.y*']),
});

const pullPolicy = fc.constantFrom(undefined, 'Always', 'IfNotPresent', 'Never', 'always', '');

describe('image references in CEL', () => {
  it('the images variable holds what parseImageReference and repositoryNames read', () => {
    const policy = policyOf(imageTagLatest, DEFAULT_SETTINGS)!;
    fc.assert(
      fc.property(image, (img) => {
        const ref = parseImageReference(img);
        const records = evaluator.evaluate(policy, 'variables.images', { object: podWith({ image: img }).object }) as Array<Record<string, string>>;
        if (!ref) {
          expect(records).toEqual([]);
          return;
        }
        expect(records).toHaveLength(1);
        expect(records[0]).toMatchObject({ tag: ref.tag ?? '', digest: ref.digest ?? '', name: ref.name, registry: ref.registry });
        expect(new Set([records[0]?.name, records[0]?.short, records[0]?.full])).toEqual(new Set(repositoryNames(ref)));
      }),
      { numRuns: RUNS },
    );
  });

  it.each([untrustedRegistry, imageTagLatest, imagePullPolicyNotAlways, imageNotPinnedByDigest].map((r) => [r.meta.id, r] as const))('%s decides as the rule', (_id, rule) => {
    fc.assert(
      fc.property(image, imageSettings, pullPolicy, (img, s, policy) => {
        const settings = { ...DEFAULT_SETTINGS, ...s };
        const [byRule, byPolicy] = verdicts(rule, settings, { image: img, ...(policy !== undefined ? { imagePullPolicy: policy } : {}) });
        expect(byPolicy).toBe(byRule);
      }),
      { numRuns: RUNS },
    );
  });

  it('an algorithm named like an Object property is an unregistered one, not a crash', () => {
    const [byRule, byPolicy] = verdicts(imageNotPinnedByDigest, DEFAULT_SETTINGS, { image: 'nginx@constructor:abc' });
    expect([byRule, byPolicy]).toEqual([false, false]);
  });
});

const CAPABILITY_TOKENS = [
  'sys', 'SYS', 'ſys', '_', 'admin', 'ADMIN', 'adm', 'ın', 'ı', 'cap_', 'CAP_', 'Cap_', 'all', 'ALL', 'ß', 'net', 'NET', 'raw', 'bpf', 'perfmon',
  'ptrace', 'SYS_PTRACE', 'chown', 'st', 'ﬆ', 'ﬀ', 'K', 'k', ' ', '\u00a0', '\ufeff', '\u0085', '\t', '\n', '\u2028', '\u200b', 'x',
];

describe('capability names in CEL', () => {
  it('workload/dangerous-capability-added decides as the rule', () => {
    fc.assert(
      fc.property(pieces(CAPABILITY_TOKENS, 5), (cap) => {
        const [byRule, byPolicy] = verdicts(dangerousCapabilityAdded, DEFAULT_SETTINGS, { securityContext: { capabilities: { add: [cap] } } });
        expect(byPolicy).toBe(byRule);
      }),
      { numRuns: RUNS },
    );
  });

  it('upperCaseRegex matches exactly the strings that upper-case to the word', () => {
    const words = ['S', 'I', 'K', 'SS', 'ST', 'FF', 'FFI', 'SYS_ADMIN', 'CAP_'];
    // Every single character of the Basic Multilingual Plane, against every word.
    for (const word of words) {
      const re = new RegExp(`^${upperCaseRegex(word)}$`);
      for (let cp = 0; cp <= 0xffff; cp++) {
        const ch = String.fromCharCode(cp);
        if (re.test(ch) !== (ch.toUpperCase() === word)) expect(`${word} / U+${cp.toString(16)}`).toBe('consistent');
      }
    }
    fc.assert(
      fc.property(pieces(CAPABILITY_TOKENS, 4), fc.constantFrom(...words), (text, word) => {
        expect(new RegExp(`^${upperCaseRegex(word)}$`).test(text)).toBe(text.toUpperCase() === word);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('sudo in CEL', () => {
  const SUDO_TOKENS = ['sudo', 'SUDO', 'pseudo', 'visudo', 'sudoers', 'sudo-helper', ' ', '\t', '\n', '\u00a0', '\u0085', '\u2028', ';', '&', '|', '`', '(', ')', '$(', '{', '}', '/', '/usr/bin/', '"', "'", 'x', '-u', 'echo'];

  it('workload/sudo-in-command decides as the rule', () => {
    fc.assert(
      fc.property(pieces(SUDO_TOKENS, 6), fc.boolean(), (text, inArgs) => {
        const [byRule, byPolicy] = verdicts(sudoInCommand, DEFAULT_SETTINGS, inArgs ? { args: [text] } : { command: [text] });
        expect(byPolicy).toBe(byRule);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('regex building blocks', () => {
  it("JS_WHITESPACE_CLASS is JavaScript's \\s", () => {
    const re = new RegExp(`[${JS_WHITESPACE_CLASS}]`);
    for (let cp = 0; cp <= 0xffff; cp++) {
      const ch = String.fromCharCode(cp);
      if (re.test(ch) !== /\s/.test(ch)) expect(`U+${cp.toString(16)}`).toBe('consistent');
    }
  });

  it('globsRegex matches as globMatch on tags and names', () => {
    const glob = pieces(['*', '?', 'a', 'b', '.', '-', '/', 'v1', '[', '(', '+', '$', '^', '\\', '|'], 5);
    const text = pieces(['a', 'b', '.', '-', '/', 'v1', '[', '(', '+', '$', '^', '\\', '|', '_'], 6);
    fc.assert(
      fc.property(fc.array(glob, { minLength: 1, maxLength: 3 }), text, (globs, t) => {
        expect(new RegExp(globsRegex(globs)).test(t)).toBe(globs.some((g) => globMatch(g, t)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('every generated expression', () => {
  const settings: RuleSettings = { ...DEFAULT_SETTINGS, mutableTags: ['latest', 'stable'], digestExemptImages: ['mcr.microsoft.com/*'] };
  const { policies } = admissionPolicies(RULES, { settings, mode: 'deny', excludedNamespaces: [] });
  const expressions = policies.flatMap((p) => [
    ...p.variables.map((v) => v.expression),
    ...(p.policy.spec as { validations: Array<{ expression: string }>; matchConditions: Array<{ expression: string }> }).validations.map((v) => v.expression),
    ...(p.policy.spec as { matchConditions: Array<{ expression: string }> }).matchConditions.map((v) => v.expression),
  ]);

  it('parses as CEL', () => {
    expect(policies.length).toBeGreaterThan(25);
    for (const e of expressions) expect(() => evaluator.compile(e)).not.toThrow();
  });

  it('calls only functions Kubernetes has in every version that serves admissionregistration/v1', () => {
    const called = new Set(expressions.flatMap((e) => [...functionsCalled(e)]));
    // string() is the standard conversion; the rest is KUBERNETES_FUNCTIONS.
    expect([...called].filter((f) => !KUBERNETES_FUNCTIONS.has(f) && f !== 'string')).toEqual([]);
  });

  it('uses no regex feature RE2 and JavaScript read differently', () => {
    const regexes = expressions.flatMap((e) => [...e.matchAll(/\.matches\(('(?:[^'\\]|\\.)*')\)/g)].map((m) => evaluator.compile(m[1] as string)({}) as string));
    expect(regexes.length).toBeGreaterThan(5);
    for (const re of regexes) {
      // Lookaround, backreferences, inline flags and the ASCII-or-Unicode shorthands.
      expect(re).not.toMatch(/\(\?[=!<i]|\\[1-9]|\\[sSdDwWbB]/);
      expect(() => new RegExp(re)).not.toThrow();
    }
  });
});
