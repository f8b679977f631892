import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { errorMessage } from '../core/errors.js';
import { asArray, asObj, asString, type Obj } from '../core/resource.js';

/** A user entry given to contexts that name none: the cluster's own TLS settings still apply to it. */
export const NO_USER = 'palisade:no-user';

export class KubeconfigError extends Error {}

/** The kubeconfig files kubectl reads: the one given, else `KUBECONFIG`'s list, else ~/.kube/config when it exists. */
export function kubeconfigFiles(given?: string): string[] {
  if (given !== undefined) return [given];
  const fromEnv = process.env.KUBECONFIG?.trim();
  if (fromEnv) return fromEnv.split(delimiter).filter((f) => f.trim() !== '');
  const home = join(process.env.HOME || homedir(), '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

/** Loads the merged kubeconfig of these files into the client library's config object. */
export function loadKubeconfig(kc: { loadFromString(config: string): void }, files: readonly string[]): void {
  kc.loadFromString(mergedKubeconfig(files));
}

interface Named {
  name: string;
  entry: Obj;
}

/**
 * The kubeconfig kubectl would use, as one document the client library reads: the files of a
 * `KUBECONFIG` list merged the way kubectl merges them, which the library does not do.
 *
 * - The first file that sets a value wins: `current-context`, and each cluster, user and context by name
 *   (a name in two files is kept from the first, not an error).
 * - A file of the list that does not exist is skipped; only an empty result is an error.
 * - Relative paths are taken from the directory of the file that holds them: certificate and key files,
 *   `tokenFile`, and a credential plugin's command when it is a path (`./plugin.sh`).
 * - `tokenFile` is read into the token (the library knows only a `token-file` key of its own).
 * - An `http://` server needs no TLS settings (the library refuses it unless told to skip verification,
 *   which means nothing without TLS), and a context without a user still uses its cluster's CA.
 */
export function mergedKubeconfig(files: readonly string[], read: (file: string) => string = (f) => readFileSync(f, 'utf8')): string {
  const clusters = new Map<string, Obj>();
  const users = new Map<string, Obj>();
  const contexts = new Map<string, Obj>();
  let current: string | undefined;
  let found = 0;
  for (const file of files) {
    if (!existsSync(file)) continue;
    found++;
    let doc: unknown;
    try {
      doc = load(read(file), { schema: CORE_SCHEMA, filename: file });
    } catch (e) {
      throw new KubeconfigError(`${file}: ${errorMessage(e)}`);
    }
    if (doc === undefined || doc === null) continue;
    const config = asObj(doc);
    if (!config) throw new KubeconfigError(`${file}: not a kubeconfig (a YAML mapping with clusters, users and contexts)`);
    const dir = dirname(resolve(file));
    for (const { name, entry } of named(config.clusters, 'cluster')) if (!clusters.has(name)) clusters.set(name, clusterOf(entry, dir));
    for (const { name, entry } of named(config.users, 'user')) if (!users.has(name)) users.set(name, userOf(entry, dir, file));
    for (const { name, entry } of named(config.contexts, 'context')) if (!contexts.has(name)) contexts.set(name, entry);
    const cc = asString(config['current-context']);
    if (current === undefined && cc) current = cc;
  }
  if (found === 0) throw new KubeconfigError(`no kubeconfig file found (${files.join(', ')})`);
  let needsNoUser = false;
  const contextList = [...contexts].map(([name, ctx]) => {
    if (asString(ctx.user)) return { name, context: ctx };
    needsNoUser = true;
    return { name, context: { ...ctx, user: NO_USER } };
  });
  if (needsNoUser && !users.has(NO_USER)) users.set(NO_USER, {});
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [...clusters].map(([name, cluster]) => ({ name, cluster })),
    users: [...users].map(([name, user]) => ({ name, user })),
    contexts: contextList,
    ...(current !== undefined ? { 'current-context': current } : {}),
  });
}

function named(list: unknown, key: string): Named[] {
  const out: Named[] = [];
  for (const raw of asArray(list)) {
    const item = asObj(raw);
    const name = asString(item?.name);
    const entry = asObj(item?.[key]) ?? {};
    if (name !== undefined) out.push({ name, entry });
  }
  return out;
}

function pathFrom(dir: string, p: unknown): string | undefined {
  const s = asString(p);
  return s === undefined || s === '' ? undefined : isAbsolute(s) ? s : resolve(dir, s);
}

function clusterOf(cluster: Obj, dir: string): Obj {
  const out: Obj = { ...cluster };
  const ca = pathFrom(dir, cluster['certificate-authority']);
  if (ca) out['certificate-authority'] = ca;
  if (/^http:\/\//i.test(asString(cluster.server) ?? '')) out['insecure-skip-tls-verify'] = true;
  return out;
}

function userOf(user: Obj, dir: string, file: string): Obj {
  const out: Obj = { ...user };
  for (const key of ['client-certificate', 'client-key'] as const) {
    const p = pathFrom(dir, user[key]);
    if (p) out[key] = p;
  }
  const tokenFile = pathFrom(dir, user.tokenFile ?? user['token-file']);
  if (tokenFile && !asString(user.token)) {
    try {
      out.token = readFileSync(tokenFile, 'utf8').trim();
    } catch (e) {
      throw new KubeconfigError(`${file}: tokenFile ${tokenFile}: ${errorMessage(e)}`);
    }
  }
  delete out.tokenFile;
  delete out['token-file'];
  const exec = asObj(user.exec);
  const command = asString(exec?.command);
  // kubectl runs a command given as a relative path from the kubeconfig's directory; a bare name is looked up on PATH.
  if (exec && command && command.includes('/') && !isAbsolute(command)) out.exec = { ...exec, command: resolve(dir, command) };
  return out;
}
