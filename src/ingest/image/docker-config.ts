/**
 * Registry credentials the way the docker CLI finds them: `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`), `auths` entries with a base64 `auth` (or an `identitytoken`), and credential helpers
 * (`credHelpers` per registry, `credsStore` for all) run as `docker-credential-<name> get`.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface RegistryCredential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker's `identitytoken`, or a helper's answer with username `<token>`). */
  identityToken?: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** The keys docker may have stored a registry under (Docker Hub has its own historic key). */
function keysFor(registry: string): string[] {
  if (registry === 'docker.io' || registry === 'registry-1.docker.io' || registry === 'index.docker.io') {
    return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io', 'https://registry-1.docker.io'];
  }
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}

export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker');
}

async function loadConfig(dir: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'config.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const json = JSON.parse(text) as unknown;
    return typeof json === 'object' && json !== null ? (json as DockerConfig) : undefined;
  } catch {
    throw new Error(`${join(dir, 'config.json')} is not valid JSON`);
  }
}

const HELPER_NAME = /^[A-Za-z0-9._-]+$/;

/** Runs `docker-credential-<helper> get` with the server on stdin; undefined when it has nothing for it. */
export function runCredentialHelper(helper: string, server: string, timeoutMs = 15_000): Promise<RegistryCredential | undefined> {
  if (!HELPER_NAME.test(helper)) return Promise.reject(new Error(`credential helper name "${helper}" is not a plain name`));
  return new Promise((resolve, reject) => {
    const child = spawn(`docker-credential-${helper}`, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out = (out + d).slice(0, 1_000_000)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(0, 10_000)));
    child.on('error', (e) => reject(new Error(`docker-credential-${helper}: ${e.message}`)));
    child.on('close', (code) => {
      if (code !== 0) {
        // The protocol's "not found" answer is not an error: the registry is simply anonymous.
        if (/credentials not found/i.test(out + err)) resolve(undefined);
        else reject(new Error(`docker-credential-${helper} get exited with ${code}: ${err.trim().slice(0, 200)}`));
        return;
      }
      try {
        const r = JSON.parse(out) as { Username?: string; Secret?: string };
        if (!r.Secret) resolve(undefined);
        else if (r.Username === '<token>') resolve({ identityToken: r.Secret });
        else resolve({ username: r.Username ?? '', password: r.Secret });
      } catch {
        reject(new Error(`docker-credential-${helper} get printed something other than JSON`));
      }
    });
    child.stdin.end(server);
  });
}

/** Credentials for a registry from the docker config, or undefined for anonymous access. */
export async function dockerCredentials(registry: string, configDir: string = dockerConfigDir()): Promise<RegistryCredential | undefined> {
  const config = await loadConfig(configDir);
  if (!config) return undefined;
  const keys = keysFor(registry);
  for (const key of keys) {
    const helper = config.credHelpers?.[key];
    if (helper) return runCredentialHelper(helper, key);
  }
  for (const key of keys) {
    const entry = config.auths?.[key];
    if (!entry) continue;
    if (entry.identitytoken) return { identityToken: entry.identitytoken };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password };
  }
  if (config.credsStore) return runCredentialHelper(config.credsStore, keys[0] as string);
  return undefined;
}
