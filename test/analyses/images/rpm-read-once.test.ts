import type Database from 'better-sqlite3';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { imageFilesFrom } from '../../../src/analyses/images/image-files.js';
import { analyzeImagePackages } from '../../../src/analyses/images/packages/index.js';
import { encodeRpmHeader, parseRpmHeader, RPMTAG } from '../../../src/analyses/images/packages/rpm-header.js';
import { sqliteRpmdb } from '../../helpers/rpmdb.js';

const opened = vi.hoisted(() => ({ databases: 0 }));

// Counts the databases opened, so a test can say how often an image's rpmdb is read.
vi.mock('better-sqlite3', async (importOriginal) => {
  const real = (await importOriginal<{ default: typeof Database }>()).default;
  return {
    default: new Proxy(real, {
      construct(target, args, newTarget) {
        opened.databases++;
        return Reflect.construct(target, args, newTarget) as object;
      },
    }),
  };
});

vi.mock('../../../src/analyses/images/packages/rpm-header.js', async (importOriginal) => {
  const real = await importOriginal<{ parseRpmHeader: typeof parseRpmHeader }>();
  return { ...real, parseRpmHeader: vi.fn(real.parseRpmHeader) };
});

const ROCKY = 'ID=rocky\nVERSION_ID="9.3"\n';
const EGG_INFO = 'usr/lib/python3.9/site-packages/urllib3-1.26.5-py3.9.egg-info';


const URLLIB3 = encodeRpmHeader([
  { tag: RPMTAG.NAME, value: 'python3-urllib3' },
  { tag: RPMTAG.VERSION, value: '1.26.5' },
  { tag: RPMTAG.RELEASE, value: '3.el9' },
  { tag: RPMTAG.SOURCERPM, value: 'python-urllib3-1.26.5-3.el9.src.rpm' },
  { tag: RPMTAG.BASENAMES, value: ['urllib3-1.26.5-py3.9.egg-info'] },
  { tag: RPMTAG.DIRINDEXES, value: [0] },
  { tag: RPMTAG.DIRNAMES, value: ['/usr/lib/python3.9/site-packages/'] },
]);
const BASH = encodeRpmHeader([
  { tag: RPMTAG.NAME, value: 'bash' },
  { tag: RPMTAG.VERSION, value: '5.1.8' },
  { tag: RPMTAG.RELEASE, value: '6.el9_1' },
  { tag: RPMTAG.OLDFILENAMES, value: ['/usr/bin/bash'] },
]);

describe('an rpm database in one image scan', () => {
  beforeEach(() => {
    vi.mocked(parseRpmHeader).mockClear();
  });

  it('is opened once, and each header walked once, for the package list and the files its packages own', () => {
    const files = imageFilesFrom({ 'etc/os-release': ROCKY, 'var/lib/rpm/rpmdb.sqlite': sqliteRpmdb([URLLIB3, BASH]), [`${EGG_INFO}/PKG-INFO`]: 'Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.5\n\n' });
    opened.databases = 0;
    const notes: string[] = [];
    const result = analyzeImagePackages(files, notes);
    expect(result.packages.map((p) => `${p.type}:${p.name}@${p.version}`)).toEqual(['rpm:python3-urllib3@1.26.5-3.el9', 'rpm:bash@5.1.8-6.el9_1']);
    expect(result.errors).toEqual([]);
    expect(notes).toEqual([]);
    expect(opened.databases).toBe(1);
    expect(parseRpmHeader).toHaveBeenCalledTimes(2);
    // Nothing is kept past the scan: the next scan of the same bytes reads them again.
    analyzeImagePackages(files, []);
    expect(opened.databases).toBe(2);
  });

  it('is tried once when it cannot be read, and noted once', () => {
    const files = imageFilesFrom({ 'etc/os-release': ROCKY, 'var/lib/rpm/rpmdb.sqlite': 'not sqlite at all' });
    opened.databases = 0;
    const notes: string[] = [];
    expect(analyzeImagePackages(files, notes).packages).toEqual([]);
    expect(opened.databases).toBe(1);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^var\/lib\/rpm\/rpmdb.sqlite: rpm database not readable/);
  });
});
