import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import { errorMessage, UsageError } from '../core/errors.js';
import { atLeast, SEVERITIES, type Severity } from '../core/severity.js';
import { readBlobs, type BlobAuth } from '../audit/adapters/blob-source.js';
import { DEFAULT_CONSUMER_GROUP, readEventHub, type EventHubAuth } from '../audit/adapters/eventhub-source.js';
import { followFile, inputChunks } from '../audit/adapters/files.js';
import { LOG_TABLES, readLogs, type LogTable } from '../audit/adapters/log-analytics.js';
import { INPUT_KINDS, type InputKind } from '../audit/adapters/records.js';
import type { Alert, AlertError } from '../audit/alert.js';
import { DETECTORS } from '../audit/detectors/index.js';
import { AuditEngine } from '../audit/engine.js';
import { ALERT_FORMATS, jsonAlert, jsonHeader, jsonlAlert, jsonTrailer, tableAlert, tableSummary, type AlertFormat } from '../audit/render.js';
import { readFailure } from '../audit/fs-error.js';
import { readRulesFile } from '../audit/rules-file.js';
import { readInput } from '../audit/stream.js';
import { azureCredentialFailure } from '../ingest/azure-live.js';
import { errorLabel } from '../report/common.js';
import { isClosedPipe, stdoutIsClosed, useColor } from './output.js';

interface DetectOptions {
  input: InputKind;
  rules?: string;
  follow?: boolean;
  format: AlertFormat;
  output?: string;
  failOn: Severity | 'none';
  storageAccount?: string;
  container?: string;
  prefix?: string;
  workspace?: string;
  table: LogTable;
  clusterId?: string;
  since?: string;
  checkpoint?: string;
  poll: string;
  eventhub?: string;
  eventhubNamespace?: string;
  consumerGroup: string;
}

/** `90m`, `24h`, `7d` before now, or a date/time. */
export function parseSince(v: string, now = Date.now()): Date {
  const m = /^(\d+)([mhd])$/.exec(v);
  if (m) return new Date(now - Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd']);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`--since must be a duration (90m, 24h, 7d) or a date, not ${JSON.stringify(v)}`);
  return new Date(t);
}

async function defaultCredential() {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
}

/** Storage credentials as the Azure CLI takes them from the environment, else a signed-in identity. */
async function storageAuth(): Promise<BlobAuth> {
  const conn = process.env.AZURE_STORAGE_CONNECTION_STRING;
  if (conn) return { connectionString: conn };
  const key = process.env.AZURE_STORAGE_KEY;
  if (key) return { accountKey: key };
  return { credential: await defaultCredential() };
}

/** The Event Hubs client's connection string, as the Azure SDK samples name it; else the namespace and a signed-in identity. */
async function eventHubAuth(namespace: string | undefined): Promise<EventHubAuth> {
  if (namespace !== undefined) return { namespace, credential: await defaultCredential() };
  const conn = process.env.EVENTHUB_CONNECTION_STRING;
  if (conn) return { connectionString: conn };
  throw new UsageError('--eventhub needs --eventhub-namespace NAME.servicebus.windows.net (a signed-in identity) or a connection string in EVENTHUB_CONNECTION_STRING');
}

/** Input problems printed to stderr before the rest are only counted. */
const MAX_PRINTED_ERRORS = 20;

export function auditCommand(): Command {
  const audit = new Command('audit').description('Kubernetes audit logs: streaming detection, AKS-aware');
  audit
    .command('detect')
    .description('read audit events (files, stdin, a growing file) and report suspicious activity as it streams')
    .argument('[paths...]', 'files; - (or nothing, with input piped) reads stdin')
    .addOption(new Option('--input <shape>', 'input shape; auto recognises each record').choices([...INPUT_KINDS]).default('auto'))
    .option('--rules <file>', 'a rules file: settings (allow lists, trusted images, ...) and CEL rules')
    .option('--follow', 'keep reading a growing file (survives truncation and rotation) until interrupted')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...ALERT_FORMATS]).default('table'))
    .option('-o, --output <file>', 'write alerts to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when an alert is at or above this severity').choices([...SEVERITIES, 'none']).default('high'))
    .option('--storage-account <url>', "read the kube-audit blobs of the cluster's diagnostic storage account (https://ACCOUNT.blob.core.windows.net)")
    .option('--container <name>', 'with --storage-account: the container (default insights-logs-kube-audit, else insights-logs-kube-audit-admin)')
    .option('--prefix <prefix>', 'with --storage-account: only blobs under this prefix (resourceId=/SUBSCRIPTIONS/.../MANAGEDCLUSTERS/NAME/)')
    .option('--workspace <id>', 'read the audit rows of a Log Analytics workspace (KQL, workspace id)')
    .addOption(new Option('--table <table>', 'with --workspace: the table').choices([...LOG_TABLES]).default('AKSAudit'))
    .option('--cluster-id <id>', "with --workspace: only this cluster's rows (its resource id)")
    .option('--eventhub <name>', 'read the kube-audit events a diagnostic setting streams to this event hub (connection string in EVENTHUB_CONNECTION_STRING, or --eventhub-namespace)')
    .option('--eventhub-namespace <host>', 'with --eventhub: the namespace (NAME.servicebus.windows.net), reached with a signed-in identity')
    .option('--consumer-group <name>', 'with --eventhub: the consumer group', DEFAULT_CONSUMER_GROUP)
    .option('--since <when>', 'with --storage-account, --workspace or --eventhub and no checkpoint yet: from this long ago (90m, 24h, 7d) or this date')
    .option('--checkpoint <file|url>', 'with --storage-account or --workspace: a file; with --eventhub: a blob container URL (https://ACCOUNT.blob.core.windows.net/CONTAINER). Resume where the last run stopped, and record where this one does')
    .option('--poll <seconds>', 'with --follow on --storage-account or --workspace: how often to look for new events', '30')
    .action(async (paths: string[], opts: DetectOptions) => {
      process.exitCode = await detect(paths, opts);
    });
  audit
    .command('detectors')
    .description('the built-in detectors: id, severity, Falco and MITRE cross-references')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action((opts: { format: 'table' | 'json' }) => {
      const metas = DETECTORS.map((d) => d.meta);
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify(metas, null, 2)}\n`);
      else for (const m of metas) process.stdout.write(`${m.severity.padEnd(8)} ${m.id.padEnd(40)} ${m.title}${m.frameworks.length ? `  [${m.frameworks.map((f) => `${f.framework}: ${f.id}`).join('; ')}]` : ''}\n`);
    });
  return audit;
}

/** Buffers output between input pieces and waits for a slow reader, so memory stays flat. */
class AlertWriter {
  private buf = '';
  /** The reader stopped early (`| head`, `grep -q`): the rest has nowhere to go, and the exit code stays the run's. */
  private readerGone = false;
  constructor(private readonly stream: Writable) {}
  write(s: string): void {
    if (!this.readerGone) this.buf += s;
  }
  async flush(): Promise<void> {
    if (this.stream === process.stdout && stdoutIsClosed()) this.readerGone = true;
    if (!this.buf || this.readerGone) return;
    const ok = this.stream.write(this.buf);
    this.buf = '';
    if (ok) return;
    try {
      await once(this.stream, 'drain');
    } catch (e) {
      if (!isClosedPipe(e)) throw e;
      this.readerGone = true;
    }
  }
  async close(): Promise<void> {
    await this.flush();
    if (this.stream !== process.stdout) {
      this.stream.end();
      await once(this.stream, 'finish');
    }
  }
}

async function detect(paths: string[], opts: DetectOptions): Promise<number> {
  const sources = [
    ...(opts.storageAccount !== undefined ? (['--storage-account'] as const) : []),
    ...(opts.workspace !== undefined ? (['--workspace'] as const) : []),
    ...(opts.eventhub !== undefined ? (['--eventhub'] as const) : []),
  ];
  if (sources.length > 1) throw new UsageError(`${sources.join(' and ')} are ${sources.length === 2 ? 'two' : 'three'} sources: give one`);
  const flag = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const live = sources[0] === '--storage-account' ? 'storage' : sources[0] === '--workspace' ? 'logs' : sources[0] === '--eventhub' ? 'eventhub' : undefined;
  if (live && paths.length) throw new UsageError(`${sources[0] as string} reads events from Azure: give no files with it`);
  if (!live) {
    for (const name of ['container', 'prefix', 'clusterId', 'since', 'checkpoint'] as const) {
      if (opts[name] !== undefined) throw new UsageError(`${flag(name)} needs --storage-account, --workspace or --eventhub`);
    }
  }
  if (live !== 'eventhub' && opts.eventhubNamespace !== undefined) throw new UsageError('--eventhub-namespace needs --eventhub');
  if (live !== 'eventhub' && opts.consumerGroup !== DEFAULT_CONSUMER_GROUP) throw new UsageError('--consumer-group needs --eventhub');
  if (live === 'eventhub') {
    for (const name of ['container', 'prefix', 'clusterId'] as const) if (opts[name] !== undefined) throw new UsageError(`${flag(name)} does not apply to --eventhub`);
    if (opts.checkpoint !== undefined && !/^https?:\/\//.test(opts.checkpoint)) throw new UsageError(`with --eventhub, --checkpoint is a blob container URL (https://ACCOUNT.blob.core.windows.net/CONTAINER), not ${JSON.stringify(opts.checkpoint)}`);
  }
  // Before any output: a missing connection string is a usage error, not an unreadable source.
  const hubAuth = live === 'eventhub' ? await eventHubAuth(opts.eventhubNamespace) : undefined;
  const pollSeconds = Number(opts.poll);
  if (!Number.isFinite(pollSeconds) || pollSeconds <= 0) throw new UsageError(`--poll must be a number of seconds, not ${JSON.stringify(opts.poll)}`);
  const since = opts.since !== undefined ? parseSince(opts.since) : undefined;
  if (!live && paths.length === 0) {
    if (process.stdin.isTTY) throw new UsageError('give audit log files, or - to read standard input');
    paths = ['-'];
  }
  if (opts.follow && paths.length > 1) throw new UsageError('--follow reads one growing file');
  const rules = opts.rules ? readRulesFile(opts.rules) : undefined;
  const out = new AlertWriter(opts.output ? createWriteStream(opts.output) : process.stdout);
  const color = opts.format === 'table' && !opts.output && useColor();
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let failing = false;
  let first = true;
  let printed = 0;
  const onAlert = (a: Alert) => {
    bySeverity[a.severity]++;
    if (opts.failOn !== 'none' && atLeast(a.severity, opts.failOn)) failing = true;
    if (opts.format === 'table') out.write(tableAlert(a, color));
    else if (opts.format === 'jsonl') out.write(jsonlAlert(a));
    else {
      out.write(jsonAlert(a, first));
      first = false;
    }
  };
  const onError = (e: AlertError) => {
    if (printed < MAX_PRINTED_ERRORS) process.stderr.write(`palisade: error: ${errorLabel(e)}: ${e.message}\n`);
    else if (printed === MAX_PRINTED_ERRORS) process.stderr.write('palisade: error: more unreadable records follow; they are counted in the summary\n');
    printed++;
  };
  const engine = new AuditEngine({
    ...(rules ? { settings: rules.settings, userRules: rules.rules } : {}),
    onAlert,
    onError,
    onWarning: (m) => process.stderr.write(`palisade: warning: ${m}\n`),
  });
  if (opts.format === 'json') out.write(jsonHeader());

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  if (opts.follow || live) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  // What every live source takes alike: where to start, whether to keep reading, when to stop, and the
  // flush that makes each batch's alerts visible before the next one is fetched.
  const reading = {
    ...(since ? { since } : {}),
    follow: opts.follow === true,
    signal: stop.signal,
    afterChunk: () => out.flush(),
  };
  try {
    if (live === 'storage') {
      await readLive(opts.storageAccount as string, engine, async () =>
        readBlobs(
          {
            accountUrl: opts.storageAccount as string,
            auth: await storageAuth(),
            ...(opts.container !== undefined ? { container: opts.container } : {}),
            ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}),
            ...(opts.checkpoint !== undefined ? { checkpointFile: opts.checkpoint } : {}),
            pollMs: pollSeconds * 1000,
            onWarning: (m) => process.stderr.write(`palisade: warning: ${m}\n`),
            ...reading,
          },
          opts.input,
          engine,
        ),
      );
    } else if (live === 'eventhub' && hubAuth) {
      const hub = opts.eventhub as string;
      const auth = hubAuth;
      await readLive(`event hub ${hub}`, engine, async () =>
        readEventHub(
          {
            hub,
            auth,
            consumerGroup: opts.consumerGroup,
            ...(opts.checkpoint !== undefined ? { checkpoint: { containerUrl: opts.checkpoint, auth: await storageAuth() } } : {}),
            ...reading,
            onWarning: (m) => process.stderr.write(`palisade: warning: ${m}\n`),
          },
          opts.input,
          engine,
        ),
      );
    } else if (live === 'logs') {
      const endpoint = process.env.PALISADE_LOGS_ENDPOINT;
      await readLive(`Log Analytics workspace ${opts.workspace as string}`, engine, async () =>
        readLogs(
          {
            workspaceId: opts.workspace as string,
            table: opts.table,
            credential: await defaultCredential(),
            ...(endpoint ? { endpoint } : {}),
            ...(opts.clusterId !== undefined ? { clusterId: opts.clusterId } : {}),
            ...(opts.checkpoint !== undefined ? { checkpointFile: opts.checkpoint } : {}),
            pollMs: pollSeconds * 1000,
            ...reading,
          },
          opts.input,
          engine,
        ),
      );
    }
    for (const path of paths) {
      const source = path;
      try {
        const chunks = opts.follow && path !== '-' ? followFile(path, { signal: stop.signal }) : inputChunks(path);
        await readInput(chunks, source, opts.input, engine, {
          afterChunk: () => out.flush(),
          onReset: (why) => process.stderr.write(`palisade: warning: ${source} was ${why}; reading it from the start\n`),
        });
      } catch (e) {
        engine.unreadable(source, readFailure(e));
      }
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  // Verdicts held for a later event (a token used before any kubelet address was learned) settle now.
  engine.end();

  if (opts.format === 'json') out.write(jsonTrailer(engine.stats, engine.errors));
  else if (opts.format === 'table') out.write(tableSummary(engine.stats, bySeverity));
  else process.stderr.write(tableSummary(engine.stats, bySeverity));
  await out.close();
  if (engine.errors.length > 0 || engine.stats.malformed > 0) return 2;
  return failing ? 1 : 0;
}

/**
 * A live source that fails (no audit container, a checkpoint of another source, a refused query) is an
 * input that could not be read: reported in errors[], the output completed, exit code 2.
 */
async function readLive(source: string, engine: AuditEngine, read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (e) {
    // No token: the same sign-in advice as scan --aks. Otherwise the SDKs append request ids and details on further lines.
    engine.unreadable(source, azureCredentialFailure(e) ?? (errorMessage(e).split('\n')[0] as string));
  }
}
