import { describe, expect, it } from 'vitest';
import { imageFilesFrom } from '../../../src/analyses/images/image-files.js';
import { npmAnalyzer, parsePackageLock } from '../../../src/analyses/images/packages/npm.js';
import { readImageFiles } from '../../../src/ingest/image/walker.js';
import { tarOf } from '../../ingest/image/build.js';
import { gz, memorySource } from '../../ingest/image/memory-source.js';

const LOCK_V3 = JSON.stringify({
  name: 'app',
  lockfileVersion: 3,
  packages: {
    '': { name: 'app', version: '1.0.0' },
    'node_modules/lodash': { version: '4.17.21', license: 'MIT' },
    'node_modules/@babel/core': { version: '7.23.2' },
    'node_modules/@babel/core/node_modules/semver': { version: '6.3.1' },
    'node_modules/local-lib': { resolved: 'packages/local-lib', link: true },
    'packages/local-lib': { name: 'local-lib', version: '0.0.1' },
  },
});

const LOCK_V1 = JSON.stringify({
  name: 'old',
  lockfileVersion: 1,
  dependencies: {
    express: { version: '4.18.2', dependencies: { 'body-parser': { version: '1.20.1' } } },
    mine: { version: 'file:../mine' },
    gitdep: { version: 'git+https://example.invalid/x.git#abc' },
  },
});

describe('npm analyser', () => {
  it('reads lockfile v2/v3 packages: nested copies, scoped names, workspace packages; links skipped', () => {
    const pkgs = parsePackageLock(LOCK_V3, 'app/package-lock.json', []);
    expect(pkgs.map((p) => `${p.name}@${p.version} ${p.purl}`)).toEqual([
      'lodash@4.17.21 pkg:npm/lodash@4.17.21',
      '@babel/core@7.23.2 pkg:npm/%40babel/core@7.23.2',
      'semver@6.3.1 pkg:npm/semver@6.3.1',
      'local-lib@0.0.1 pkg:npm/local-lib@0.0.1',
    ]);
    expect(pkgs[0]).toMatchObject({ ecosystem: 'npm', licenses: ['MIT'], location: 'app/package-lock.json' });
  });

  it('reads lockfile v1 nested dependencies, skipping file: and git versions', () => {
    expect(parsePackageLock(LOCK_V1, 'package-lock.json', []).map((p) => `${p.name}@${p.version}`)).toEqual(['express@4.18.2', 'body-parser@1.20.1']);
  });

  it('notes a lockfile that is not JSON', () => {
    const notes: string[] = [];
    expect(parsePackageLock('{', 'package-lock.json', notes)).toEqual([]);
    expect(notes[0]).toMatch(/^package-lock.json: not JSON/);
  });

  it('lists installed node_modules manifests; a lockfile beside an installed tree adds nothing', () => {
    const files = imageFilesFrom({
      'app/package-lock.json': LOCK_V3,
      'app/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.21', license: 'MIT' }),
      'app/node_modules/.package-lock.json': LOCK_V3,
      'usr/local/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json': JSON.stringify({ name: '@npmcli/arborist', version: '7.2.1' }),
      'usr/local/lib/node_modules/npm/node_modules/.package-lock.json': LOCK_V3,
      'usr/local/lib/node_modules/npm/node_modules/broken/package.json': '{"name": "broken"}',
    });
    const pkgs = npmAnalyzer.analyze(files, undefined, []);
    expect(pkgs.map((p) => `${p.name}@${p.version} ${p.location}`)).toEqual([
      'lodash@4.17.21 app/node_modules/lodash/package.json',
      '@npmcli/arborist@7.2.1 usr/local/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json',
    ]);
  });

  it('reads a lockfile whose node_modules tree is not in the image, other projects\' trees notwithstanding', () => {
    const files = imageFilesFrom({
      'srv/package-lock.json': LOCK_V3,
      'app/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.21' }),
    });
    expect(npmAnalyzer.analyze(files, undefined, []).map((p) => `${p.name}@${p.version} ${p.location}`)).toEqual([
      'lodash@4.17.21 app/node_modules/lodash/package.json',
      '@babel/core@7.23.2 srv/package-lock.json',
      'semver@6.3.1 srv/package-lock.json',
      'local-lib@0.0.1 srv/package-lock.json',
    ]);
  });

  it('never reports dev entries of a lockfile (v3 `packages` and v1 `dependencies`)', () => {
    const v3 = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.0.0' },
        'node_modules/express': { version: '4.18.2' },
        'node_modules/jest': { version: '29.7.0', dev: true },
        'node_modules/jest/node_modules/semver': { version: '7.5.4', dev: true },
      },
    });
    const v1 = JSON.stringify({
      lockfileVersion: 1,
      dependencies: { express: { version: '4.18.2' }, mocha: { version: '10.2.0', dev: true, dependencies: { debug: { version: '4.3.4', dev: true } } } },
    });
    expect(parsePackageLock(v3, 'package-lock.json', []).map((p) => p.name)).toEqual(['express']);
    expect(parsePackageLock(v1, 'package-lock.json', []).map((p) => p.name)).toEqual(['express']);
  });

  it('a package a later layer whites out stays gone although the lockfile still lists it', async () => {
    const manifest = (name: string, version: string): string => JSON.stringify({ name, version });
    const base = await tarOf([
      { name: 'app/package-lock.json', content: LOCK_V3 },
      { name: 'app/node_modules/lodash/package.json', content: manifest('lodash', '4.17.21') },
      { name: 'app/node_modules/@babel/core/package.json', content: manifest('@babel/core', '7.23.2') },
    ]);
    const prune = await tarOf([{ name: 'app/node_modules/.wh.lodash', content: '' }]);
    const walked = await readImageFiles(memorySource([gz(base), gz(prune)]), (f) => npmAnalyzer.wants(f));
    expect(npmAnalyzer.analyze(walked.files, undefined, []).map((p) => `${p.name}@${p.version}`)).toEqual(['@babel/core@7.23.2']);
  });

  it.each([
    { path: 'app/package-lock.json', wanted: true },
    { path: 'app/node_modules/.package-lock.json', wanted: true },
    { path: 'app/node_modules/lodash/package.json', wanted: true },
    { path: 'app/node_modules/@types/node/package.json', wanted: true },
    { path: 'app/node_modules/lodash/fp/package.json', wanted: false },
    { path: 'app/node_modules/dep/package-lock.json', wanted: false },
    { path: 'app/package.json', wanted: false },
    { path: 'app/node_modules/.bin/package.json', wanted: false },
  ])('wants $path: $wanted', ({ path, wanted }) => {
    expect(npmAnalyzer.wants({ path, size: 1000, mode: 0o644 })).toBe(wanted);
  });
});
