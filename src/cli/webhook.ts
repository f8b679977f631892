import { Command, Option } from 'commander';
import { isNamespaceName } from '../admission/namespaces.js';
import { defaultImage, webhookManifests } from '../admission/manifests.js';
import { WEBHOOK_MODES, type ReviewPolicy, type WebhookMode } from '../admission/review.js';
import { createWebhookServer } from '../admission/server.js';
import { errorMessage, UsageError } from '../core/errors.js';
import { globMatch } from '../core/glob.js';
import type { Rule } from '../core/rule.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../core/settings.js';
import { SEVERITIES, type Severity } from '../core/severity.js';
import { RULES } from '../rules/index.js';
import { loadConfig } from './load-config.js';
import { writeResult } from './output.js';
import { selectRules } from './select-rules.js';

const collect = (value: string, previous: string[]) => [...previous, value];

interface ServeOptions {
  tlsCert: string;
  tlsKey: string;
  port: string;
  host: string;
  mode: WebhookMode;
  failOn?: Severity;
  config?: string;
  rule: string[];
  skipRule: string[];
  exemptNamespace: string[];
  exemptUser: string[];
}

interface ManifestsOptions {
  namespace: string;
  image: string;
  generateCerts?: boolean;
  output?: string;
}

/** The domains whose rules judge one workload object on its own: what an admission request carries. */
const WEBHOOK_DOMAINS = new Set(['workload', 'pss']);

export function webhookCommand(): Command {
  const webhook = new Command('webhook').description('a validating admission webhook for the rules CEL cannot express');
  webhook.addCommand(
    new Command('serve')
      .description('serve AdmissionReview v1 over HTTPS on POST /validate, with /healthz, /readyz and /metrics')
      .requiredOption('--tls-cert <file>', 'PEM certificate chain (reloaded when the file changes)')
      .requiredOption('--tls-key <file>', 'PEM private key (reloaded when the file changes)')
      .option('--port <port>', 'port to listen on', '8443')
      .option('--host <address>', 'address to listen on', '0.0.0.0')
      .addOption(new Option('--mode <mode>', 'enforce (refuse), warn (admit with warnings) or audit (admit with audit annotations)').choices([...WEBHOOK_MODES]).default('enforce'))
      .addOption(new Option('--fail-on <severity>', 'findings of this severity or worse are violations (default: failOn of the config, else high)').choices([...SEVERITIES]))
      .option('--config <file>', 'configuration file: settings, rules, exceptions, webhook exemptions (default ./.palisade.yaml when present)')
      .option('--rule <id>', 'only this rule (repeatable; globs allowed)', collect, [])
      .option('--skip-rule <id>', 'leave this rule out (repeatable; globs allowed)', collect, [])
      .option('--exempt-namespace <ns>', 'admit objects of this namespace unexamined (repeatable; globs allowed)', collect, [])
      .option('--exempt-user <name>', 'admit requests of this user unexamined (repeatable; globs allowed)', collect, [])
      .action(async (opts: ServeOptions) => {
        await serve(opts);
      }),
  );
  webhook.addCommand(
    new Command('manifests')
      .description('Kubernetes manifests that run the webhook: Deployment, Service, NetworkPolicy, ValidatingWebhookConfiguration, ...')
      .option('-n, --namespace <ns>', 'namespace of the webhook', 'palisade-system')
      .option('--image <image>', 'container image of palisade', defaultImage())
      .option('--generate-certs', 'also make a CA and a serving certificate (openssl), the TLS Secret and the caBundle')
      .option('-o, --output <file>', 'write the manifests to a file instead of stdout')
      .action((opts: ManifestsOptions) => {
        if (!isNamespaceName(opts.namespace)) throw new UsageError(`--namespace takes a namespace name, not ${JSON.stringify(opts.namespace)}`);
        writeResult(webhookManifests({ namespace: opts.namespace, image: opts.image, generateCerts: opts.generateCerts === true }), opts.output);
      }),
  );
  return webhook;
}

/**
 * The rules the webhook runs: those of the domains that judge a workload object on its own, less the
 * ones that need other objects to decide (`joins`), which stay with the scan rather than guess. A
 * rule asked for that the webhook cannot run is a usage error saying why; one skipped is already out.
 */
export function webhookRules(catalog: readonly Rule[], only: readonly string[], skip: readonly string[]): Rule[] {
  const runs = (r: Rule) => WEBHOOK_DOMAINS.has(r.meta.id.split('/')[0] ?? '') && r.joins === undefined;
  const runnable = catalog.filter(runs);
  const outside = (pattern: string) => !runnable.some((r) => globMatch(pattern, r.meta.id)) && catalog.some((r) => globMatch(pattern, r.meta.id));
  for (const pattern of only.filter(outside)) {
    const rule = catalog.find((r) => globMatch(pattern, r.meta.id));
    const why = rule?.joins ? `it needs ${rule.joins}, which an admission request does not carry` : 'it judges objects other than the workloads an admission request carries';
    throw new UsageError(`the webhook does not run ${pattern}: ${why} (palisade scan does)`);
  }
  return selectRules(runnable, { only, skip: skip.filter((p) => !outside(p)) });
}

async function serve(opts: ServeOptions): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not ${JSON.stringify(opts.port)}`);
  const { config } = loadConfig(opts.config);
  const settings: RuleSettings = {
    ...DEFAULT_SETTINGS,
    ...Object.fromEntries(Object.entries(config.settings).filter(([, v]) => v !== undefined)),
  };
  const rules = webhookRules(RULES, [...config.rules.only, ...opts.rule], [...config.rules.skip, ...opts.skipRule]);
  const configFailOn = config.failOn === 'none' ? undefined : config.failOn;
  const policy: ReviewPolicy = {
    rules,
    settings,
    exceptions: config.exceptions,
    allowIgnoreAnnotation: config.annotations.allowIgnore,
    aksManaged: config.profiles.aksManaged,
    mode: opts.mode,
    failOn: opts.failOn ?? configFailOn ?? 'high',
    exemptNamespaces: [...config.webhook.exemptNamespaces, ...opts.exemptNamespace],
    exemptUsers: [...config.webhook.exemptUsers, ...opts.exemptUser],
  };
  const webhook = (() => {
    try {
      return createWebhookServer({ policy, certFile: opts.tlsCert, keyFile: opts.tlsKey, port, host: opts.host });
    } catch (e) {
      throw new UsageError(`cannot load the TLS certificate or key: ${errorMessage(e)}`);
    }
  })();
  const bound = await webhook.listen();
  process.stderr.write(`palisade webhook: listening on https://${opts.host}:${bound}/validate (${opts.mode}, ${rules.length} rules, fail on ${policy.failOn})\n`);
  const stop = () => {
    void webhook.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
