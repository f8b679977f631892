import { closeSync, existsSync, fchmodSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { Command, Option } from 'commander';
import { isNamespaceName, isSharedNamespace } from '../admission/namespaces.js';
import {
  checkAuthority,
  DEFAULT_MANIFEST_MODE,
  DEFAULT_WEBHOOK_NAMESPACE,
  defaultImage,
  generateAuthority,
  MAX_CONFIG_BYTES,
  webhookManifests,
  type CertificateAuthority,
} from '../admission/manifests.js';
import { noNamespaceWarnings } from '../admission/policies.js';
import { WEBHOOK_MODES, type ReviewPolicy, type WebhookMode } from '../admission/review.js';
import { createWebhookServer, DEFAULT_SHUTDOWN_DELAY_SECONDS, ListenError } from '../admission/server.js';
import type { ExceptionConfig } from '../core/config.js';
import { describeFsError, errorMessage, UsageError, type InputNote } from '../core/errors.js';
import { globMatch } from '../core/glob.js';
import { judgesOneObject, type Rule } from '../core/rule.js';
import { DEFAULT_SETTINGS, type RuleSettings } from '../core/settings.js';
import { SEVERITIES, type Severity } from '../core/severity.js';
import { createSuppressor } from '../core/suppress.js';
import { RULES } from '../rules/index.js';
import { loadConfig } from './load-config.js';
import { printWarnings, writeResult } from './output.js';
import { selectConfiguredRules, selectRules } from './select-rules.js';

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
  shutdownDelay: string;
}

interface ManifestsOptions {
  namespace: string;
  image?: string;
  mode: WebhookMode;
  config?: string;
  generateCerts?: boolean;
  caCert?: string;
  caKey?: string;
  output?: string;
}

/** How far ahead `webhook serve` warns of exceptions about to expire, in days. */
export const EXPIRY_NOTICE_DAYS = 14;

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
      .option('--shutdown-delay <seconds>', 'on SIGTERM, answer /readyz 503 and keep serving this long before closing, while the Service stops routing here', String(DEFAULT_SHUTDOWN_DELAY_SECONDS))
      .action(async (opts: ServeOptions) => {
        await serve(opts);
      }),
  );
  webhook.addCommand(
    new Command('manifests')
      .description('Kubernetes manifests that run the webhook: Deployment, Service, NetworkPolicy, ValidatingWebhookConfiguration, ...')
      .option('-n, --namespace <ns>', 'namespace of its own for the webhook (default, kube-* and the AKS namespaces are refused)', DEFAULT_WEBHOOK_NAMESPACE)
      .option('--image <image>', `container image of palisade, with its registry (default ${defaultImage()}, which resolves to docker.io/library/palisade, where none is published: push the image to yours and name it here)`)
      .addOption(
        new Option('--mode <mode>', 'what the deployed webhook does with violations: audit (the first step of the rollout), then warn, then enforce')
          .choices([...WEBHOOK_MODES])
          .default(DEFAULT_MANIFEST_MODE),
      )
      .option('--config <file>', 'ship this configuration file (exceptions, webhook exemptions, settings, failOn) in a ConfigMap passed to webhook serve --config')
      .option('--generate-certs', 'also make a serving certificate (openssl), the TLS Secret and the caBundle')
      .option('--ca-cert <file>', 'with --generate-certs: sign with this CA certificate; when it and --ca-key do not exist yet, a new CA is written to both')
      .option('--ca-key <file>', 'with --generate-certs: the private key of --ca-cert (never written into the manifests)')
      .option('-o, --output <file>', 'write the manifests to a file instead of stdout (mode 0600 with --generate-certs: it holds the TLS private key)')
      .action((opts: ManifestsOptions) => {
        checkWebhookNamespace(opts.namespace);
        const configText = opts.config === undefined ? undefined : shippableConfig(opts.config);
        const authority = certificateAuthority(opts);
        if (opts.image === undefined) warnDefaultImage();
        const generateCerts = opts.generateCerts === true;
        const text = webhookManifests({ namespace: opts.namespace, image: opts.image, mode: opts.mode, configText, generateCerts, authority });
        // The TLS Secret carries the serving key: a file of it must not be readable by every local user.
        if (generateCerts && opts.output !== undefined) writePrivateFile(opts.output, text);
        else writeResult(text, opts.output);
      }),
  );
  return webhook;
}

/**
 * `palisade:<version>` names docker.io/library/palisade, which does not exist: pods would stay in
 * ImagePullBackOff, and failurePolicy Ignore would then admit everything with no sign of it.
 */
function warnDefaultImage(): void {
  process.stderr.write(
    `palisade: warning: no --image: the Deployment runs ${defaultImage()}, which a node pulls from docker.io/library/palisade, where no such image is published; ` +
      'push palisade to your registry and pass --image (myacr.azurecr.io/palisade:<version>), or its pods cannot start and failurePolicy Ignore admits everything unchecked\n',
  );
}

/** Writes `text` to `file` readable by its owner only (0600), also when the file already exists with a wider mode. */
function writePrivateFile(file: string, text: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'w', 0o600);
    // The mode of open applies to a new file only; an existing one keeps its own until changed here, before the key is written.
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${describeFsError(e)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function checkWebhookNamespace(namespace: string): void {
  if (!isNamespaceName(namespace)) throw new UsageError(`--namespace takes a namespace name, not ${JSON.stringify(namespace)}`);
  if (isSharedNamespace(namespace)) {
    throw new UsageError(
      `--namespace ${namespace} is shared with Kubernetes or AKS: the manifests label their namespace (Pod Security restricted, managed by palisade), kubectl delete -f deletes it, and the webhook skips its own namespace; choose a namespace of its own such as palisade-system`,
    );
  }
}

/**
 * The text of a configuration file for the webhook's ConfigMap, refused now when `webhook serve`
 * would refuse it at start: a pod that cannot start admits everything unchecked (failurePolicy Ignore).
 */
function shippableConfig(file: string): string {
  const { config, source } = loadConfig(file);
  webhookRules(RULES, config.rules.only, config.rules.skip);
  // What webhook serve will warn of at start, said now, when the file can still be changed.
  printWarnings([...exceptionExpiryWarnings(config.exceptions, source), ...exemptUserWarnings(config.webhook.exemptUsers, source)]);
  const text = readFileSync(file, 'utf8');
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) throw new UsageError(`config ${file}: larger than a ConfigMap can hold (${MAX_CONFIG_BYTES} bytes)`);
  return text;
}

/**
 * The CA that signs the serving certificate, when --ca-cert and --ca-key name one: read from the
 * files when they exist, made and written to them when neither does. Keeping the CA keeps the
 * caBundle the same across renewals, so the pods' old and new certificates are both trusted.
 */
function certificateAuthority(opts: ManifestsOptions): CertificateAuthority | undefined {
  if (opts.caCert === undefined && opts.caKey === undefined) return undefined;
  if (opts.caCert === undefined || opts.caKey === undefined) throw new UsageError('--ca-cert and --ca-key go together');
  if (opts.generateCerts !== true) throw new UsageError('--ca-cert and --ca-key sign the certificate of --generate-certs; add it');
  const present = [existsSync(opts.caCert), existsSync(opts.caKey)];
  if (present[0] !== present[1]) {
    throw new UsageError(`${present[0] ? opts.caCert : opts.caKey} exists but ${present[0] ? opts.caKey : opts.caCert} does not: give both files of the CA, or two new paths to make one`);
  }
  if (present[0]) return existingAuthority(opts.caCert, opts.caKey);
  const made = generateAuthority();
  try {
    writeFileSync(opts.caCert, made.cert, { flag: 'wx', mode: 0o644 });
    writeFileSync(opts.caKey, made.key, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    throw new UsageError(`cannot write the new CA: ${describeFsError(e)}`);
  }
  process.stderr.write(`palisade: made a new CA: ${opts.caCert}, key ${opts.caKey}; keep the key safe and pass both again to renew\n`);
  return made;
}

function existingAuthority(certFile: string, keyFile: string): CertificateAuthority {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`${file}: cannot read: ${describeFsError(e)}`);
    }
  };
  const ca = { cert: read(certFile), key: read(keyFile) };
  const { daysLeft, validTo } = checkAuthority(ca);
  if (daysLeft < 365) {
    process.stderr.write(`palisade: warning: the CA of ${certFile} expires on ${validTo.toISOString().slice(0, 10)}, and so does the serving certificate signed now; make a new CA before then\n`);
  }
  return ca;
}

/**
 * Warnings for exceptions that no longer apply or soon will not, as the scan words them: the webhook
 * applies only live exceptions, and a refusal that starts one day with no change deployed is hard to trace.
 */
export function exceptionExpiryWarnings(exceptions: readonly ExceptionConfig[], source: string, now = new Date()): InputNote[] {
  // The suppressor decides expiry for the scan; asking it keeps one definition of the end of a day.
  const expiredAt = (ex: ExceptionConfig, when: Date) => createSuppressor({ exceptions: [ex], allowAnnotations: false, aksManaged: false, now: when, configSource: source }).warnings;
  const soon = new Date(now.getTime() + EXPIRY_NOTICE_DAYS * 86_400_000);
  const warnings: InputNote[] = [];
  for (const ex of exceptions) {
    for (const message of noNamespaceWarnings(ex)) warnings.push({ source, message });
    const expired = expiredAt(ex, now);
    if (expired.length > 0) warnings.push(...expired);
    else if (expiredAt(ex, soon).length > 0) {
      warnings.push({ source, message: `exception for ${ex.rule} on ${ex.resources.join(', ')} expires on ${ex.expires ?? ''}, within ${EXPIRY_NOTICE_DAYS} days (reason: ${ex.reason})` });
    }
  }
  return warnings;
}

/**
 * A user exemption admits what that user writes, and nothing a controller writes on its behalf: a
 * Deployment Flux applies is admitted, its ReplicaSet (made by kube-system's deployment controller)
 * and Pods (by the replicaset controller) are judged, and refused in enforce mode. Said once, at start.
 */
export function exemptUserWarnings(users: readonly string[], source: string): InputNote[] {
  if (users.length === 0) return [];
  return [
    {
      source,
      message:
        `webhook.exemptUsers (${users.join(', ')}) admits only what those users create or change themselves: ` +
        'the ReplicaSets, Jobs and Pods that controllers make from their Deployments, CronJobs and other workloads come from the controllers and are judged; ' +
        'to let a workload through, write an exception for namespace/Kind/name (it covers what its controllers make), or exempt its namespace',
    },
  ];
}

/**
 * The rules the webhook runs: those of the domains that judge a workload object on its own, less the
 * ones that need other objects to decide (`joins`), which stay with the scan rather than guess. A
 * rule asked for that the webhook cannot run is a usage error saying why; one skipped is already out.
 */
export function webhookRules(catalog: readonly Rule[], only: readonly string[], skip: readonly string[]): Rule[] {
  const runnable = catalog.filter(judgesOneObject);
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
  const delay = Number(opts.shutdownDelay);
  if (opts.shutdownDelay.trim() === '' || !Number.isFinite(delay) || delay < 0) throw new UsageError(`--shutdown-delay takes a number of seconds, not ${JSON.stringify(opts.shutdownDelay)}`);
  const { config, source } = loadConfig(opts.config);
  printWarnings(exceptionExpiryWarnings(config.exceptions, source));
  printWarnings(exemptUserWarnings([...config.webhook.exemptUsers, ...opts.exemptUser], opts.exemptUser.length > 0 ? '--exempt-user' : source));
  const settings: RuleSettings = {
    ...DEFAULT_SETTINGS,
    ...Object.fromEntries(Object.entries(config.settings).filter(([, v]) => v !== undefined)),
  };
  const rules = selectConfiguredRules(RULES, config.rules, source, { rule: opts.rule, skipRule: opts.skipRule }, (catalog, sel) => webhookRules(catalog, sel.only, sel.skip));
  const configFailOn = config.failOn === 'none' ? undefined : config.failOn;
  const policy: ReviewPolicy = {
    rules,
    settings,
    exceptions: config.exceptions,
    // Whoever creates an object writes its annotations: at admission they exempt only where the config says so.
    allowIgnoreAnnotation: config.annotations.allowIgnore && config.webhook.allowIgnoreAnnotation,
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
  const bound = await webhook.listen().catch(async (e: unknown) => {
    await webhook.close();
    // A port in use or an address not there is the caller's to fix, not an internal error.
    throw e instanceof ListenError ? new UsageError(e.message) : e;
  });
  process.stderr.write(`palisade webhook: listening on https://${opts.host}:${bound}/validate (${opts.mode}, ${rules.length} rules, fail on ${policy.failOn})\n`);
  const stop = (seconds: number) => {
    process.stderr.write(`palisade webhook: stopping: not ready, serving ${seconds} s more while the Service stops routing here\n`);
    void webhook.shutdown(seconds * 1000).then(() => process.exit(0));
  };
  // The kubelet sends SIGTERM and the endpoints lag behind it; Ctrl-C at a terminal has no Service to wait for.
  process.once('SIGTERM', () => stop(delay));
  process.once('SIGINT', () => stop(0));
}
