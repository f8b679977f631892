import { Command, Option } from 'commander';
import { admissionPolicies, ADMISSION_MODES, type AdmissionMode } from '../admission/policies.js';
import { renderPolicySet } from '../admission/policy-yaml.js';
import { excludedNamespaces, isNamespaceName } from '../admission/namespaces.js';
import { UsageError } from '../core/errors.js';
import { FRAMEWORK_FILTERS, type FrameworkFilter } from '../core/frameworks.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../core/settings.js';
import { SEVERITIES, type Severity } from '../core/severity.js';
import { VERSION } from '../core/version.js';
import { RULES } from '../rules/index.js';
import { compareVersions, formatVersion, LATEST_PSS_VERSION, parsePssVersion } from '../rules/pss/check.js';
import { loadConfig } from './load-config.js';
import { writeResult } from './output.js';
import { selectConfiguredRules } from './select-rules.js';
import { DEFAULT_WEBHOOK_NAMESPACE } from '../admission/manifests.js';

const collect = (value: string, previous: string[]) => [...previous, value];

interface PoliciesOptions {
  rule: string[];
  skipRule: string[];
  framework?: FrameworkFilter;
  mode: AdmissionMode;
  excludeNamespace: string[];
  webhookNamespace: string;
  failOn?: Severity;
  pssVersion?: string;
  config?: string;
  output?: string;
}

export function admissionCommand(): Command {
  const admission = new Command('admission').description('admission control inside the Kubernetes API server');
  admission.addCommand(
    new Command('policies')
      .description('ValidatingAdmissionPolicies (CEL) for every rule CEL can decide exactly as the scan does, with their bindings')
      .option('--rule <id>', 'only this rule (repeatable; globs like workload/* allowed)', collect, [])
      .option('--skip-rule <id>', 'leave this rule out (repeatable; globs allowed)', collect, [])
      .addOption(new Option('--framework <framework>', 'only rules of this framework (pss-baseline for the Pod Security baseline checks)').choices([...FRAMEWORK_FILTERS]))
      .addOption(new Option('--mode <mode>', 'what a binding does with a refused object: deny (Deny), warn (Warn) or audit (Audit)').choices([...ADMISSION_MODES]).default('audit'))
      .option('--exclude-namespace <ns>', 'leave this namespace out too (repeatable; AKS system namespaces are always left out)', collect, [])
      .option('--webhook-namespace <ns>', 'the namespace of palisade webhook, left out so that the policies never refuse its pods', DEFAULT_WEBHOOK_NAMESPACE)
      .addOption(new Option('--fail-on <severity>', 'enforce only the rules whose findings can reach this severity (default: every rule)').choices([...SEVERITIES]))
      .option('--pss-version <version>', 'Pod Security Standards version for the PSS rules (latest or vX.Y)')
      .option('--config <file>', 'configuration file for rule settings such as trustedRegistries (default ./.palisade.yaml when present)')
      .option('-o, --output <file>', 'write the manifests to a file instead of stdout')
      .action((opts: PoliciesOptions) => {
        process.exitCode = policies(opts);
      }),
  );
  return admission;
}

function policies(opts: PoliciesOptions): number {
  const loaded = loadConfig(opts.config);
  const config = loaded.config;
  const requested = opts.pssVersion ?? config.settings.pssVersion ?? DEFAULT_SETTINGS.pssVersion;
  const version = parsePssVersion(requested);
  if (!version) throw new UsageError(`${opts.pssVersion !== undefined ? '--pss-version' : `${loaded.source}: settings.pssVersion`} must be latest or v1.N (as Pod Security Admission writes it: v1.0 or later), not ${JSON.stringify(requested)}`);
  const bad = opts.excludeNamespace.filter((ns) => !isNamespaceName(ns));
  if (bad.length) throw new UsageError(`--exclude-namespace takes namespace names, not ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
  if (!isNamespaceName(opts.webhookNamespace)) throw new UsageError(`--webhook-namespace takes a namespace name, not ${JSON.stringify(opts.webhookNamespace)}`);
  const settings: RuleSettings = {
    ...DEFAULT_SETTINGS,
    ...Object.fromEntries(Object.entries(config.settings).filter(([, v]) => v !== undefined)),
    // The version in force, spelled out: the policies say which one they enforce.
    pssVersion: formatVersion(version),
  };
  const selected = selectConfiguredRules(RULES, config.rules, loaded.source, {
    rule: opts.rule,
    skipRule: opts.skipRule,
    ...(opts.framework ? { framework: opts.framework } : {}),
  });
  // A Pod Security level is enforced by its own checks: a hardening rule that also carries the reference
  // for some of its findings (dangerous capabilities) would refuse in CEL what the level allows (SETPCAP).
  const pssOnly = opts.framework === 'pss-baseline' || opts.framework === 'pss-restricted';
  const rules = pssOnly ? selected.filter((r) => 'pss' in r) : selected;
  if (rules.length === 0) throw new UsageError(`the rule filters select no Pod Security check for --framework ${opts.framework}: nothing would be checked`);
  const set = admissionPolicies(rules, {
    settings,
    mode: opts.mode,
    // The webhook's own pods must start whatever the policies refuse: with them refused, the webhook is
    // down and, at failurePolicy Ignore, everything it alone enforces goes unchecked.
    excludedNamespaces: excludedNamespaces([opts.webhookNamespace, ...opts.excludeNamespace]),
    exceptions: config.exceptions,
    // As the webhook reads its configuration: annotations are honoured at admission only when allowed there.
    allowIgnoreAnnotation: config.annotations.allowIgnore && config.webhook.allowIgnoreAnnotation,
    // What the webhook admits unexamined, the policies leave alone too: the two must admit the same.
    exemptNamespaces: config.webhook.exemptNamespaces,
    exemptUsers: config.webhook.exemptUsers,
    ...(opts.failOn ? { failOn: opts.failOn } : {}),
  });
  for (const w of set.warnings) process.stderr.write(`palisade: warning: ${w}\n`);
  if (set.policies.length === 0) process.stderr.write('palisade: warning: no selected rule can be enforced in CEL; the output lists why\n');
  writeResult(
    renderPolicySet(set, { generator: `palisade ${VERSION}`, pssVersion: formatVersion(version), pssLatest: compareVersions(version, LATEST_PSS_VERSION) === 0 }),
    opts.output,
  );
  return 0;
}
