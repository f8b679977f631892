import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/**
 * A PostgreSQL for the store tests: the server named by PALISADE_TEST_POSTGRES_URL, or a throwaway
 * cluster made with Debian's initdb/pg_ctl in a temporary directory, listening on 127.0.0.1 and a free
 * port. Each test gets a database of its own.
 */

const run = promisify(execFile);
const ENV_URL = 'PALISADE_TEST_POSTGRES_URL';

export interface PostgresServer {
  /** A URL for a new, empty database. */
  freshDatabase(): Promise<string>;
  stop(): Promise<void>;
}

function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Why the PostgreSQL half cannot run here, or undefined when it can. */
export function postgresUnavailable(): string | undefined {
  if (process.env[ENV_URL]) return undefined;
  if (!postgresBin()) return `no PostgreSQL: ${ENV_URL} is not set and /usr/lib/postgresql/*/bin/initdb is missing`;
  if (process.getuid?.() === 0 && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser'))
    return 'no PostgreSQL: running as root and runuser is missing to start the server as the postgres user';
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** `stopServer` absent: a server that outlives the tests, so the databases made for them are dropped instead. */
function serverOn(adminUrl: string, stopServer?: () => Promise<void>): PostgresServer {
  const created: string[] = [];
  const prefix = `palisade_test_${process.pid}_${Date.now().toString(36)}`;
  return {
    async freshDatabase() {
      const name = `${prefix}_${created.length}`;
      await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
      created.push(name);
      return databaseUrl(adminUrl, name);
    },
    async stop() {
      if (stopServer) return stopServer();
      await withClient(adminUrl, async (c) => {
        for (const name of created) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    },
  };
}

/** Starts (or connects to) a server; call only when `postgresUnavailable()` said it can. */
export async function startPostgres(): Promise<PostgresServer> {
  const external = process.env[ENV_URL];
  if (external) return serverOn(external);

  const bin = postgresBin()!;
  const dir = mkdtempSync(join(tmpdir(), 'palisade-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The server refuses to run as root: the cluster belongs to the postgres user.
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const pgRun = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { cwd: dir }) : run(join(bin, tool), args, { cwd: dir });

  const port = await freePort();
  const log = join(dir, 'server.log');
  try {
    await pgRun('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '-N']);
    const settings = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
    await pgRun('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', settings, 'start']);
  } catch (e) {
    const detail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start a PostgreSQL test cluster: ${(e as Error).message}\n${detail}`);
  }
  const stopCluster = async () => {
    try {
      await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return serverOn(`postgres://postgres@127.0.0.1:${port}/postgres`, stopCluster);
}
