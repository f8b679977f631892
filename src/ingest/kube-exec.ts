import { spawn } from 'node:child_process';
import { asArray, asObj, asString } from '../core/resource.js';

/**
 * A kubeconfig credential plugin (`users[].user.exec`, kubelogin on AKS), run as client-go runs it:
 * its stderr goes to ours, so that a prompt (kubelogin's device code) is seen; stdin is handed over
 * only when the plugin may be interactive and ours is a terminal; KUBERNETES_EXEC_INFO tells it which.
 * Unlike client-go it has a time limit, since nothing else would end a plugin that waits for a sign-in.
 */
export interface ExecConfig {
  command: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
  apiVersion: string;
  /** `Never`, `IfAvailable` (the default) or `Always`. */
  interactiveMode: string;
}

export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** When the credential stops being valid; undefined: until the server refuses it. */
  expires?: number;
}

/** How long a plugin may run when nobody can answer a prompt. */
export const EXEC_TIMEOUT_MS = 2 * 60_000;
/** How long a plugin may run when its user can answer at this terminal: a device code sign-in lasts 15 minutes. */
export const INTERACTIVE_EXEC_TIMEOUT_MS = 15 * 60_000;

/** The most a plugin may print on stdout: an ExecCredential is a few KiB; more is a fault, not kept in memory. */
export const MAX_EXEC_STDOUT_BYTES = 1 << 20;

/** A plugin that could not give a credential; the message is the whole reason. */
export class ExecFailed extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The exec section of a kubeconfig user, or undefined when it has none. */
export function execConfigOf(user: unknown): ExecConfig | undefined {
  const exec = asObj(asObj(user)?.exec);
  const command = asString(exec?.command);
  if (!exec || !command) return undefined;
  return {
    command,
    args: asArray(exec.args).filter((a): a is string => typeof a === 'string'),
    env: asArray(exec.env).flatMap((e) => {
      const o = asObj(e);
      const name = asString(o?.name);
      return name !== undefined ? [{ name, value: asString(o?.value) ?? '' }] : [];
    }),
    apiVersion: asString(exec.apiVersion) ?? 'client.authentication.k8s.io/v1beta1',
    interactiveMode: asString(exec.interactiveMode) ?? 'IfAvailable',
  };
}

/** Whether the plugin may prompt here: its mode allows it and stdin is a terminal someone can type at. */
export function canPrompt(exec: ExecConfig, stdinIsTTY = process.stdin.isTTY === true): boolean {
  return exec.interactiveMode !== 'Never' && stdinIsTTY;
}

export interface RunExecOptions {
  /** Time limit; default EXEC_TIMEOUT_MS, or INTERACTIVE_EXEC_TIMEOUT_MS when the plugin can prompt. */
  timeoutMs?: number;
  /** Where the plugin's stderr goes; default our stderr. */
  stderr?: (chunk: string) => void;
  stdinIsTTY?: boolean;
}

/** Runs the plugin once and reads the ExecCredential it prints. */
export function runExecPlugin(exec: ExecConfig, options: RunExecOptions = {}): Promise<ExecCredential> {
  const interactive = canPrompt(exec, options.stdinIsTTY);
  const timeoutMs = options.timeoutMs ?? (interactive ? INTERACTIVE_EXEC_TIMEOUT_MS : EXEC_TIMEOUT_MS);
  const toStderr = options.stderr ?? ((chunk: string) => process.stderr.write(chunk));
  const env = { ...process.env, ...Object.fromEntries(exec.env.map((e) => [e.name, e.value])) };
  env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', spec: { interactive } });
  return new Promise((resolve, reject) => {
    const child = spawn(exec.command, exec.args, { env, stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stdoutBytes = 0;
    let stderr = '';
    let settled = false;
    const finish = (e: ExecFailed | undefined, credential?: ExecCredential) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (e) reject(e);
      else resolve(credential!);
    };
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      // A plugin that ignores the signal must not hold this process open through its pipes.
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      finish(
        new ExecFailed(
          `did not finish within ${Math.round(timeoutMs / 1000)} s${interactive ? '' : ' (it may be waiting for a sign-in that cannot be answered here: sign in beforehand, or use a non-interactive login such as kubelogin -l azurecli, workloadidentity or msi)'}`,
        ),
      );
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      stdoutBytes += Buffer.byteLength(d);
      if (stdoutBytes <= MAX_EXEC_STDOUT_BYTES) return void (stdout += d);
      child.kill('SIGTERM');
      child.stdout.destroy();
      finish(new ExecFailed(`printed more than ${MAX_EXEC_STDOUT_BYTES} bytes on stdout (an ExecCredential is a few KiB)`));
    });
    child.stderr.on('data', (d: string) => {
      stderr += d;
      toStderr(d);
    });
    child.on('error', (e: NodeJS.ErrnoException) => finish(new ExecFailed(e.message, e.code)));
    child.on('close', (code) => {
      if (code !== 0) return finish(new ExecFailed(lastLine(stderr) || `exited with code ${code ?? 'null (killed)'}`));
      try {
        finish(undefined, credentialOf(JSON.parse(stdout), exec.apiVersion));
      } catch (e) {
        finish(new ExecFailed(e instanceof ExecFailed ? e.message : 'printed no ExecCredential JSON on stdout'));
      }
    });
  });
}

function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
}

/** RFC 3339, the only form client-go reads an expirationTimestamp in (metav1.Time). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The credential of the plugin's reply, refused as client-go refuses it: another apiVersion or kind, an expiry it cannot read. */
function credentialOf(body: unknown, apiVersion: string): ExecCredential {
  const reply = asObj(body);
  if (reply?.apiVersion !== apiVersion || reply.kind !== 'ExecCredential')
    throw new ExecFailed(
      `printed apiVersion ${shown(reply?.apiVersion)}, kind ${shown(reply?.kind)} where the kubeconfig expects apiVersion ${apiVersion}, kind ExecCredential`,
    );
  const status = asObj(reply.status);
  if (!status) throw new ExecFailed('printed an ExecCredential without status');
  const token = asString(status.token);
  const cert = asString(status.clientCertificateData);
  const key = asString(status.clientKeyData);
  if (!token && !(cert && key)) throw new ExecFailed('printed an ExecCredential with neither a token nor a client certificate and key');
  const expires = expiryOf(status.expirationTimestamp);
  return { ...(token ? { token } : {}), ...(cert && key ? { clientCertificateData: cert, clientKeyData: key } : {}), ...(Number.isFinite(expires) ? { expires } : {}) };
}

/** A field of the reply in a message: short, and never a whole object. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : value === undefined ? '(none)' : typeof value;
}

/** The expiry in ms since the epoch, NaN when there is none; a value client-go could not read is refused. */
function expiryOf(value: unknown): number {
  if (value === undefined || value === null) return NaN;
  const expires = typeof value === 'string' && RFC3339.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(expires)) throw new ExecFailed(`printed an expirationTimestamp that is not an RFC 3339 time: ${JSON.stringify(value).slice(0, 60)}`);
  return expires;
}

/**
 * The credentials of the process, one per plugin: as client-go keeps them, a credential is used until
 * its expirationTimestamp, or, without one, until the server refuses it (401) — not fetched again for
 * every request. Concurrent requests share one run of the plugin.
 */
export class ExecCredentialCache {
  private readonly pending = new Map<string, Promise<ExecCredential>>();
  private readonly held = new Map<string, ExecCredential>();

  constructor(private readonly run: (exec: ExecConfig, options: RunExecOptions) => Promise<ExecCredential> = runExecPlugin) {}

  async get(exec: ExecConfig, options: RunExecOptions = {}): Promise<ExecCredential> {
    const key = keyOf(exec);
    const held = this.held.get(key);
    if (held && (held.expires === undefined || held.expires > Date.now())) return held;
    this.held.delete(key);
    let running = this.pending.get(key);
    if (!running) {
      running = this.run(exec, options);
      this.pending.set(key, running);
    }
    try {
      const credential = await running;
      this.held.set(key, credential);
      return credential;
    } finally {
      // A failed run is not kept either: the next request tries again.
      if (this.pending.get(key) === running) this.pending.delete(key);
    }
  }

  /** The server refused this credential: the next request runs the plugin again. */
  invalidate(exec: ExecConfig, credential: ExecCredential): void {
    const key = keyOf(exec);
    if (this.held.get(key) === credential) this.held.delete(key);
  }
}

function keyOf(exec: ExecConfig): string {
  return JSON.stringify([exec.command, exec.args, exec.env, exec.apiVersion]);
}
