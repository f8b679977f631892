import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the database lives unless `--db` or PALISADE_DB says otherwise: the user cache directory
 * (XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, LOCALAPPDATA on Windows).
 */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  let cache: string;
  if (platform === 'win32') cache = env.LOCALAPPDATA || join(home, 'AppData', 'Local');
  else if (platform === 'darwin') cache = join(home, 'Library', 'Caches');
  else cache = env.XDG_CACHE_HOME || join(home, '.cache');
  return join(cache, 'palisade', 'osv.sqlite');
}

/** `--db FILE`, else PALISADE_DB, else the default location. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.PALISADE_DB || defaultDbPath(env);
}
