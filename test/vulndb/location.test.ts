import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDbPath, resolveDbPath } from '../../src/vulndb/location.js';

describe('database location', () => {
  it('lives in the user cache directory of each platform', () => {
    expect(defaultDbPath({}, 'linux', '/home/u')).toBe(join('/home/u', '.cache', 'palisade', 'osv.sqlite'));
    expect(defaultDbPath({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u')).toBe(join('/xdg', 'palisade', 'osv.sqlite'));
    expect(defaultDbPath({}, 'darwin', '/Users/u')).toBe(join('/Users/u', 'Library', 'Caches', 'palisade', 'osv.sqlite'));
    expect(defaultDbPath({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u')).toBe(join('C:\\Users\\u\\AppData\\Local', 'palisade', 'osv.sqlite'));
  });

  it('--db wins over PALISADE_DB, which wins over the default', () => {
    expect(resolveDbPath('/a.sqlite', { PALISADE_DB: '/b.sqlite' })).toBe('/a.sqlite');
    expect(resolveDbPath(undefined, { PALISADE_DB: '/b.sqlite' })).toBe('/b.sqlite');
    expect(resolveDbPath(undefined, { XDG_CACHE_HOME: '/xdg' })).toMatch(/palisade[/\\]osv\.sqlite$/);
  });
});
